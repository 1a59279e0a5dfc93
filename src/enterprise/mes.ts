// MES rescheduling around a maintenance window. Each production order on the machine that
// overlaps the window goes, in start order, to another work centre of the same machine type at
// the same site that is free for the order's whole slot (no production, no maintenance); failing
// that it is pushed behind the window on its own machine, and the orders after it ripple back
// until a gap absorbs the delay. Every move is logged with the incident that caused it.
// The caller holds row locks on the site's work centres of this type, so two incidents never
// plan into the same free slot.
import type { SqlExecutor } from '../core/index.ts';

interface OrderSlot {
  id: string;
  start_ms: number;
  end_ms: number;
}

const ACTIVE = `status IN ('planned', 'released')`;

async function isFree(tx: SqlExecutor, workCentre: string, startMs: number, endMs: number): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT 1 FROM production_orders WHERE work_centre = $1 AND ${ACTIVE} AND start_ms < $3 AND end_ms > $2
     UNION ALL
     SELECT 1 FROM work_orders WHERE machine = $1 AND status <> 'closed' AND planned_start_ms < $3 AND planned_end_ms > $2
     LIMIT 1`,
    [workCentre, startMs, endMs],
  );
  return rows.length === 0;
}

async function move(
  tx: SqlExecutor,
  o: OrderSlot,
  from: string,
  to: string,
  newStartMs: number,
  incidentId: string,
  movedAtMs: number,
): Promise<void> {
  const newEndMs = newStartMs + (o.end_ms - o.start_ms);
  await tx.query('UPDATE production_orders SET work_centre = $2, start_ms = $3, end_ms = $4 WHERE id = $1', [o.id, to, newStartMs, newEndMs]);
  await tx.query(
    `INSERT INTO production_moves (production_order_id, incident_id, from_work_centre, to_work_centre, old_start_ms, old_end_ms, new_start_ms, new_end_ms, moved_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [o.id, incidentId, from, to, o.start_ms, o.end_ms, newStartMs, newEndMs, movedAtMs],
  );
}

/** Clears [startMs, endMs) on `machine` of production; returns the ids of every order moved, in move order. */
export async function clearWindow(
  tx: SqlExecutor,
  w: { machine: string; site: string; machineType: string; startMs: number; endMs: number; incidentId: string; movedAtMs: number },
): Promise<string[]> {
  const moved: string[] = [];
  const overlapping = await tx.query<OrderSlot>(
    `SELECT id, start_ms, end_ms FROM production_orders WHERE work_centre = $1 AND ${ACTIVE} AND start_ms < $3 AND end_ms > $2 ORDER BY start_ms, id`,
    [w.machine, w.startMs, w.endMs],
  );
  if (overlapping.rows.length === 0) return moved;
  const others = await tx.query<{ id: string }>(
    'SELECT id FROM work_centres WHERE site = $1 AND machine_type = $2 AND id <> $3 ORDER BY id',
    [w.site, w.machineType, w.machine],
  );
  let stays = false;
  for (const o of overlapping.rows) {
    let target: string | undefined;
    for (const c of others.rows) {
      if (await isFree(tx, c.id, o.start_ms, o.end_ms)) {
        target = c.id;
        break;
      }
    }
    if (target === undefined) {
      stays = true;
      continue;
    }
    await move(tx, o, w.machine, target, o.start_ms, w.incidentId, w.movedAtMs);
    moved.push(o.id);
  }
  if (!stays) return moved;

  // Push what stayed behind the window, rippling the later orders on this machine.
  const rest = await tx.query<OrderSlot>(
    `SELECT id, start_ms, end_ms FROM production_orders WHERE work_centre = $1 AND ${ACTIVE} AND end_ms > $2 ORDER BY start_ms, id`,
    [w.machine, w.startMs],
  );
  let cursorMs = w.endMs;
  for (const o of rest.rows) {
    const overlapsWindow = o.start_ms < w.endMs;
    if (!overlapsWindow && o.start_ms >= cursorMs) break; // a gap absorbs the delay
    const newStartMs = Math.max(cursorMs, o.start_ms);
    await move(tx, o, w.machine, w.machine, newStartMs, w.incidentId, w.movedAtMs);
    if (!moved.includes(o.id)) moved.push(o.id);
    cursorMs = newStartMs + (o.end_ms - o.start_ms);
  }
  return moved;
}
