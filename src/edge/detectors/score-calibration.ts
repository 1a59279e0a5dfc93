// Per-machine score calibration (River's QuantileFilter idea, applied to the alarm): machines
// differ in how heavy the tails of their healthy scores are (a fan's envelope kurtosis wanders
// more than a pump's), so one fixed threshold either misses faults on quiet machines or raises
// false alarms on noisy ones. The score is rescaled so that `margin × the q-quantile of this
// machine's own learned healthy scores` lands on the alarm's `high` threshold, never below the
// configured scale (a quiet machine keeps the absolute robust-z threshold).
//
// With a target false-alarm rate (falseAlarmsPerMonth) the threshold instead comes from that
// rate: at one window every windowMs, a machine-month has W = 30 d / windowMs windows, so a window
// may reach the threshold with probability p = target / W (e.g. 1 per month at 5-min windows:
// p = 1.2e-4). That quantile lies far beyond the few hundred healthy scores kept, so the tail is
// extrapolated by peaks over threshold (Pickands 1975; Siffer et al., "Anomaly detection in streams
// with extreme value theory", KDD 2017) with a generalised Pareto excess (the tail of
// |z|-like scores is close to it): above u = the tailQuantile-quantile, a share φ of healthy scores
// exceeds u, the excesses fit a generalised Pareto law (shape ξ, scale σ; ξ = 0 is the exponential
// P(score > u + y) ≈ φ·e^(−y/σ)), hence threshold = u + (σ/ξ)·((φ/p)^ξ − 1), or u + σ·ln(φ/p). The rate is per
// window at or above `high`; incidents need `raiseAfter` such windows in a row, so the incident rate
// is at most the target.
import { z } from 'zod';

export const ScoreCalibrationConfig = z.object({
  quantile: z.number().min(0.5).max(1).default(0.99).describe('quantile of healthy scores that defines "normal" for this machine'),
  margin: z.number().min(1).default(1.5).describe('how far above that quantile an alarm starts'),
  minScores: z.number().int().min(1).default(36).describe('healthy scores needed before the alarm is armed (36 windows = 3 h at 5 min)'),
  memory: z.number().int().min(16).default(500).describe('most recent healthy scores kept'),
  refreshEvery: z.number().int().min(1).default(12).describe('windows between quantile updates'),
  falseAlarmsPerMonth: z.number().positive().optional().describe('target rate of healthy windows at or above the alarm threshold per machine-month (30 days); unset = margin × quantile'),
  tailQuantile: z.number().min(0.5).max(0.99).default(0.9).describe('for the target rate: healthy scores above this quantile fit the exponential tail'),
  minScale: z.number().positive().default(1).describe('least scale: below 1 a quiet machine\'s threshold may fall under the absolute robust-z one'),
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
  /** The machine's window interval (event time, ms): needed for a target rate per month. */
  setWindowMs(ms: number): void;
  /** Arms the alarm before any healthy score was seen (a fleet prior stands in for them); the scale stays minScale until own scores refine it. */
  prime(): void;
  /** The raw score that maps to `high` (the alarm threshold in raw units). */
  readonly threshold: number;
}

const MONTH_MS = 30 * 24 * 3_600_000;

/**
 * The raw score a healthy window reaches with probability `p`, from sorted healthy scores:
 * empirical when p is within the data, else the exponential peaks-over-threshold extrapolation.
 */
export function tailThreshold(sorted: ArrayLike<number>, p: number, tailQuantile: number): number {
  const m = sorted.length;
  if (m === 0) return 0;
  const at = (q: number) => sorted[Math.min(m - 1, Math.max(0, Math.floor(q * (m - 1))))]!;
  const u = at(tailQuantile);
  let s1 = 0;
  let s2 = 0;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const y = sorted[i]! - u;
    if (y > 0) {
      s1 += y;
      s2 += y * y;
      k++;
    }
  }
  const phi = k / m;
  if (p >= phi || k === 0) return at(1 - p);
  const mean = s1 / k;
  const variance = k > 1 ? (s2 - k * mean * mean) / (k - 1) : 0;
  // Generalised Pareto excesses by the method of moments (Hosking & Wallis 1987): shape
  // ξ = ½(1 − mean²/var), scale σ = ½·mean·(1 + mean²/var). ξ < 0 for light (Gaussian-like) tails,
  // where the plain exponential would put the threshold too high. Clamped to ±0.5: with tens of
  // excesses a larger |ξ| is mostly noise.
  const r = variance > 0 ? (mean * mean) / variance : 1;
  const xi = Math.min(0.5, Math.max(-0.5, 0.5 * (1 - r)));
  const sigma = 0.5 * mean * (1 + r);
  const ratio = phi / p;
  return Math.abs(xi) < 1e-6 ? u + sigma * Math.log(ratio) : u + (sigma / xi) * (ratio ** xi - 1);
}

/** Creates the calibration of one machine; `high` is the alarm's raise threshold. */
export function createScoreCalibration(high: number, config: ScoreCalibrationConfig = {}): ScoreCalibration {
  const cfg = ScoreCalibrationConfig.parse(config);
  const ring = new Float64Array(cfg.memory);
  let n = 0;
  let sinceRefresh = 0;
  let windowMs: number | undefined;
  let primed = false;
  let scale = cfg.minScale;
  const refresh = () => {
    const m = Math.min(n, cfg.memory);
    if (m === 0) return;
    const sorted = ring.slice(0, m).sort();
    let t: number;
    if (cfg.falseAlarmsPerMonth !== undefined && windowMs !== undefined) {
      t = tailThreshold(sorted, Math.min(1, (cfg.falseAlarmsPerMonth * windowMs) / MONTH_MS), cfg.tailQuantile);
    } else {
      t = cfg.margin * sorted[Math.min(m - 1, Math.floor(cfg.quantile * (m - 1)))]!;
    }
    scale = Math.max(cfg.minScale, t / high);
  };
  return {
    update(score) {
      if (!Number.isFinite(score)) return;
      ring[n % cfg.memory] = score;
      n++;
      if (++sinceRefresh >= cfg.refreshEvery || n === cfg.minScores) {
        // Primed by a prior, the first few own scores do not yet say much about the tail.
        if (n < cfg.minScores) return;
        sinceRefresh = 0;
        refresh();
      }
    },
    get armed() {
      return primed || n >= cfg.minScores;
    },
    get threshold() {
      return scale * high;
    },
    setWindowMs(ms) {
      if (Number.isFinite(ms) && ms > 0) windowMs = ms;
    },
    prime() {
      primed = true;
    },
    get scale() {
      return scale;
    },
    normalize: (score) => score / scale,
  };
}
