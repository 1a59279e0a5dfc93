// The plant loop (POST /api/v1/plant/sync): the enterprise clock follows the plant's event time;
// purchase orders move on; a released work order whose window has started stops the machine
// (goods issue of its reservation) and at the window's end completes with actual cost and
// downtime; a breakdown becomes an emergency notification and work order repaired as soon as
// possible. Actions get a sequence number when created, so a repeated sync with the same
// afterSeq answers the same, and an event id seen before changes nothing.
import type { MaintenanceRequest, PlantAction, PlantEvent, PlantSyncResponse, SqlExecutor } from '../core/index.ts';
import { advanceClock } from './clock.ts';
import { carryOut } from './maintenance.ts';
import { advancePurchasing, issueReservation } from './purchasing.ts';
import type { EnterpriseConfig } from './types.ts';

const HOUR_MS = 3_600_000;

/**
 * Part replaced when a machine breaks down with no diagnosis: the bearing, the most frequent
 * failure of rotating machines (about 40-50 % of motor failures, IEEE/EPRI motor reliability
 * surveys; most gearbox failures start in bearings, NREL gearbox reliability database).
 */
const BREAKDOWN_COMPONENT = 'drive-end-bearing' as const;

/** Handles one breakdown event, once per event id. */
async function onBreakdown(tx: SqlExecutor, ev: PlantEvent, cfg: EnterpriseConfig, wallMs: number): Promise<void> {
  const fresh = await tx.query(`INSERT INTO plant_events (id, kind, machine, at_ms, outcome) VALUES ($1, $2, $3, $4, 'pending') ON CONFLICT (id) DO NOTHING RETURNING id`, [ev.id, ev.kind, ev.machine, ev.atMs]);
  if (fresh.rows.length === 0) return; // seen before
  const wc = await tx.query<{ site: string; line: string; machine_type: string }>('SELECT site, line, machine_type FROM work_centres WHERE id = $1', [ev.machine]);
  const centre = wc.rows[0];
  if (!centre) {
    await tx.query(`UPDATE plant_events SET outcome = 'unknown machine' WHERE id = $1`, [ev.id]);
    return;
  }
  // A planned order not yet started on this machine: the failure came first, so it runs as soon as its part is there.
  const open = await tx.query<{ id: string; part_ready_ms: number; planned_start_ms: number; planned_end_ms: number }>(
    `SELECT id, part_ready_ms, planned_start_ms, planned_end_ms FROM work_orders WHERE machine = $1 AND status IN ('created', 'released') ORDER BY planned_start_ms LIMIT 1 FOR UPDATE`,
    [ev.machine],
  );
  const wo = open.rows[0];
  if (wo) {
    const startMs = Math.max(ev.atMs, Number(wo.part_ready_ms ?? ev.atMs));
    if (startMs < wo.planned_start_ms) {
      await tx.query('UPDATE work_orders SET planned_start_ms = $2, planned_end_ms = $2 + (planned_end_ms - planned_start_ms), breakdown_at_ms = $3 WHERE id = $1', [wo.id, startMs, ev.atMs]);
    } else {
      await tx.query('UPDATE work_orders SET breakdown_at_ms = $2 WHERE id = $1', [wo.id, ev.atMs]);
    }
    await tx.query(`UPDATE plant_events SET outcome = 'brought forward', work_order_id = $2 WHERE id = $1`, [ev.id, wo.id]);
    return;
  }
  const hasBearing = await tx.query('SELECT 1 FROM bom WHERE machine_type = $1 AND component = $2', [centre.machine_type, BREAKDOWN_COMPONENT]);
  const req: MaintenanceRequest = {
    v: 1,
    incidentId: `breakdown:${ev.id}`,
    site: centre.site,
    line: centre.line,
    machine: ev.machine,
    machineType: centre.machine_type as MaintenanceRequest['machineType'],
    faultType: 'unknown',
    component: hasBearing.rows.length ? BREAKDOWN_COMPONENT : null,
    priority: 'urgent',
    dueBy: ev.atMs,
    detectedAt: ev.atMs,
    explanation: `breakdown reported by the plant floor at ${new Date(ev.atMs).toISOString()}`,
  };
  const r = await carryOut(tx, req, cfg, wallMs, { kind: 'breakdown', breakdownAtMs: ev.atMs });
  await tx.query('UPDATE plant_events SET outcome = $2, work_order_id = $3 WHERE id = $1', [ev.id, r.ok ? 'emergency order' : r.reason, r.ok ? r.value.workOrderId : null]);
}

async function emit(tx: SqlExecutor, wo: { id: string; incident_id: string; kind: string; machine: string; fault_type: string; component: string | null }, action: PlantAction['action'], atMs: number): Promise<void> {
  await tx.query(
    `INSERT INTO plant_actions (work_order_id, incident_id, machine, action, at_ms, fault_type, component) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (work_order_id, action) DO NOTHING`,
    [wo.id, wo.kind === 'breakdown' ? null : wo.incident_id, wo.machine, action, atMs, wo.fault_type, wo.component],
  );
}

interface WoRow {
  id: string;
  incident_id: string;
  kind: string;
  machine: string;
  fault_type: string;
  component: string | null;
  material_id: string | null;
  planned_start_ms: number;
  planned_end_ms: number;
  actual_start_ms: number | null;
  breakdown_at_ms: number | null;
  planned_labour_cents: number;
  planned_parts_cents: number;
  planned_surcharge_cents: number;
}

/** Starts released orders whose window has begun and completes those whose work is done; returns how many changed. */
async function advanceExecution(tx: SqlExecutor, nowMs: number, cfg: EnterpriseConfig): Promise<number> {
  let changed = 0;
  const due = await tx.query<WoRow & { received_at_ms: number | null }>(
    `SELECT w.*, (SELECT max(p.received_at_ms) FROM purchase_orders p WHERE p.incident_id = w.incident_id) AS received_at_ms
     FROM work_orders w WHERE w.status = 'released' AND w.planned_start_ms <= $1 ORDER BY w.planned_start_ms, w.id FOR UPDATE`,
    [nowMs],
  );
  for (const wo of due.rows) {
    const atMs = Math.max(Number(wo.planned_start_ms), Number(wo.received_at_ms ?? 0));
    if (atMs > nowMs) continue;
    await issueReservation(tx, wo.incident_id, wo.id, atMs);
    await tx.query(`UPDATE work_orders SET status = 'in-progress', actual_start_ms = $2 WHERE id = $1`, [wo.id, atMs]);
    await emit(tx, wo, 'stop-for-maintenance', atMs);
    changed++;
  }
  const running = await tx.query<WoRow>(`SELECT * FROM work_orders WHERE status = 'in-progress' ORDER BY actual_start_ms, id FOR UPDATE`);
  for (const wo of running.rows) {
    const durationMs = Number(wo.planned_end_ms) - Number(wo.planned_start_ms);
    const endMs = Number(wo.actual_start_ms) + durationMs;
    if (endMs > nowMs) continue;
    // The simulated crew works to plan: actual hours are the planned ones, parts at their order price.
    const actualLabour = Math.round((durationMs / HOUR_MS) * cfg.labourRateCentsPerHour);
    const actualCost = actualLabour + Number(wo.planned_parts_cents) + Number(wo.planned_surcharge_cents);
    const downFromMs = Math.min(Number(wo.actual_start_ms), Number(wo.breakdown_at_ms ?? Infinity));
    await tx.query(
      `UPDATE work_orders SET status = 'completed', actual_end_ms = $2, actual_cost_cents = $3, downtime_ms = $4 WHERE id = $1`,
      [wo.id, endMs, actualCost, endMs - downFromMs],
    );
    await tx.query('UPDATE work_order_operations SET actual_hours = planned_hours WHERE work_order_id = $1', [wo.id]);
    await emit(tx, wo, 'repair-complete', endMs);
    changed++;
  }
  return changed;
}

/** One sync, inside the caller's transaction. */
export async function syncPlant(
  tx: SqlExecutor,
  req: { nowMs: number; afterSeq: number; events: PlantEvent[] },
  cfg: EnterpriseConfig,
  wallMs: number,
): Promise<PlantSyncResponse> {
  const nowMs = await advanceClock(tx, req.nowMs);
  for (const ev of [...req.events].sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id))) {
    if (ev.kind === 'breakdown') await onBreakdown(tx, ev, cfg, wallMs);
  }
  // Receipts release orders, releases start them, starts complete them: repeat until nothing moves.
  for (let i = 0; i < 100; i++) {
    const n = (await advancePurchasing(tx, nowMs, wallMs, cfg.riskCentsPerHourLate)) + (await advanceExecution(tx, nowMs, cfg));
    if (n === 0) break;
  }
  const actions = await tx.query<PlantAction>(
    `SELECT seq::int AS seq, work_order_id AS "workOrderId", incident_id AS "incidentId", machine, action, at_ms AS "atMs", fault_type AS "faultType", component
     FROM plant_actions WHERE seq > $1 AND at_ms <= $2 ORDER BY seq LIMIT 1000`,
    [req.afterSeq, nowMs],
  );
  return { nowMs, actions: actions.rows.map((a) => ({ ...a, seq: Number(a.seq), atMs: Number(a.atMs) })) };
}
