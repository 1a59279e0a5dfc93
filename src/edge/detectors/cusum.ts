// Two-sided CUSUM per feature (Page 1954, "Continuous inspection schemes", Biometrika 41) on
// robust-standardised values: accumulates small persistent shifts that a pointwise z-score misses,
// so slow drifts show up as a growing score.
import { z } from 'zod';
import type { Detector } from './detector.ts';
import { RobustStandardizer } from './robust-standardizer.ts';

export const CusumConfig = z.object({
  drift: z.number().nonnegative().default(0.5).describe('allowance k in σ: half the shift to detect fastest (Page; k = 0.5 targets a 1σ shift)'),
  windowSize: z.number().int().min(8).default(500).describe('learned values per feature behind the median/MAD reference'),
  warmup: z.number().int().min(3).default(24).describe('observations learned before scores are given'),
  maxSum: z.number().positive().default(50).describe('cap on each cumulative sum in σ: bounds the time to recover after a long anomaly (recovers at `drift` per step)'),
});
export type CusumConfig = z.input<typeof CusumConfig>;

/** A CUSUM detector; its sums advance on every scored observation. */
export interface Cusum extends Detector {
  /** Per feature the current upper and lower sums (σ units). */
  sums(): Record<string, { upper: number; lower: number }>;
}

/**
 * Creates the detector. The sums are the process's state, not the model's: they advance in
 * `scoreOne` for every new observation (also for anomalies, else a shift could never accumulate),
 * while `learnOne` only moves the median/MAD reference. Scoring the same object twice in a row
 * does not advance the sums twice. Score = the largest sum over features and sides, in σ.
 */
export function createCusum(config: CusumConfig = {}): Cusum {
  const cfg = CusumConfig.parse(config);
  const ref = new RobustStandardizer(cfg.windowSize);
  const upper = new Map<string, number>();
  const lower = new Map<string, number>();
  let learned = 0;
  let last: { x: Record<string, number>; score: number } | undefined;

  function advance(x: Record<string, number>): number {
    let score = 0;
    for (const [name, v] of Object.entries(x)) {
      if (ref.count(name) < cfg.warmup) continue;
      // A value that stops being a number is as far out as it gets.
      const zv = Number.isFinite(v) ? ref.z(name, v) ?? 0 : cfg.maxSum;
      const u = Math.min(cfg.maxSum, Math.max(0, (upper.get(name) ?? 0) + zv - cfg.drift));
      const l = Math.min(cfg.maxSum, Math.max(0, (lower.get(name) ?? 0) - zv - cfg.drift));
      upper.set(name, u);
      lower.set(name, l);
      score = Math.max(score, u, l);
    }
    return score;
  }

  return {
    learnOne(x) {
      ref.update(x);
      learned++;
    },
    scoreOne(x) {
      if (learned < cfg.warmup) return 0;
      if (last?.x === x) return last.score;
      const score = advance(x);
      last = { x, score };
      return score;
    },
    sums() {
      const out: Record<string, { upper: number; lower: number }> = {};
      for (const [name, u] of upper) out[name] = { upper: u, lower: lower.get(name) ?? 0 };
      return out;
    },
  };
}
