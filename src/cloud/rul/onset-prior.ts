// Prior on the onset model's rate c (HI = A(e^(c(t−t₀)) − 1), onset-fit.ts) from past run-to-failure
// curves of the same fault: the population's parameter distribution is the prior of a new unit
// (Gebraeel, Lawley, Li & Ryan, IIE Transactions 37, 2005, sec. 3). At first detection the HI is a
// few percent of its failure level and barely above its noise: the curvature that sets c is hardly
// seen, and a scale-free prior left the remaining life off by ~0.5 of itself (median, tuning seeds).
// The fleet's confirmed curves of the fault, fitted with the same model, pin c down to the spread
// between machines. Before the fleet has any, a shipped default stands in (default-onset-prior.json,
// with its provenance): fitted to the simulator's run-to-failure curves on tuning seeds only, it
// carries the simulator's compressed time scale (faults fail within a day or two of their onset),
// so on a real plant it is a placeholder that the plant's own curves replace as they are confirmed.
import type { FaultType } from '../../core/index.ts';
import { mulberry32 } from '../../core/prng.ts';
import { estimateFromDraws, type DegradationPrior, type HiPoint, type RulEstimate } from './degradation.ts';
import { calibrateNoise, fitOnset } from './onset-fit.ts';
import shipped from './default-onset-prior.json' with { type: 'json' };

/** A prior on ln c of the onset model, with where it came from. */
export interface OnsetRatePrior {
  rateMedianPerDay: number;
  /** Standard deviation of ln c between curves (their fits' own uncertainty included). */
  lnRateSd: number;
  source: 'fleet' | 'default';
  curves: number;
  /** Recalibration of the estimate at first detection under this prior (the shipped default's, OnsetPriorFile). */
  recalibration?: Recalibration;
}

/**
 * Levels of the raw predictive distribution that the stated 10 %, 50 % and 90 % quantiles are read
 * at: the 10/50/90 % quantiles of the probability integral transform (PIT, the raw predictive CDF
 * at the true failure time) over held-out run-to-failure cases, so that the stated quantiles hold
 * at their nominal frequencies on such cases (recalibrated regression, Kuleshov, Fenner & Ermon,
 * ICML 2018: R(F(y)) with R the PIT's empirical CDF; the median of the recalibrated distribution is
 * the raw one's quantile at the PIT median). Identity: { p10: 0.1, p50: 0.5, p90: 0.9 }. On the
 * simulator's tuning seeds the raw median ran late (61 % of failures before it, 4 % after the 90 %
 * quantile): read at the other seeds' levels, the median relative error at first detection went
 * 0.289 -> 0.282 over 127 faults (per set 0.37 -> 0.32, 0.26 -> 0.23, 0.29 -> 0.26) and the 10-90 %
 * coverage 86 -> 79 %; held-out seeds 215-217 with the shipped file 0.37 -> 0.27.
 */
export interface Recalibration {
  p10: number;
  p50: number;
  p90: number;
}

/** The shipped default's file format (default-onset-prior.json). */
export interface OnsetPriorFile {
  version: number;
  provenance: string;
  /** Per fault type, and under `any` pooled over all: mean and sd of ln c (c per day), curves behind it. */
  priors: Record<string, { lnRateMean: number; lnRateSd: number; curves: number }>;
  /**
   * The estimate at first detection under this file's priors, recalibrated (Recalibration): PIT
   * levels from leave-one-seed-out replays of the tuning sets (eval/dev/rul-devset.ts --cv). Absent:
   * the raw quantiles.
   */
  recalibration?: Recalibration & { cases: number };
}

/** Curves of one fault the fleet needs before its own prior replaces the shipped one. */
export const MIN_FLEET_CURVES = 3;
/** A fault type's shipped prior is used from this many curves; below, the pooled one. */
const MIN_TYPE_CURVES = 3;
/** Floor of a prior's ln-rate spread: a handful of similar curves does not pin the next one. */
const LN_RATE_SD_FLOOR = 0.2;
/** The process scatter assumed when a past curve is fitted (as the default prior's, rul.ts). */
const CURVE_LOG_NOISE = 0.15;

/**
 * The onset rate of one past curve: the onset model fitted with a scale-free rate prior, its
 * posterior median ln c and posterior sd. Undefined when the curve shows no onset and rise.
 */
export function curveRate(curve: HiPoint[]): { lnRate: number; lnSd: number } | undefined {
  const vague: DegradationPrior = { rateMedianPerDay: 1, lnRateSd: Infinity, logNoiseSd: CURVE_LOG_NOISE, source: 'default', curves: 0 };
  const post = fitOnset(calibrateNoise([...curve].sort((a, b) => a.tDays - b.tDays)), vague);
  if (!post) return undefined;
  let m = 0;
  for (const c of post.cells) m += c.p * c.lnC;
  let v = 0;
  for (const c of post.cells) v += c.p * (c.lnC - m) ** 2;
  return { lnRate: Math.log(post.rateMedianPerDay), lnSd: Math.sqrt(v) };
}

/**
 * The empirical prior from past curves: mean of their ln c, spread between them plus their fits'
 * own variance, inflated by (n+1)/n (the predictive spread of a new draw from few). Undefined with
 * fewer than 2 fitted curves.
 */
export function onsetPriorFromCurves(curves: HiPoint[][]): { lnRateMean: number; lnRateSd: number; curves: number } | undefined {
  const fits = curves.map(curveRate).filter((f): f is NonNullable<typeof f> => f !== undefined && Number.isFinite(f.lnRate) && Number.isFinite(f.lnSd));
  const n = fits.length;
  if (n < 2) return undefined;
  const mean = fits.reduce((s, f) => s + f.lnRate, 0) / n;
  const between = fits.reduce((s, f) => s + (f.lnRate - mean) ** 2, 0) / (n - 1);
  const within = fits.reduce((s, f) => s + f.lnSd ** 2, 0) / n;
  return { lnRateMean: mean, lnRateSd: Math.max(LN_RATE_SD_FLOOR, Math.sqrt((between + within) * ((n + 1) / n))), curves: n };
}

/** Levels in (0, 1), in order: anything else (a hand-edited file) leaves the estimate raw. */
const validLevels = (r: Recalibration) => [r.p10, r.p50, r.p90].every((x) => Number.isFinite(x) && x > 0 && x < 1) && r.p10 < r.p50 && r.p50 < r.p90;

/** The shipped default prior of a fault type (its own with enough curves, else the pooled one). */
export function defaultOnsetPrior(faultType: FaultType, file: OnsetPriorFile = shipped as OnsetPriorFile): OnsetRatePrior | undefined {
  const own = file.priors[faultType];
  const p = own && own.curves >= MIN_TYPE_CURVES ? own : file.priors.any;
  if (!p || !Number.isFinite(p.lnRateMean) || !(p.lnRateSd > 0)) return undefined;
  const r = file.recalibration;
  const recalibration = r && validLevels(r) ? { recalibration: { p10: r.p10, p50: r.p50, p90: r.p90 } } : {};
  return { rateMedianPerDay: Math.exp(p.lnRateMean), lnRateSd: Math.max(LN_RATE_SD_FLOOR, p.lnRateSd), source: 'default', curves: p.curves, ...recalibration };
}

/**
 * The onset-rate prior for a fault: from the fleet's confirmed curves of it when there are
 * MIN_FLEET_CURVES that fit, else the shipped default; undefined (a scale-free rate) without either.
 */
export function onsetPriorFor(faultType: FaultType, fleetCurves: HiPoint[][], file?: OnsetPriorFile): OnsetRatePrior | undefined {
  const fleet = fleetCurves.length >= MIN_FLEET_CURVES ? onsetPriorFromCurves(fleetCurves) : undefined;
  if (fleet && fleet.curves >= MIN_FLEET_CURVES) return { rateMedianPerDay: Math.exp(fleet.lnRateMean), lnRateSd: fleet.lnRateSd, source: 'fleet', curves: fleet.curves };
  return defaultOnsetPrior(faultType, file);
}

/** Sd multiples below which a gauge reading is indistinguishable from its noise. */
const NOISE_SDS = 2;

/**
 * The remaining life from the rate prior alone, for a fault its detector sees but its gauge does
 * not yet (no rise above the noise in the history): the gauge is then at most at its noise level
 * h₀ = max(HI, 2 sd), and growing as e^(ct) from there it reaches 1 in ln(1/h₀)/c at the earliest
 * onset-free bound; c is drawn from the prior. A bound of the order of the P–F interval the fleet
 * has seen, not a fit: the explanation says so (no readings used).
 */
export function priorRemainingLife(prior: OnsetRatePrior, latest: { hi: number; sd: number }, opts: { draws: number; horizonDays: number; seed: number }): RulEstimate {
  const h0 = Math.min(0.5, Math.max(latest.hi, NOISE_SDS * latest.sd, 1e-3));
  const rand = mulberry32(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const draws: number[] = [];
  for (let i = 0; i < opts.draws; i++) {
    const c = prior.rateMedianPerDay * Math.exp(prior.lnRateSd * gauss());
    draws.push(Math.min(opts.horizonDays, Math.log(1 / h0) / c));
  }
  return estimateFromDraws(draws);
}
