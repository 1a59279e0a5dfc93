// One maintenance decision, carried out in one transaction: PM notification, the part (a stock
// reservation, else a requisition turned into a purchase order whose delivery is reserved for the
// order), a PM work order with operations and planned cost in the window the MES scheduler
// chooses, and the production orders moved out of that window. Exactly once per incident id: the
// notification's UNIQUE(incident_id) with ON CONFLICT DO NOTHING is the idempotency gate, and a
// concurrent duplicate waits on that key until the first commits, then reads its outcome.
import { fail, ok, type MaintenanceOutcome, type MaintenanceRequest, type Result, type SqlExecutor } from '../core/index.ts';
import { enterpriseNow } from './clock.ts';
import { applyMoves, planMaintenanceWindow } from './mes.ts';
import { chooseSupplier, type SupplierOffer } from './procurement.ts';
import { insertPurchaseOrder } from './purchasing.ts';
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

/** Ring-fences `quantity` of unreserved stock at any storage location of the site; the UPDATE re-checks under its row lock. */
async function reserve(tx: SqlExecutor, incidentId: string, site: string, part: Part, nowMs: number): Promise<boolean> {
  const candidates = await tx.query<{ storage_location: string }>(
    'SELECT storage_location FROM stock WHERE material_id = $1 AND site = $2 AND quantity - reserved_quantity >= $3 ORDER BY quantity - reserved_quantity DESC, storage_location',
    [part.materialId, site, part.quantity],
  );
  for (const c of candidates.rows) {
    const taken = await tx.query(
      'UPDATE stock SET reserved_quantity = reserved_quantity + $4 WHERE material_id = $1 AND site = $2 AND storage_location = $3 AND quantity - reserved_quantity >= $4',
      [part.materialId, site, c.storage_location, part.quantity],
    );
    if (taken.affectedRows === 1) {
      await tx.query(
        `INSERT INTO reservations (incident_id, material_id, site, storage_location, quantity, created_at_ms, status) VALUES ($1, $2, $3, $4, $5, $6, 'open')`,
        [incidentId, part.materialId, site, c.storage_location, part.quantity, nowMs],
      );
      return true;
    }
  }
  return false;
}

/** The outcome recorded for an incident that was already handled. */
export async function existingOutcome(tx: SqlExecutor, incidentId: string): Promise<MaintenanceOutcome | null> {
  const { rows } = await tx.query<{ n: string; po: string | null; res_material: string | null; wo: string | null }>(
    `SELECT n.id AS n, p.id AS po, r.material_id AS res_material, w.id AS wo
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
    materialId: r.res_material,
    workOrderId: r.wo,
    movedProductionOrders: [...new Set(moves.rows.map((m) => m.id))],
    created: false,
  };
}

/** The PM operations of an order (SAP PM task-list style), hours summing to the planned duration. */
export function operations(component: string | null, durationMs: number): { opNo: number; description: string; plannedHours: number }[] {
  const totalH = durationMs / HOUR_MS;
  // Isolation (lock-out/tag-out) and the test run with a vibration check (ISO 20816 zones) are fixed; the rest is the work itself.
  const isolateH = Math.min(0.5, totalH / 4);
  const testH = Math.min(1, totalH / 4);
  return [
    { opNo: 10, description: 'Isolate and lock out the machine (LOTO)', plannedHours: isolateH },
    { opNo: 20, description: component ? `Replace ${component}` : 'Inspect, balance or re-tighten (no part)', plannedHours: totalH - isolateH - testH },
    { opNo: 30, description: 'Test run and vibration acceptance check (ISO 20816)', plannedHours: testH },
  ];
}

/** Carries out `req` inside the caller's transaction; a value-level failure means nothing was written. */
export async function carryOut(
  tx: SqlExecutor,
  req: MaintenanceRequest,
  cfg: EnterpriseConfig,
  wallMs: number,
  opts: { kind?: 'predictive' | 'breakdown'; breakdownAtMs?: number } = {},
): Promise<Result<MaintenanceOutcome>> {
  const resolved = await resolve(tx, req);
  if (!resolved.ok) return resolved;
  const part = resolved.value;
  const kind = opts.kind ?? 'predictive';

  const note = await tx.query<{ id: string }>(
    `INSERT INTO notifications (incident_id, site, line, machine, machine_type, fault_type, component, priority, text, detected_at_ms, due_by_ms, created_at_ms, kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (incident_id) DO NOTHING RETURNING id`,
    [req.incidentId, req.site, req.line, req.machine, req.machineType, req.faultType, req.component, req.priority, req.explanation, req.detectedAt, req.dueBy, wallMs, kind],
  );
  const notificationId = note.rows[0]?.id;
  if (notificationId === undefined) {
    const prior = await existingOutcome(tx, req.incidentId);
    return prior ? ok(prior) : fail(`incident ${req.incidentId} has a notification but no work order`);
  }

  // Serialise planning per site and machine type: stock, free slots and moves are decided under these locks.
  await tx.query('SELECT id FROM work_centres WHERE site = $1 AND machine_type = $2 ORDER BY id FOR UPDATE', [req.site, req.machineType]);
  // Planning starts at the later of the alarm and the enterprise clock (a request may arrive late).
  const planFromMs = Math.max(req.detectedAt, await enterpriseNow(tx));

  let purchaseOrderId: string | null = null;
  let partReadyMs = planFromMs;
  let partCostCents = 0;
  let surchargeCents = 0;
  let released = true;
  if (part) {
    if (await reserve(tx, req.incidentId, req.site, part, wallMs)) {
      partReadyMs = planFromMs + cfg.pickFromStockMs;
      partCostCents = part.unitPriceCents * part.quantity;
    } else {
      const choice = chooseSupplier(part.offers, planFromMs, req.dueBy, cfg.riskCentsPerHourLate)!; // resolve() checked there are offers
      purchaseOrderId = await insertPurchaseOrder(tx, {
        incidentId: req.incidentId, materialId: part.materialId, site: req.site, quantity: part.quantity, reason: 'maintenance',
        choice, orderedAtMs: planFromMs, needByMs: req.dueBy, wallMs,
      });
      await tx.query(
        `INSERT INTO reservations (incident_id, material_id, site, storage_location, quantity, created_at_ms, status, purchase_order_id)
         VALUES ($1, $2, $3, NULL, $4, $5, 'awaiting-delivery', $6)`,
        [req.incidentId, part.materialId, req.site, part.quantity, wallMs, purchaseOrderId],
      );
      partReadyMs = choice.expectedDeliveryMs;
      partCostCents = choice.unitPriceCents * part.quantity;
      surchargeCents = choice.surchargeCents * part.quantity;
      released = false;
    }
  }

  const durationMs = part ? cfg.repairDurationMs : cfg.inspectionDurationMs;
  // A breakdown is repaired as soon as possible: its "predicted failure" is now.
  const plan = await planMaintenanceWindow(tx, {
    machine: req.machine, site: req.site, machineType: req.machineType, durationMs,
    earliestStartMs: partReadyMs, latestEndMs: kind === 'breakdown' ? partReadyMs + durationMs : req.dueBy,
  });
  const labourCents = Math.round((durationMs / HOUR_MS) * cfg.labourRateCentsPerHour);
  const why = `${plan.beforeFailure ? 'best of' : 'no window ends before the predicted failure; earliest of'} ${plan.candidatesEvaluated} candidate windows in [part ready, dueBy]` +
    ` (${plan.exact ? 'exact' : 'EDD'} sequencing): ${plan.moves.length} orders moved, ${plan.lateOrdersAdded} made late, ${(plan.latenessAddedMs / HOUR_MS).toFixed(1)} h lateness added`;
  const wo = await tx.query<{ id: string }>(
    `INSERT INTO work_orders (incident_id, notification_id, machine, component, material_id, planned_start_ms, planned_end_ms, planned_cost_cents, created_at_ms,
       status, kind, fault_type, planned_labour_cents, planned_parts_cents, planned_surcharge_cents, part_ready_ms, breakdown_at_ms,
       orders_moved, late_orders, lateness_ms, lost_capacity_ms, window_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`,
    [req.incidentId, notificationId, req.machine, req.component, part?.materialId ?? null, plan.startMs, plan.endMs, partCostCents + labourCents, wallMs,
      released ? 'released' : 'created', kind, req.faultType, labourCents, partCostCents - surchargeCents, surchargeCents, partReadyMs, opts.breakdownAtMs ?? null,
      plan.moves.length, plan.lateOrdersAdded, plan.latenessAddedMs, plan.lostCapacityMs, why],
  );
  const workOrderId = wo.rows[0]!.id;
  for (const op of operations(req.component, durationMs)) {
    await tx.query('INSERT INTO work_order_operations (work_order_id, op_no, description, planned_hours) VALUES ($1, $2, $3, $4)', [workOrderId, op.opNo, op.description, op.plannedHours]);
  }
  const moved = await applyMoves(tx, plan, { machine: req.machine, incidentId: req.incidentId, movedAtMs: wallMs });
  return ok({
    incidentId: req.incidentId,
    notificationId,
    purchaseOrderId,
    materialId: part?.materialId ?? null,
    workOrderId,
    movedProductionOrders: moved,
    created: true,
  });
}

