// Seeds the master-data catalogue. Idempotent: rows that exist are left as they are (ON CONFLICT
// DO NOTHING), so a restart never resets stock that the plant has used.
import type { SqlExecutor, SqlStore } from '../core/index.ts';
import { DEFAULT_STOCK, DEFAULT_STORAGE_LOCATION, MATERIALS, OFFERS, SUPPLIERS, type MaterialSeed, type OfferSeed, type StockSeed, type SupplierSeed } from './catalogue.ts';

export interface CatalogueSeed {
  materials?: MaterialSeed[];
  suppliers?: SupplierSeed[];
  offers?: OfferSeed[];
  stock?: StockSeed[];
}

/** Inserts the materials, BOM, suppliers, offers and stock rows that are missing, in one transaction. */
export async function seedCatalogue(store: SqlStore, seed: CatalogueSeed = {}): Promise<void> {
  const materials = seed.materials ?? MATERIALS;
  const suppliers = seed.suppliers ?? SUPPLIERS;
  const offers = seed.offers ?? OFFERS;
  const stock = seed.stock ?? DEFAULT_STOCK;
  await store.transaction(async (tx) => {
    for (const m of materials) {
      await tx.query('INSERT INTO materials (id, description, unit_price_cents) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [m.id, m.description, m.unitPriceCents]);
      await tx.query('INSERT INTO bom (machine_type, component, material_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [m.machineType, m.component, m.id]);
    }
    for (const s of suppliers) await tx.query('INSERT INTO suppliers (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [s.id, s.name]);
    for (const o of offers) {
      await tx.query(
        `INSERT INTO supplier_offers (material_id, supplier_id, price_cents, lead_time_hours, expedite_lead_time_hours, expedite_surcharge_pct)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [o.materialId, o.supplierId, o.priceCents, o.leadTimeHours, o.expediteLeadTimeHours, o.expediteSurchargePct],
      );
    }
    await insertStock(tx, stock);
  });
}

/** Inserts stock rows that are missing (existing quantities are kept). */
export async function insertStock(tx: SqlExecutor, stock: StockSeed[]): Promise<void> {
  for (const s of stock) {
    await tx.query(
      'INSERT INTO stock (material_id, site, storage_location, quantity, reorder_point) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [s.materialId, s.site, s.storageLocation ?? DEFAULT_STORAGE_LOCATION, s.quantity, s.reorderPoint ?? 1],
    );
  }
}
