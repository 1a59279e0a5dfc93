// One maintenance decision, carried out in one transaction: PM notification, the part (stock
// reservation, else a purchase order), a PM work order in a window that starts when the part is
// there, and the MES schedule cleared around that window. Exactly once per incident id: the
// notification's UNIQUE(incident_id) with ON CONFLICT DO NOTHING is the idempotency gate, and a
// concurrent duplicate waits on that key until the first commits, then reads its outcome.
import { fail, ok, type MaintenanceOutcome, type MaintenanceRequest, type Result, type SqlExecutor } from '../core/index.ts';
import { clearWindow } from './mes.ts';
import { chooseSupplier, type SupplierOffer } from './procurement.ts';
import type { EnterpriseConfig } from './types.ts';

const HOUR_MS = 3_600_000;

interface Part {
  materialId: string;
  quantity: number;
  unitPriceCents: number;
  offers: SupplierOffer[];
}

/** Master-data checks before anything is written; a failure is a reason for a 422. */
async function resolve(tx: SqlExecutor, req: MaintenanceRequest): Promise<Result<Part | null>> {
  const wc = await tx.query<{ site: string; machine_type: string }>('SELECT site, machine_type FROM work_centres WHERE id = $1', [req.machine]);
  const centre = wc.rows[0];
  if (!centre) return fail(`machine "${req.machine}" is not a registered work centre (register the plant first: POST /api/v1/plant)`);
  if (centre.machine_type !== req.machineType) return fail(`machine "${req.machine}" is a ${centre.machine_type}, not a ${req.machineType}`);
  if (centre.site !== req.site) return fail(`machine "${req.machine}" belongs to site "${centre.site}", not "${req.site}"`);
  if (req.component === null) return ok(null);
  const bom = await tx.query<{ material_id: string; quantity: number; unit_price_cents: number }>(
    'SELECT b.material_id, b.quantity, m.unit_price_cents FROM bom b JOIN materials m ON m.id = b.material_id WHERE b.machine_type = $1 AND b.component = $2',
    [req.machineType, req.component],
  );
  const pos = bom.rows[0];
  if (!pos) return fail(`the bill of materials has no ${req.component} for machine type ${req.machineType}`);
  const offers = await tx.query<SupplierOffer>(
    `SELECT supplier_id AS "supplierId", price_cents AS "priceCents", lead_time_hours AS "leadTimeHours",
            expedite_lead_time_hours AS "expediteLeadTimeHours", expedite_surcharge_pct AS "expediteSurchargePct"
     FROM supplier_offers WHERE material_id = $1 ORDER BY supplier_id`,
    [pos.material_id],
  );
  if (offers.rows.length === 0) return fail(`no supplier offers material ${pos.material_id}`);
  return ok({ materialId: pos.material_id, quantity: pos.quantity, unitPriceCents: pos.unit_price_cents, offers: offers.rows });
}

/** Takes `quantity` from any storage location at the site that has it; never below zero (the UPDATE re-checks under its row lock). */
async function reserve(tx: SqlExecutor, req: MaintenanceRequest, part: Part, nowMs: number): Promise<boolean> {
  const candidates = await tx.query<{ storage_location: string }>(
    'SELECT storage_location FROM stock WHERE material_id = $1 AND site = $2 AND quantity >= $3 ORDER BY quantity DESC, storage_location',
    [part.materialId, req.site, part.quantity],
  );
  for (const c of candidates.rows) {
    const taken = await tx.query(
      'UPDATE stock SET quantity = quantity - $4 WHERE material_id = $1 AND site = $2 AND storage_location = $3 AND quantity >= $4',
      [part.materialId, req.site, c.storage_location, part.quantity],
    );
    if (taken.affectedRows === 1) {
      await tx.query(
        'INSERT INTO reservations (incident_id, material_id, site, storage_location, quantity, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)',
        [req.incidentId, part.materialId, req.site, c.storage_location, part.quantity, nowMs],
      );
      return true;
    }
  }
  return false;
}

/** The outcome recorded for an incident that was already handled. */
export async function existingOutcome(tx: SqlExecutor, incidentId: string): Promise<MaintenanceOutcome | null> {
  const { rows } = await tx.query<{ n: string; po: string | null; po_material: string | null; res_material: string | null; wo: string | null }>(
    `SELECT n.id AS n, p.id AS po, p.material_id AS po_material, r.material_id AS res_material, w.id AS wo
     FROM notifications n
     LEFT JOIN purchase_orders p ON p.incident_id = n.incident_id
     LEFT JOIN reservations r ON r.incident_id = n.incident_id
     LEFT JOIN work_orders w ON w.incident_id = n.incident_id
     WHERE n.incident_id = $1`,
    [incidentId],
  );
  const r = rows[0];
  if (!r || r.wo === null) return null;
  const moves = await tx.query<{ id: string }>('SELECT production_order_id AS id FROM production_moves WHERE incident_id = $1 ORDER BY id', [incidentId]);
  return {
    incidentId,
    notificationId: r.n,
    purchaseOrderId: r.po,
    materialId: r.po_material ?? r.res_material,
    workOrderId: r.wo,
    movedProductionOrders: [...new Set(moves.rows.map((m) => m.id))],
    created: false,
  };
}

/** Carries out `req` inside the caller's transaction; a value-level failure means nothing was written. */
export async function carryOut(tx: SqlExecutor, req: MaintenanceRequest, cfg: EnterpriseConfig, nowMs: number): Promise<Result<MaintenanceOutcome>> {
  const resolved = await resolve(tx, req);
  if (!resolved.ok) return resolved;
  const part = resolved.value;

  const note = await tx.query<{ id: string }>(
    `INSERT INTO notifications (incident_id, site, line, machine, machine_type, fault_type, component, priority, text, detected_at_ms, due_by_ms, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (incident_id) DO NOTHING RETURNING id`,
    [req.incidentId, req.site, req.line, req.machine, req.machineType, req.faultType, req.component, req.priority, req.explanation, req.detectedAt, req.dueBy, nowMs],
  );
  const notificationId = note.rows[0]?.id;
  if (notificationId === undefined) {
    const prior = await existingOutcome(tx, req.incidentId);
    return prior ? ok(prior) : fail(`incident ${req.incidentId} has a notification but no work order`);
  }

  // Serialise planning per site and machine type: stock, free slots and moves are decided under these locks.
  await tx.query('SELECT id FROM work_centres WHERE site = $1 AND machine_type = $2 ORDER BY id FOR UPDATE', [req.site, req.machineType]);

  let purchaseOrderId: string | null = null;
  let partReadyMs = req.detectedAt;
  let partCostCents = 0;
  if (part) {
    if (await reserve(tx, req, part, nowMs)) {
      partReadyMs = req.detectedAt + cfg.pickFromStockMs;
      partCostCents = part.unitPriceCents * part.quantity;
    } else {
      const choice = chooseSupplier(part.offers, req.detectedAt, req.dueBy)!; // resolve() checked there are offers
      const po = await tx.query<{ id: string }>(
        `INSERT INTO purchase_orders (incident_id, material_id, supplier_id, site, quantity, unit_price_cents, total_cents, expedited, late, ordered_at_ms, expected_delivery_ms, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [req.incidentId, part.materialId, choice.supplierId, req.site, part.quantity, choice.unitPriceCents, choice.unitPriceCents * part.quantity,
          choice.expedited, choice.late, req.detectedAt, choice.expectedDeliveryMs, nowMs],
      );
      purchaseOrderId = po.rows[0]!.id;
      partReadyMs = choice.expectedDeliveryMs;
      partCostCents = choice.unitPriceCents * part.quantity;
    }
  }

  const durationMs = part ? cfg.repairDurationMs : cfg.inspectionDurationMs;
  const startMs = Math.max(partReadyMs, req.detectedAt);
  const endMs = startMs + durationMs;
  const labourCents = Math.round((durationMs / HOUR_MS) * cfg.labourRateCentsPerHour);
  const wo = await tx.query<{ id: string }>(
    `INSERT INTO work_orders (incident_id, notification_id, machine, component, material_id, planned_start_ms, planned_end_ms, planned_cost_cents, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [req.incidentId, notificationId, req.machine, req.component, part?.materialId ?? null, startMs, endMs, partCostCents + labourCents, nowMs],
  );

  const moved = await clearWindow(tx, {
    machine: req.machine, site: req.site, machineType: req.machineType, startMs, endMs, incidentId: req.incidentId, movedAtMs: nowMs,
  });
  return ok({
    incidentId: req.incidentId,
    notificationId,
    purchaseOrderId,
    materialId: part?.materialId ?? null,
    workOrderId: wo.rows[0]!.id,
    movedProductionOrders: moved,
    created: true,
  });
}
