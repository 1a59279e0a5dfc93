// A per-machine robust baseline: each feature's recent median and MAD, score = robust z-scores
// aggregated over features. Unsupervised, needs no labels, and a few outliers in the learned
// window barely move it (breakdown point 50%, unlike mean and standard deviation). The median and
// MAD come from an exact window (rolling-median.ts; the offline stack's default) or, where a
// window per feature, regime and machine costs too much memory (the edge agent), from O(1)
// streaming estimates of the same variance and mean age (streaming-median.ts).
import { z } from 'zod';
import type { Detector } from './detector.ts';
import { RollingMedianMad } from './rolling-median.ts';
import { StreamingMedianMad } from './streaming-median.ts';

/** MAD × 1.4826 estimates σ for Gaussian data (Rousseeuw & Croux 1993). */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Least σ of a level in decibels (features named `*_db`): 1 dB. A dB level relative to its carrier
 * (a sideband, a mesh line over its floor) can sit on a near-constant (often at the estimator's
 * clamp), so its MAD is ~0, and "1% of the median" is meaningless on a log scale (−50 dB would
 * give 0.5 dB, −5 dB 0.05 dB). 1 dB is about the repeatability of a spectral line level between
 * Hann-windowed blocks (scalloping alone moves a line by up to 1.42 dB, Harris 1978) and ~10× below
 * the changes that matter: broken rotor bars raise the (1 ± 2s)f sidebands from below −50 dB to
 * above −45 dB (Thomson & Fenger, IEEE IAM 2001), gear wear raises mesh sidebands by 6–10 dB.
 */
export const DB_SIGMA_FLOOR = 1;

/**
 * Least σ of a temperature model residual (features named `scalar.temp*.residual`, measured −
 * predicted), K: a class-B RTD is good to ±(0.3 + 0.005·T) K, ±0.55 K at 50 °C (IEC 60751), and
 * a learned thermal model's error wanders slowly, so a residual's MAD over a few quiet hours
 * understates its long-run spread.
 */
export const TEMPERATURE_RESIDUAL_FLOOR_K = 0.5;

/** True for the residual of a temperature against its thermal model (by name). */
export const isTemperatureResidual = (name: string): boolean => name.startsWith('scalar.temp') && name.endsWith('.residual');

/**
 * True for an impulsiveness statistic (kurtosis, spectral kurtosis, crest factor; by name). Their
 * healthy distributions are right-skewed with heavy tails: a kurtogram picks the most impulsive of
 * many bands in each window (a maximum of noisy estimates), and gear meshes or cavitation make
 * bursts of impulsive windows on a healthy machine. Their MAD, read from the bulk, understates the
 * upper tail, so on a healthy gearbox `env.sk` reached robust z of 20–36 (baseline plant, seeds
 * 101/102) and raised alarms alone.
 */
export const isImpulsiveness = (name: string): boolean => name.endsWith('kurtosis') || name.endsWith('.sk') || name.endsWith('.crest');

/** Quantile whose distance from the median sets an impulsiveness feature's upper-tail scale; for Gaussian data it lies 2.326 σ above the median. */
export const TAIL_QUANTILE = 0.99;
const TAIL_Z = 2.326;
/** Values needed before the tail scale is used (48 windows = 4 h at 5 min; q99 of so few is their maximum, a conservative tail). */
export const TAIL_MIN_VALUES = 48;

/** True for a feature whose unit is dB (by name: `*_db`, the EVIDENCE_FEATURE convention). */
export const isDbFeature = (name: string): boolean => name.endsWith('_db');

export const RobustBaselineConfig = z.object({
  windowSize: z.number().int().min(8).default(500).describe('learned values kept per feature (the baseline\'s memory)'),
  warmup: z.number().int().min(3).default(24).describe('windows learned before scores are given; 0 until then'),
  aggregate: z.enum(['max', 'topk-rms']).default('topk-rms').describe('how per-feature robust z-scores become one score'),
  topK: z.number().int().min(1).default(2).describe('for topk-rms: root-mean-square of the k largest |z|'),
  relativeFloor: z.number().nonnegative().default(0.01).describe('least σ as a fraction of |median|, so a constant feature does not give infinite scores'),
  absoluteFloor: z.number().positive().default(1e-9).describe('least σ in the feature\'s unit (for features whose median is 0)'),
  dbFloor: z.number().positive().default(DB_SIGMA_FLOOR).describe('least σ, in dB, of features named *_db (levels in dB: see DB_SIGMA_FLOOR); the relative floor does not apply to them'),
  residualFloorK: z.number().positive().default(TEMPERATURE_RESIDUAL_FLOOR_K).describe('least σ, in K, of temperature model residuals (see TEMPERATURE_RESIDUAL_FLOOR_K)'),
  maxZ: z.number().positive().default(1e6).describe('cap on one feature\'s |z|, keeps the score finite'),
  float32: z.boolean().default(false).describe('keep learned values in single precision (7 significant digits, half the memory; enough for sensor data)'),
  estimator: z.enum(['window', 'streaming']).default('window').describe('window: exact median/MAD of the last windowSize values (4–8 bytes a value, twice); streaming: O(1) memory per feature, estimates with the variance and mean age of that window (streaming-median.ts)'),
  ignore: z.array(z.string()).default([]).describe('feature names (or prefixes ending in ".") left out of the score'),
});
export type RobustBaselineConfig = z.input<typeof RobustBaselineConfig>;

/** A robust baseline detector that can also report what it learned (for an incident's evidence). */
export interface RobustBaseline extends Detector {
  /** Per feature: median and raw MAD of the learned window. */
  baseline(): Record<string, { median: number; mad: number }>;
  /** Per feature |robust z| of `x` (0 for features still warming up). */
  zScores(x: Record<string, number>): Record<string, number>;
  /** Observations learned so far. */
  readonly learned: number;
  /** True once it gives scores: warmed up on its own data, or given a prior. */
  readonly warm: boolean;
  /**
   * Healthy statistics to score with until each feature has warmed up on its own data (a fleet
   * prior): median and raw MAD per feature. Learning continues as usual and takes over per feature.
   */
  setPrior(prior: Readonly<Record<string, { median: number; mad: number }>> | undefined): void;
}

/**
 * Creates the detector. Aggregation, default root-mean-square of the top k=2 |z|: the plain max
 * reacts to any single noisy feature, so its false-alarm rate grows with the number of features;
 * averaging all features dilutes a fault that moves one feature (the envelope ratio at BPFO) among
 * fifteen. RMS of the top two keeps a one-feature fault at |z|/√2 and rewards two features agreeing.
 */
export function createRobustBaseline(config: RobustBaselineConfig = {}): RobustBaseline {
  const cfg = RobustBaselineConfig.parse(config);
  const stats = new Map<string, RollingMedianMad | StreamingMedianMad>();
  // The streaming estimator tracks one upper quantile, so only features whose tail is read track it.
  const newStat = (name: string) =>
    cfg.estimator === 'streaming'
      ? new StreamingMedianMad(cfg.windowSize, isImpulsiveness(name) ? TAIL_QUANTILE : undefined, undefined, cfg.float32)
      : new RollingMedianMad(cfg.windowSize, undefined, cfg.float32);
  let learned = 0;
  let prior: Readonly<Record<string, { median: number; mad: number }>> | undefined;
  const ignored = (name: string) => cfg.ignore.some((p) => name === p || (p.endsWith('.') && name.startsWith(p)));

  function zScores(x: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    if (learned < cfg.warmup && !prior) return out;
    for (const [name, v] of Object.entries(x)) {
      if (ignored(name)) continue;
      const own = stats.get(name)?.get();
      // A feature that appeared late warms up on its own, scored by the prior meanwhile if it has one.
      const s = own && own.n >= cfg.warmup && learned >= cfg.warmup ? own : prior?.[name];
      if (!s) continue;
      if (!Number.isFinite(v)) {
        out[name] = cfg.maxZ; // a feature that stops being a number is as far out as it gets
        continue;
      }
      const floor = isDbFeature(name) ? cfg.dbFloor : isTemperatureResidual(name) ? cfg.residualFloorK : Math.max(cfg.relativeFloor * Math.abs(s.median), cfg.absoluteFloor);
      let sigma = Math.max(MAD_TO_SIGMA * s.mad, floor);
      // Above the median, an impulsiveness feature is scaled by its own learned upper tail
      // (q99 − median = 2.326 σ for Gaussian data, so a well-behaved feature is unchanged).
      if (v > s.median && s === own && own.n >= TAIL_MIN_VALUES && isImpulsiveness(name)) {
        const stat = stats.get(name)!;
        sigma = Math.max(sigma, (stat.quantile(TAIL_QUANTILE) - s.median) / TAIL_Z);
      }
      const z = Math.abs(v - s.median) / sigma;
      // ∞/∞ only happens at the edge of the double range: deviation and spread alike, so not an outlier.
      out[name] = Number.isNaN(z) ? 0 : Math.min(z, cfg.maxZ);
    }
    return out;
  }

  return {
    get learned() {
      return learned;
    },
    get warm() {
      return learned >= cfg.warmup || prior !== undefined;
    },
    setPrior(p) {
      prior = p && Object.keys(p).length > 0 ? p : undefined;
    },
    learnOne(x) {
      for (const [name, v] of Object.entries(x)) {
        if (ignored(name) || !Number.isFinite(v)) continue;
        let s = stats.get(name);
        if (!s) stats.set(name, (s = newStat(name)));
        s.update(v);
      }
      learned++;
    },
    scoreOne(x) {
      const zs = Object.values(zScores(x));
      if (zs.length === 0) return 0;
      if (cfg.aggregate === 'max') return Math.max(...zs);
      const top = zs.sort((a, b) => b - a).slice(0, cfg.topK);
      // Divide by k even when fewer features exist, so the score's scale does not depend on the count.
      return Math.sqrt(top.reduce((s, v) => s + v * v, 0) / cfg.topK);
    },
    zScores,
    baseline() {
      const out: Record<string, { median: number; mad: number }> = {};
      for (const [name, s] of stats) {
        const { median, mad } = s.get();
        out[name] = { median, mad };
      }
      return out;
    },
  };
}
