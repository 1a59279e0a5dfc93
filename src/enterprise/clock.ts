// The enterprise clock: event time, moved only forward, by the plant floor's sync (the simulator
// runs many times faster than the wall clock, so purchasing and execution follow its time).
import type { SqlExecutor } from '../core/index.ts';

/** The enterprise's current event time, epoch ms (0 before the first sync). */
export async function enterpriseNow(tx: SqlExecutor): Promise<number> {
  const r = await tx.query<{ now_ms: number }>('SELECT now_ms FROM enterprise_clock WHERE id = 1');
  return Number(r.rows[0]?.now_ms ?? 0);
}

/** Moves the clock to `nowMs` unless it is already later; locks the clock row until the transaction ends (one sync at a time). */
export async function advanceClock(tx: SqlExecutor, nowMs: number): Promise<number> {
  const r = await tx.query<{ now_ms: number }>('UPDATE enterprise_clock SET now_ms = GREATEST(now_ms, $1) WHERE id = 1 RETURNING now_ms', [nowMs]);
  return Number(r.rows[0]!.now_ms);
}
