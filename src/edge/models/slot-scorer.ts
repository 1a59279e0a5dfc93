// Per-window scoring through a model slot, batched across machines: each machine's window asks for
// its own score (one await), the batcher turns the windows of one event-loop turn into one
// session.run, and each window reports its own ensemble verdict; the batch's verdict goes to the
// slot once every window in it has reported.
import { createBatcher } from './batcher.ts';
import type { ModelSlot } from './model-slot.ts';

/** One window's model score, and how to report whether the ensemble deemed that window normal. */
export interface WindowScore {
  score: number;
  judge(normal: boolean): void;
}

/** Returns a per-row scorer over `slot` that coalesces concurrent rows into batches of up to maxBatch. */
export function createSlotScorer(slot: ModelSlot, opts: { maxBatch?: number; onError?: (e: unknown) => void } = {}): (row: Record<string, number>) => Promise<WindowScore> {
  const onError = opts.onError ?? (() => {});
  return createBatcher(async (rows: Record<string, number>[]) => {
    const batch = await slot.score(rows);
    const verdicts: (boolean | undefined)[] = rows.map(() => undefined);
    let pending = rows.length;
    return batch.scores.map((score, i) => ({
      score,
      judge(normal: boolean) {
        if (verdicts[i] !== undefined) return;
        verdicts[i] = normal;
        if (--pending === 0) batch.judge(verdicts as boolean[]).catch(onError);
      },
    }));
  }, { maxBatch: opts.maxBatch ?? 64 });
}
