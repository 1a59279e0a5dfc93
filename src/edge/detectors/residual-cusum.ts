// Slow drifts in standardised residuals: a two-sided tabular CUSUM per feature (Page, "Continuous
// inspection schemes", Biometrika 41, 1954; Montgomery, Introduction to Statistical Quality
// Control, 7th ed., §9.1):
//   S⁺ ← max(0, S⁺ + u − k),   S⁻ ← max(0, S⁻ − u − k),   alarm when S⁺ or S⁻ ≥ h,
// where u is a residual (thermal model: measured − predicted, K) already standardised against the
// regime's robust baseline (z = (x − median) / σ). A pointwise z-score needs a drift to reach
// 6–8 σ; the sums grow as soon as the drift persists above k, so a lubrication loss warming the
// bearing by a fraction of σ per hour is seen hours earlier.
//
// Two corrections to the textbook chart, both needed on real residuals:
//  1. Autocorrelation. A thermal model's residual wanders slowly (lag-1 autocorrelation ≈ 0.9 on
//     5-min windows), and a CUSUM of correlated values crosses a limit set for independent ones
//     many times too often (Bagshaw & Johnson, "The effect of serial correlation on the performance
//     of CUSUM tests II", Technometrics 17(1), 1975: the sums behave as for independent data of the
//     *long-run* variance σ²_lr = σ²·Σ_j ρ_j). So u = z / f with f = σ_lr / σ estimated online from
//     the variance of an EWMA of z: for λ ≪ 1 over the correlation time, Var(EWMA_λ) ≈ σ²_lr·λ/(2 − λ)
//     (Lucas & Saccucci, Technometrics 32(1), 1990, for the independent case; the long-run
//     variance replaces σ² for a stationary series). It starts from a conservative prior and is
//     learned only from healthy windows, so a fault does not teach it to look away.
//  2. The limit. Montgomery's h = 4–5 (k = 0.5) gives an in-control run length of 168–465 samples:
//     on 5-min windows a false alarm every 14–39 hours per feature. h is instead set from the
//     false-alarm target per machine-month by Siegmund's approximation of the one-sided run
//     length, ARL₀ ≈ (e^(2kb) − 2kb − 1) / (2k²), b = h + 1.166 (Siegmund, Sequential Analysis,
//     1985, §X.2; Woodall & Adams, "The statistical design of CUSUM charts", Quality Engineering
//     5(4), 1993), with the target shared by both sides of every charted feature.
// State per feature: two sums, the EWMA and its mean square, the last value, a count: six numbers.
import { z } from 'zod';

export const ResidualCusumConfig = z.object({
  // Montgomery's k = 0.5 targets a 1 σ shift of independent data. In long-run σ, which is 3–4
  // times the pointwise σ of a thermal residual, a slow heat source is a fraction of 1 σ_lr for
  // hours: k = 0.25 (a 0.5 σ_lr shift, ≈ 1.5–2 pointwise σ, detected fastest) raised a 20 K/day sump
  // fault ~1 h earlier than 0.5 on the thermal test plant (median of 6 seeds, 6.9 h vs 7.8 h) with
  // healthy charts staying below 40% of the limit; h grows to keep the false-alarm target.
  allowance: z.number().positive().default(0.25).describe('reference value k in long-run σ: half the persistent shift detected fastest (Montgomery §9.1.2)'),
  falseAlarmsPerMonth: z.number().positive().default(0.5).describe('target rate of chart alarms on a healthy machine per machine-month (30 days), shared by all charted features and both sides'),
  maxU: z.number().positive().default(4).describe('standardised values are clipped to ±this (long-run σ) before summing: one spike moves a sum by at most maxU − k, well under h, so a pointwise outlier is left to the baseline (winsorised CUSUM, Hawkins & Olwell, Cumulative Sum Charts, 1998, §9)'),
  ewmaWindows: z.number().min(2).default(24).describe('1/λ of the EWMA whose variance estimates the long-run σ (24 windows = 2 h at 5 min: longer than a thermal residual\'s correlation time)'),
  varianceWindows: z.number().min(2).default(2016).describe('memory of the EWMA\'s mean square, healthy windows (2016 = a week at 5 min): long, so hours of a slow drift that still passes as healthy cannot widen the chart much (with a 1-day memory the factor rose from 3.6 to 5.7 over the first 6 h of a sump fault on the thermal test plant, and the sums never moved)'),
  priorFactor: z.number().min(1).default(5).describe('σ_lr/σ assumed before the data say otherwise: an AR(1) residual with lag-1 correlation 0.92, as measured on thermal residuals of 5-min windows'),
  priorWindows: z.number().min(1).default(96).describe('weight of the prior factor in healthy windows: the mean square starts as a running mean over the prior and the data (96 = 8 h at 5 min), then forgets over varianceWindows'),
  learnWithin: z.number().min(1).default(3).describe('the long-run σ learns only while the EWMA of z lies within ±this × its own RMS: an EWMA further out is a drift, not the healthy wander, and would teach the chart to widen as the drift grows'),
  maxSumFactor: z.number().min(1).default(2).describe('sums are capped at this × h, so a chart that alarmed recovers within (factor·h)/k windows once the drift is gone'),
});
export type ResidualCusumConfig = z.input<typeof ResidualCusumConfig>;

const MONTH_MS = 30 * 24 * 3_600_000;

/** Siegmund's approximation of a one-sided CUSUM's in-control average run length (independent N(0, 1) data). */
export function cusumArl0(k: number, h: number): number {
  const x = 2 * k * (h + 1.166);
  return (Math.exp(x) - x - 1) / (2 * k * k);
}

/** The decision interval h (σ units) whose one-sided in-control run length is `arl0` (Siegmund; bisection, ARL grows with h). */
export function cusumLimit(k: number, arl0: number): number {
  let lo = 0;
  let hi = 1;
  while (cusumArl0(k, hi) < arl0 && hi < 1e6) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cusumArl0(k, mid) < arl0) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface ResidualCusum {
  /**
   * Advances the sums with one window's signed standardised values (z, robust σ of the regime
   * baseline) and returns the score: the largest sum over the limit h (1 = at the limit). Charted
   * features absent from `zs` keep their sums (a settling or unscored window is held, not reset).
   */
  advance(zs: Readonly<Record<string, number>>, windowMs: number): number;
  /** The window last advanced was healthy: its values refine each feature's long-run σ. */
  learn(): void;
  /** Drops a feature's sums (its residual restarted: a new thermal model state means a new reference). */
  forget(feature: string): void;
  /** Per feature the sums (long-run σ) and the long-run factor f = σ_lr/σ. */
  sums(): Record<string, { upper: number; lower: number; factor: number }>;
  /** The decision interval h at the last advance (long-run σ). */
  readonly limit: number;
}

/**
 * Creates the chart; features are charted from the first window they appear in. For features
 * where `upperOnly` holds only S⁺ is kept (a rise is the failure mode, a fall is not), and the
 * false-alarm target is shared over the sides actually charted.
 */
export function createResidualCusum(config: ResidualCusumConfig = {}, upperOnly: (feature: string) => boolean = () => false): ResidualCusum {
  const cfg = ResidualCusumConfig.parse(config);
  const k = cfg.allowance;
  const lambda = 1 / cfg.ewmaWindows;
  // Var(EWMA) = σ²_lr·λ/(2 − λ): the mean square that the prior factor stands for.
  const priorV = cfg.priorFactor ** 2 * (lambda / (2 - lambda));
  // [S⁺, S⁻, EWMA of z, mean square of the EWMA, last z (NaN when not advanced since the last learn), healthy windows learned]
  const state = new Map<string, Float64Array>();
  let limit = Number.POSITIVE_INFINITY;
  let limitFor = '';
  let sides = 0;

  const factorOf = (s: Float64Array) => Math.max(1, Math.sqrt((s[3]! * (2 - lambda)) / lambda));

  return {
    advance(zs, windowMs) {
      for (const name of Object.keys(zs)) {
        if (state.has(name)) continue;
        state.set(name, Float64Array.of(0, 0, 0, priorV, Number.NaN, 0));
        sides += upperOnly(name) ? 1 : 2;
      }
      // The target is shared by the charted sides: ARL₀ per side = windows a month × sides / target.
      const key = `${sides}/${windowMs}`;
      if (key !== limitFor && windowMs > 0) {
        limit = cusumLimit(k, ((MONTH_MS / windowMs) * Math.max(1, sides)) / cfg.falseAlarmsPerMonth);
        limitFor = key;
      }
      const cap = cfg.maxSumFactor * limit;
      let score = 0;
      for (const [name, s] of state) {
        const zv = zs[name];
        if (zv !== undefined) {
          // A value that stops being a number is as far out as the clip allows.
          const u = Number.isFinite(zv) ? Math.max(-cfg.maxU, Math.min(cfg.maxU, zv / factorOf(s))) : cfg.maxU;
          s[0] = Math.min(cap, Math.max(0, s[0]! + u - k));
          s[1] = upperOnly(name) ? 0 : Math.min(cap, Math.max(0, s[1]! - u - k));
          s[4] = Number.isFinite(zv) ? zv : Number.NaN;
        } else s[4] = Number.NaN;
        score = Math.max(score, s[0]!, s[1]!);
      }
      return Number.isFinite(limit) ? score / limit : 0;
    },
    learn() {
      for (const s of state.values()) {
        const zv = s[4]!;
        if (Number.isNaN(zv)) continue;
        s[2] = s[2]! + lambda * (zv - s[2]!);
        // A trimmed estimate: an EWMA beyond learnWithin RMS is a drift, not the healthy wander
        // (for Gaussian wander, trimming at 3 RMS drops 0.3% and underestimates σ_lr by ~1%).
        const e2 = s[2]! * s[2]!;
        if (e2 <= cfg.learnWithin * cfg.learnWithin * s[3]!) {
          s[5] = s[5]! + 1;
          s[3] = s[3]! + (e2 - s[3]!) / Math.min(cfg.priorWindows + s[5]!, cfg.varianceWindows);
        }
        s[4] = Number.NaN;
      }
    },
    forget(feature) {
      const s = state.get(feature);
      if (s) s[0] = s[1] = 0;
    },
    sums() {
      const out: Record<string, { upper: number; lower: number; factor: number }> = {};
      for (const [name, s] of state) out[name] = { upper: s[0]!, lower: s[1]!, factor: factorOf(s) };
      return out;
    },
    get limit() {
      return limit;
    },
  };
}
