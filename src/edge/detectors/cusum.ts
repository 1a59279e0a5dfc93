// Two-sided CUSUM per feature (Page 1954, "Continuous inspection schemes", Biometrika 41) on
// robust-standardised values: accumulates small persistent shifts that a pointwise z-score misses,
// so slow drifts show up as a growing score.
import { z } from 'zod';
import type { VectorDetector } from './detector.ts';
import { ChannelLayout, isAbsent } from './channel-layout.ts';
import { ChannelStandardizer } from './robust-standardizer.ts';

export const CusumConfig = z.object({
  drift: z.number().nonnegative().default(0.5).describe('allowance k in σ: half the shift to detect fastest (Page; k = 0.5 targets a 1σ shift)'),
  windowSize: z.number().int().min(8).default(500).describe('learned values per feature behind the median/MAD reference'),
  warmup: z.number().int().min(3).default(24).describe('observations learned before scores are given'),
  maxSum: z.number().positive().default(50).describe('cap on each cumulative sum in σ: bounds the time to recover after a long anomaly (recovers at `drift` per step)'),
});
export type CusumConfig = z.input<typeof CusumConfig>;

/** A CUSUM detector; its sums advance on every scored observation. */
export interface Cusum extends VectorDetector {
  /** Per feature the current upper and lower sums (σ units). */
  sums(): Record<string, { upper: number; lower: number }>;
}

/**
 * Creates the detector over `layout` (shared with the caller for the numeric fast path; its own
 * otherwise). The sums are the process's state, not the model's: they advance in `scoreOne` for
 * every new observation (also for anomalies, else a shift could never accumulate), while
 * `learnOne` only moves the median/MAD reference. Scoring the same object twice in a row does not
 * advance the sums twice (`scoreVector` is always a new observation). Score = the largest sum
 * over features and sides, in σ. With `shared`, the median/MAD reference is another member's
 * (the detector stack shares the robust baseline's, learned from the same rows with the same
 * window): this detector reads it and never updates it.
 */
export function createCusum(config: CusumConfig = {}, layout = new ChannelLayout(), shared?: ChannelStandardizer): Cusum {
  const cfg = CusumConfig.parse(config);
  // A reference learned by another member on the same rows (see SharedReference) is only read here.
  const ref = shared ?? new ChannelStandardizer(layout, cfg.windowSize);
  let upper = new Float64Array(0);
  let lower = new Float64Array(0);
  let advanced = new Uint8Array(0); // channels whose sums exist (for `sums`)
  let learned = 0;
  let last: { x: Record<string, number>; score: number } | undefined;
  let row: Float64Array | undefined;

  function grow(d: number): void {
    const u = new Float64Array(d);
    const l = new Float64Array(d);
    const a = new Uint8Array(d);
    u.set(upper);
    l.set(lower);
    a.set(advanced);
    upper = u;
    lower = l;
    advanced = a;
  }

  function advance(x: Float64Array): number {
    if (x.length > upper.length) grow(x.length);
    let score = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (isAbsent(v) || ref.count(i) < cfg.warmup) continue;
      // A value that stops being a number is as far out as it gets.
      const zv = Number.isFinite(v) ? ref.z(i, v) : cfg.maxSum;
      const u = Math.min(cfg.maxSum, Math.max(0, upper[i]! + zv - cfg.drift));
      const l = Math.min(cfg.maxSum, Math.max(0, lower[i]! - zv - cfg.drift));
      upper[i] = u;
      lower[i] = l;
      advanced[i] = 1;
      score = Math.max(score, u, l);
    }
    return score;
  }

  const scoreVector = (x: Float64Array): number => (learned < cfg.warmup ? 0 : advance(x));
  return {
    learnVector(x) {
      if (!shared) ref.update(x);
      learned++;
    },
    scoreVector,
    learnOne(x) {
      row = layout.fromRecord(x, row);
      if (!shared) ref.update(row);
      learned++;
    },
    scoreOne(x) {
      if (learned < cfg.warmup) return 0;
      if (last?.x === x) return last.score;
      row = layout.fromRecord(x, row);
      const score = advance(row);
      last = { x, score };
      return score;
    },
    sums() {
      const out: Record<string, { upper: number; lower: number }> = {};
      for (let i = 0; i < advanced.length; i++) if (advanced[i]) out[layout.names[i]!] = { upper: upper[i]!, lower: lower[i]! };
      return out;
    },
  };
}
