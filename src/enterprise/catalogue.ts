// The default master data: one spare part per machine type and BOM position, two suppliers each.
// Bearing sizes follow the simulator's machines (6205 pump, 6309 motor, 6206 fan); coupling
// inserts are jaw-coupling elastomer "spiders" (DIN 740-2 style sizes) matched to shaft size.
// Prices are list prices in euro cents; lead times are in hours.
import type { Component, MachineType } from '../core/index.ts';

export interface MaterialSeed {
  id: string;
  description: string;
  unitPriceCents: number;
  machineType: MachineType;
  component: Component;
}

export interface SupplierSeed {
  id: string;
  name: string;
}

export interface OfferSeed {
  materialId: string;
  supplierId: string;
  priceCents: number;
  leadTimeHours: number;
  /** null: the supplier does not expedite this part. */
  expediteLeadTimeHours: number | null;
  expediteSurchargePct: number;
}

export interface StockSeed {
  materialId: string;
  site: string;
  storageLocation?: string;
  quantity: number;
  reorderPoint?: number;
}

/** The MRO storage location parts are kept in unless a stock row says otherwise. */
export const DEFAULT_STORAGE_LOCATION = 'MRO-01';

export const MATERIALS: MaterialSeed[] = [
  { id: 'MAT-BRG-6205-2RS', description: 'Deep-groove ball bearing 6205-2RS C3, 25x52x15 mm', unitPriceCents: 1_280, machineType: 'centrifugal-pump', component: 'drive-end-bearing' },
  { id: 'MAT-BRG-6309-2Z', description: 'Deep-groove ball bearing 6309-2Z C3, 45x100x25 mm', unitPriceCents: 4_650, machineType: 'induction-motor', component: 'drive-end-bearing' },
  { id: 'MAT-BRG-6206-2RS', description: 'Deep-groove ball bearing 6206-2RS C3, 30x62x16 mm', unitPriceCents: 1_540, machineType: 'fan', component: 'drive-end-bearing' },
  { id: 'MAT-CPL-J28-98A', description: 'Jaw coupling elastomer insert size 28, 98 Shore A (pump)', unitPriceCents: 890, machineType: 'centrifugal-pump', component: 'coupling-insert' },
  { id: 'MAT-CPL-J42-92A', description: 'Jaw coupling elastomer insert size 42, 92 Shore A (motor)', unitPriceCents: 1_760, machineType: 'induction-motor', component: 'coupling-insert' },
  { id: 'MAT-IMP-CP200-SS', description: 'Closed impeller 200 mm, stainless 1.4408, for end-suction pump', unitPriceCents: 38_500, machineType: 'centrifugal-pump', component: 'impeller' },
  { id: 'MAT-CPL-J24-92A', description: 'Jaw coupling elastomer insert size 24, 92 Shore A (fan)', unitPriceCents: 720, machineType: 'fan', component: 'coupling-insert' },
];

export const SUPPLIERS: SupplierSeed[] = [
  { id: 'SUP-1001', name: 'Nordlager Industrial Supply GmbH' },
  { id: 'SUP-1002', name: 'RapidParts MRO Express' },
  { id: 'SUP-1003', name: 'Flexco Power Transmission BV' },
];

/**
 * Two offers per part: a distributor that is cheap but slow, and an express service that is
 * dearer but fast; both can expedite for a surcharge. The numbers make every procurement
 * branch reachable: normal, dearer-but-on-time, expedited, and late.
 */
export const OFFERS: OfferSeed[] = MATERIALS.flatMap((m): OfferSeed[] => {
  const bearing = m.component === 'drive-end-bearing';
  const cheap = bearing ? 'SUP-1001' : 'SUP-1003';
  return [
    { materialId: m.id, supplierId: cheap, priceCents: m.unitPriceCents, leadTimeHours: bearing ? 72 : 48, expediteLeadTimeHours: 24, expediteSurchargePct: 35 },
    { materialId: m.id, supplierId: 'SUP-1002', priceCents: Math.round(m.unitPriceCents * 1.2), leadTimeHours: bearing ? 24 : 12, expediteLeadTimeHours: 8, expediteSurchargePct: 50 },
  ];
});

/**
 * Default stock: none. The plant's sites get zero-quantity stock rows when they are registered,
 * so every decision in the demo raises a purchase order; pass `stock` to seedCatalogue for
 * parts on the shelf (the reservation path).
 */
export const DEFAULT_STOCK: StockSeed[] = [];

/** Stock for a site where some parts are on the shelf (pump and fan bearings) and the rest are not: both the reservation and the purchase path occur. */
export function mixedStock(site: string): StockSeed[] {
  return MATERIALS.map((m) => ({
    materialId: m.id,
    site,
    quantity: m.id === 'MAT-BRG-6205-2RS' ? 2 : m.id === 'MAT-BRG-6206-2RS' ? 1 : 0,
    reorderPoint: 1,
  }));
}
