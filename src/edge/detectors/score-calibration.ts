// Per-machine score calibration (River's QuantileFilter idea, applied to the alarm): machines
// differ in how heavy the tails of their healthy scores are (a fan's envelope kurtosis wanders
// more than a pump's), so one fixed threshold either misses faults on quiet machines or raises
// false alarms on noisy ones. The score is rescaled so that `margin × the q-quantile of this
// machine's own learned healthy scores` lands on the alarm's `high` threshold, never below the
// configured scale (a quiet machine keeps the absolute robust-z threshold).
import { z } from 'zod';

export const ScoreCalibrationConfig = z.object({
  quantile: z.number().min(0.5).max(1).default(0.99).describe('quantile of healthy scores that defines "normal" for this machine'),
  margin: z.number().min(1).default(1.5).describe('how far above that quantile an alarm starts'),
  minScores: z.number().int().min(1).default(36).describe('healthy scores needed before the alarm is armed (36 windows = 3 h at 5 min)'),
  memory: z.number().int().min(16).default(500).describe('most recent healthy scores kept'),
  refreshEvery: z.number().int().min(1).default(12).describe('windows between quantile updates'),
});
export type ScoreCalibrationConfig = z.input<typeof ScoreCalibrationConfig>;

export interface ScoreCalibration {
  /** Records a healthy score (one that was learned). */
  update(score: number): void;
  /** True once enough healthy scores were seen to arm the alarm. */
  readonly armed: boolean;
  /** The factor scores are divided by (≥ 1). */
  readonly scale: number;
  /** `score / scale`: a score in the alarm's units. */
  normalize(score: number): number;
}

/** Creates the calibration of one machine; `high` is the alarm's raise threshold. */
export function createScoreCalibration(high: number, config: ScoreCalibrationConfig = {}): ScoreCalibration {
  const cfg = ScoreCalibrationConfig.parse(config);
  const ring = new Float64Array(cfg.memory);
  let n = 0;
  let scale = 1;
  let sinceRefresh = 0;
  const refresh = () => {
    const m = Math.min(n, cfg.memory);
    const sorted = Array.from(ring.subarray(0, m)).sort((a, b) => a - b);
    const q = sorted[Math.min(m - 1, Math.floor(cfg.quantile * (m - 1)))] ?? 0;
    scale = Math.max(1, (cfg.margin * q) / high);
  };
  return {
    update(score) {
      if (!Number.isFinite(score)) return;
      ring[n % cfg.memory] = score;
      n++;
      if (++sinceRefresh >= cfg.refreshEvery || n === cfg.minScores) {
        sinceRefresh = 0;
        refresh();
      }
    },
    get armed() {
      return n >= cfg.minScores;
    },
    get scale() {
      return scale;
    },
    normalize: (score) => score / scale,
  };
}
