// MM purchasing in event time: requisition → purchase order, whose status moves created →
// confirmed → shipped → received as the enterprise clock passes the supplier's dates; goods
// receipt (movement 101) raises stock and, for an order bought for a maintenance incident,
// ring-fences the delivery for that incident's work order and releases the order. Goods issue
// (movement 261) at execution lowers stock; falling below the reorder point raises a requisition.
import type { SqlExecutor } from '../core/index.ts';
import { DEFAULT_STORAGE_LOCATION } from './catalogue.ts';
import { chooseSupplier, type SupplierChoice, type SupplierOffer } from './procurement.ts';

const HOUR_MS = 3_600_000;

/**
 * Supplier milestones inside the lead time: order acknowledgement within a quarter of the lead
 * time (at most 4 h), dispatch half the lead time (at most 24 h) before delivery (road freight).
 */
export function milestones(orderedAtMs: number, deliveryMs: number): { confirmDueMs: number; shipDueMs: number } {
  const lead = Math.max(0, deliveryMs - orderedAtMs);
  return { confirmDueMs: orderedAtMs + Math.min(4 * HOUR_MS, Math.floor(lead / 4)), shipDueMs: deliveryMs - Math.min(24 * HOUR_MS, Math.floor(lead / 2)) };
}

/** Creates a requisition and converts it at once into a purchase order from `choice`; returns the PO id. */
export async function insertPurchaseOrder(
  tx: SqlExecutor,
  o: { incidentId: string | null; materialId: string; site: string; quantity: number; reason: 'maintenance' | 'reorder-point' | 'manual'; choice: SupplierChoice; orderedAtMs: number; needByMs: number; wallMs: number; requisitionId?: string },
): Promise<string> {
  let reqId = o.requisitionId;
  if (!reqId) {
    const pr = await tx.query<{ id: string }>(
      `INSERT INTO purchase_requisitions (material_id, site, quantity, reason, incident_id, status, requested_at_ms, need_by_ms) VALUES ($1, $2, $3, $4, $5, 'converted', $6, $7) RETURNING id`,
      [o.materialId, o.site, o.quantity, o.reason, o.incidentId, o.orderedAtMs, o.needByMs],
    );
    reqId = pr.rows[0]!.id;
  }
  const m = milestones(o.orderedAtMs, o.choice.expectedDeliveryMs);
  const po = await tx.query<{ id: string }>(
    `INSERT INTO purchase_orders (incident_id, material_id, supplier_id, site, quantity, unit_price_cents, total_cents, expedited, late, ordered_at_ms, expected_delivery_ms, created_at_ms,
       requisition_id, surcharge_cents, decision, confirm_due_ms, ship_due_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
    [o.incidentId, o.materialId, o.choice.supplierId, o.site, o.quantity, o.choice.unitPriceCents, o.choice.unitPriceCents * o.quantity, o.choice.expedited, o.choice.late,
      o.orderedAtMs, o.choice.expectedDeliveryMs, o.wallMs, reqId, o.choice.surchargeCents * o.quantity, o.choice.decision, m.confirmDueMs, m.shipDueMs],
  );
  const id = po.rows[0]!.id;
  await tx.query(`UPDATE purchase_requisitions SET status = 'converted', purchase_order_id = $2 WHERE id = $1`, [reqId, id]);
  return id;
}

async function offersFor(tx: SqlExecutor, materialId: string): Promise<SupplierOffer[]> {
  const r = await tx.query<SupplierOffer>(
    `SELECT supplier_id AS "supplierId", price_cents AS "priceCents", lead_time_hours AS "leadTimeHours",
            expedite_lead_time_hours AS "expediteLeadTimeHours", expedite_surcharge_pct AS "expediteSurchargePct"
     FROM supplier_offers WHERE material_id = $1 ORDER BY supplier_id`,
    [materialId],
  );
  return r.rows;
}

/** Raises a reorder-point requisition when the unreserved stock of a part at a site is below its reorder point (one open at a time). */
export async function checkReorderPoint(tx: SqlExecutor, materialId: string, site: string, atMs: number): Promise<void> {
  const s = await tx.query<{ available: number; rop: number }>(
    'SELECT sum(quantity - reserved_quantity)::int AS available, max(reorder_point)::int AS rop FROM stock WHERE material_id = $1 AND site = $2',
    [materialId, site],
  );
  const row = s.rows[0];
  if (!row || row.rop === null || row.available === null || row.available >= row.rop) return;
  // Order up to twice the reorder point (a simple (s, S) policy with S = 2s).
  const quantity = Math.max(1, 2 * row.rop - row.available);
  await tx.query(
    `INSERT INTO purchase_requisitions (material_id, site, quantity, reason, status, requested_at_ms, need_by_ms) VALUES ($1, $2, $3, 'reorder-point', 'open', $4, $4)
     ON CONFLICT (material_id, site) WHERE reason = 'reorder-point' AND status = 'open' DO NOTHING`,
    [materialId, site, quantity, atMs],
  );
}

/** Moves requisitions and purchase orders forward to `nowMs`; returns how many documents changed. */
export async function advancePurchasing(tx: SqlExecutor, nowMs: number, wallMs: number, riskCentsPerHourLate: number): Promise<number> {
  let changed = 0;
  const open = await tx.query<{ id: string; material_id: string; site: string; quantity: number; reason: 'reorder-point' | 'manual'; requested_at_ms: number; need_by_ms: number }>(
    `SELECT id, material_id, site, quantity, reason, requested_at_ms, need_by_ms FROM purchase_requisitions WHERE status = 'open' AND requested_at_ms <= $1 ORDER BY requested_at_ms, id FOR UPDATE`,
    [nowMs],
  );
  for (const r of open.rows) {
    const choice = chooseSupplier(await offersFor(tx, r.material_id), r.requested_at_ms, Math.max(r.need_by_ms, r.requested_at_ms), 0);
    if (!choice) continue;
    // Replenishment has no failure to race: the cheapest option (risk 0), not expedited.
    await insertPurchaseOrder(tx, { incidentId: null, materialId: r.material_id, site: r.site, quantity: r.quantity, reason: r.reason, choice, orderedAtMs: r.requested_at_ms, needByMs: r.need_by_ms, wallMs, requisitionId: r.id });
    changed++;
  }
  changed += (await tx.query(`UPDATE purchase_orders SET status = 'confirmed', confirmed_at_ms = confirm_due_ms WHERE status = 'created' AND confirm_due_ms <= $1`, [nowMs])).affectedRows;
  changed += (await tx.query(`UPDATE purchase_orders SET status = 'shipped', shipped_at_ms = ship_due_ms WHERE status = 'confirmed' AND ship_due_ms <= $1`, [nowMs])).affectedRows;
  const arriving = await tx.query<{ id: string; incident_id: string | null; material_id: string; site: string; quantity: number; expected_delivery_ms: number }>(
    `UPDATE purchase_orders SET status = 'received', received_at_ms = expected_delivery_ms WHERE status = 'shipped' AND expected_delivery_ms <= $1
     RETURNING id, incident_id, material_id, site, quantity, expected_delivery_ms`,
    [nowMs],
  );
  for (const po of arriving.rows) {
    changed++;
    const loc = DEFAULT_STORAGE_LOCATION;
    const ring = po.incident_id !== null ? po.quantity : 0;
    await tx.query(
      `INSERT INTO stock (material_id, site, storage_location, quantity, reserved_quantity, reorder_point) VALUES ($1, $2, $3, $4, $5, 0)
       ON CONFLICT (material_id, site, storage_location) DO UPDATE SET quantity = stock.quantity + EXCLUDED.quantity, reserved_quantity = stock.reserved_quantity + EXCLUDED.reserved_quantity`,
      [po.material_id, po.site, loc, po.quantity, ring],
    );
    await tx.query(
      `INSERT INTO stock_movements (material_id, site, storage_location, movement_type, quantity, reference, at_ms) VALUES ($1, $2, $3, '101-goods-receipt', $4, $5, $6)`,
      [po.material_id, po.site, loc, po.quantity, po.id, po.expected_delivery_ms],
    );
    if (po.incident_id !== null) {
      await tx.query(`UPDATE reservations SET status = 'open', storage_location = $2 WHERE purchase_order_id = $1 AND status = 'awaiting-delivery'`, [po.id, loc]);
      await tx.query(`UPDATE work_orders SET status = 'released' WHERE incident_id = $1 AND status = 'created'`, [po.incident_id]);
    } else {
      await tx.query(`UPDATE purchase_requisitions SET status = 'converted' WHERE purchase_order_id = $1`, [po.id]);
    }
  }
  return changed;
}

/** Goods issue of an incident's open reservation to its work order at `atMs`; stock never goes negative (CHECK constraints). */
export async function issueReservation(tx: SqlExecutor, incidentId: string, workOrderId: string, atMs: number): Promise<void> {
  const r = await tx.query<{ id: string; material_id: string; site: string; storage_location: string; quantity: number }>(
    `UPDATE reservations SET status = 'issued', issued_at_ms = $2 WHERE incident_id = $1 AND status = 'open' RETURNING id, material_id, site, storage_location, quantity`,
    [incidentId, atMs],
  );
  const res = r.rows[0];
  if (!res) return;
  await tx.query(
    'UPDATE stock SET quantity = quantity - $4, reserved_quantity = reserved_quantity - $4 WHERE material_id = $1 AND site = $2 AND storage_location = $3',
    [res.material_id, res.site, res.storage_location, res.quantity],
  );
  await tx.query(
    `INSERT INTO stock_movements (material_id, site, storage_location, movement_type, quantity, reference, at_ms) VALUES ($1, $2, $3, '261-goods-issue', $4, $5, $6)`,
    [res.material_id, res.site, res.storage_location, -res.quantity, workOrderId, atMs],
  );
  await checkReorderPoint(tx, res.material_id, res.site, atMs);
}

/** A manual requisition (planner): converted into a purchase order at the next clock tick. */
export async function createRequisition(tx: SqlExecutor, r: { materialId: string; site: string; quantity: number; needByMs: number }, nowMs: number): Promise<string> {
  const pr = await tx.query<{ id: string }>(
    `INSERT INTO purchase_requisitions (material_id, site, quantity, reason, status, requested_at_ms, need_by_ms) VALUES ($1, $2, $3, 'manual', 'open', $4, $5) RETURNING id`,
    [r.materialId, r.site, r.quantity, nowMs, r.needByMs],
  );
  return pr.rows[0]!.id;
}
