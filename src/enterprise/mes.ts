// MES side of a maintenance decision: reads the machine's schedule into a window problem for the
// scheduler (scheduler.ts), and writes the chosen plan back (production orders moved to another
// capable machine or a later slot, each move logged with the incident that caused it).
// The caller holds row locks on the site's work centres of this type, so two incidents never
// plan into the same free slot.
import type { SqlExecutor } from '../core/index.ts';
import { planWindow, type WindowPlan, type WindowProblem } from './scheduler.ts';

const ACTIVE = `status IN ('planned', 'released')`;

interface Row {
  id: string;
  start_ms: number;
  end_ms: number;
  due_ms: number;
}

/** Builds the window problem of `machine` for a window of `durationMs` in [earliestStartMs, latestEndMs]. */
export async function loadWindowProblem(
  tx: SqlExecutor,
  w: { machine: string; site: string; machineType: string; durationMs: number; earliestStartMs: number; latestEndMs: number; excludeWorkOrder?: string },
): Promise<WindowProblem> {
  const jobs = await tx.query<Row>(
    `SELECT id, start_ms, end_ms, due_ms FROM production_orders WHERE work_centre = $1 AND ${ACTIVE} AND end_ms > $2 ORDER BY start_ms, id`,
    [w.machine, w.earliestStartMs],
  );
  const blocked = await tx.query<{ start_ms: number; end_ms: number }>(
    `SELECT planned_start_ms AS start_ms, planned_end_ms AS end_ms FROM work_orders
     WHERE machine = $1 AND status <> 'completed' AND planned_end_ms > $2 AND id <> $3`,
    [w.machine, w.earliestStartMs, w.excludeWorkOrder ?? ''],
  );
  const horizon = Math.max(w.latestEndMs, w.earliestStartMs) + w.durationMs;
  const others = await tx.query<{ id: string }>('SELECT id FROM work_centres WHERE site = $1 AND machine_type = $2 AND id <> $3 ORDER BY id', [w.site, w.machineType, w.machine]);
  const alternatives: WindowProblem['alternatives'] = [];
  for (const o of others.rows) {
    const busy = await tx.query<{ start_ms: number; end_ms: number }>(
      `SELECT start_ms, end_ms FROM production_orders WHERE work_centre = $1 AND ${ACTIVE} AND end_ms > $2 AND start_ms < $3
       UNION ALL
       SELECT planned_start_ms, planned_end_ms FROM work_orders WHERE machine = $1 AND status <> 'completed' AND planned_end_ms > $2 AND planned_start_ms < $3`,
      [o.id, w.earliestStartMs, horizon + 24 * 3_600_000],
    );
    alternatives.push({ id: o.id, busy: busy.rows.map((b) => ({ startMs: Number(b.start_ms), endMs: Number(b.end_ms) })) });
  }
  return {
    durationMs: w.durationMs,
    earliestStartMs: w.earliestStartMs,
    latestEndMs: w.latestEndMs,
    jobs: jobs.rows.map((j) => ({ id: j.id, startMs: Number(j.start_ms), endMs: Number(j.end_ms), dueMs: Number(j.due_ms) })),
    blocked: blocked.rows.map((b) => ({ startMs: Number(b.start_ms), endMs: Number(b.end_ms) })),
    alternatives,
  };
}

/** Plans the best window for `machine` (see scheduler.ts). */
export async function planMaintenanceWindow(tx: SqlExecutor, w: Parameters<typeof loadWindowProblem>[1]): Promise<WindowPlan> {
  return planWindow(await loadWindowProblem(tx, w));
}

/** Writes the plan's production moves and logs each; returns the ids moved, in order. */
export async function applyMoves(tx: SqlExecutor, plan: WindowPlan, w: { machine: string; incidentId: string; movedAtMs: number }): Promise<string[]> {
  const moved: string[] = [];
  for (const m of plan.moves) {
    const old = await tx.query<Row>('SELECT id, start_ms, end_ms, due_ms FROM production_orders WHERE id = $1', [m.id]);
    const o = old.rows[0]!;
    const to = m.toMachine ?? w.machine;
    await tx.query('UPDATE production_orders SET work_centre = $2, start_ms = $3, end_ms = $4 WHERE id = $1', [m.id, to, m.startMs, m.endMs]);
    await tx.query(
      `INSERT INTO production_moves (production_order_id, incident_id, from_work_centre, to_work_centre, old_start_ms, old_end_ms, new_start_ms, new_end_ms, moved_at_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [m.id, w.incidentId, w.machine, to, o.start_ms, o.end_ms, m.startMs, m.endMs, w.movedAtMs],
    );
    moved.push(m.id);
  }
  return moved;
}
