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
import type { FaultType, MachineType } from '../../core/index.ts';
import { pfIntervalFor, type PfInterval } from './pf-interval.ts';
import { pfWeightFor, type StackingWeights } from './stacking.ts';
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
  /** The P–F interval the estimate at first detection is combined with (the shipped default's, pf-interval.ts). */
  pfInterval?: PfInterval;
  /** The P–F interval alone's share in the estimate at first detection (the shipped default's, stacking.ts). */
  pfWeight?: number;
}

/**
 * Levels of the raw predictive distribution that the stated 10 %, 50 % and 90 % quantiles are read
 * at: the 10/50/90 % quantiles of the probability integral transform (PIT, the raw predictive CDF
 * at the true failure time) over held-out run-to-failure cases, so that the stated quantiles hold
 * at their nominal frequencies on such cases (recalibrated regression, Kuleshov, Fenner & Ermon,
 * ICML 2018: R(F(y)) with R the PIT's empirical CDF; the median of the recalibrated distribution is
 * the raw one's quantile at the PIT median). Identity: { p10: 0.1, p50: 0.5, p90: 0.9 }. On the
 * simulator's tuning seeds (1-5, 200-205, 300-319, 350 faults, leave one seed out) the estimate at
 * first detection, combined with the P–F interval (pf-interval.ts), runs late and too narrow: half
 * the failures come before its 43 % quantile, its 10-90 % interval covers 56 %; read at the PIT levels
 * (0.015 / 0.43 / 0.985) the coverage is 80 % and the median relative error 0.204 -> 0.196.
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
  /**
   * P–F intervals (days from the first alarm to failure, lognormal) per "fault|machine type" and
   * per fault pooled over types (pf-interval.ts), combined with the estimate at first detection
   * under this file's priors. Absent: not used.
   */
  pfIntervals?: Record<string, PfInterval>;
  /**
   * Stacking weights (stacking.ts) per fault type and pooled under `any`: the P–F interval alone's
   * share in the mixture with the recalibrated combined estimate at first detection, fitted on
   * leave-one-seed-out replays of the tuning sets. Absent: the combined estimate alone.
   */
  stacking?: StackingWeights;
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
 * The empirical prior from past curves, pooled as a random-effects model (DerSimonian & Laird,
 * Controlled Clinical Trials 7, 1986): each curve's fitted ln c is yᵢ = θᵢ + eᵢ, eᵢ ~ N(0, sᵢ²) its
 * fit's own uncertainty and θᵢ ~ N(μ, τ²) the spread of the machines' true rates. The prior of a
 * new machine is the spread of θ, not of y: adding the fits' variance to the spread of their
 * estimates (which already holds it) counted it twice, and a curve whose flat history barely places
 * its rate weighed as much as one that pins it. τ² by Paule & Mandel (J. Res. NBS 87, 1982:
 * Σ wᵢ(yᵢ − μ̂)² = n − 1 with wᵢ = 1/(sᵢ² + τ²)), μ̂ weighted by wᵢ; the prediction for a new unit is
 * N(μ̂, τ² + Var μ̂) (Higgins, Thompson & Spiegelhalter, JRSS A 172, 2009, eq. 9, normal in place of
 * their t), floored at LN_RATE_SD_FLOOR. Undefined with fewer than 2 fitted curves.
 */
export function onsetPriorFromCurves(curves: HiPoint[][]): { lnRateMean: number; lnRateSd: number; curves: number } | undefined {
  return onsetPriorFromRates(curves.map(curveRate));
}

/** onsetPriorFromCurves on curves already fitted (curveRate): a caller that pools one set of curves many ways fits each once. */
export function onsetPriorFromRates(rates: (ReturnType<typeof curveRate>)[]): { lnRateMean: number; lnRateSd: number; curves: number } | undefined {
  const fits = rates.filter((f): f is NonNullable<typeof f> => f !== undefined && Number.isFinite(f.lnRate) && Number.isFinite(f.lnSd));
  const pooled = randomEffects(fits.map((f) => f.lnRate), fits.map((f) => f.lnSd));
  if (!pooled) return undefined;
  const lnRateSd = Math.sqrt(pooled.tau2 + pooled.meanVar);
  return { lnRateMean: pooled.mean, lnRateSd: Math.max(LN_RATE_SD_FLOOR, lnRateSd), curves: fits.length };
}

/**
 * Random-effects pooling of estimates `y` with standard errors `se`: the weighted mean, its
 * variance, and the between-unit variance τ² (Paule–Mandel, by bisection on the monotone
 * generalised Q). An estimate stated with no uncertainty (se 0) gets a floor of 1e-3 so that one
 * curve cannot take all the weight. Undefined with fewer than 2 estimates.
 */
export function randomEffects(y: number[], se: number[]): { mean: number; meanVar: number; tau2: number } | undefined {
  const n = y.length;
  if (n < 2) return undefined;
  const v = se.map((s) => Math.max(s, 1e-3) ** 2);
  const pool = (tau2: number) => {
    const w = v.map((vi) => 1 / (vi + tau2));
    const sw = w.reduce((a, b) => a + b, 0);
    const mean = w.reduce((a, wi, i) => a + wi * y[i]!, 0) / sw;
    const q = w.reduce((a, wi, i) => a + wi * (y[i]! - mean) ** 2, 0);
    return { mean, meanVar: 1 / sw, q };
  };
  let tau2 = 0;
  if (pool(0).q > n - 1) {
    // Q(τ²) falls monotonically to 0 as τ² grows: bracket the root, then bisect.
    let hi = 1;
    while (pool(hi).q > n - 1 && hi < 1e6) hi *= 4;
    let lo = 0;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (pool(mid).q > n - 1) lo = mid;
      else hi = mid;
    }
    tau2 = (lo + hi) / 2;
  }
  const { mean, meanVar } = pool(tau2);
  return { mean, meanVar, tau2 };
}

/** Levels in (0, 1), in order: anything else (a hand-edited file) leaves the estimate raw. */
const validLevels = (r: Recalibration) => [r.p10, r.p50, r.p90].every((x) => Number.isFinite(x) && x > 0 && x < 1) && r.p10 < r.p50 && r.p50 < r.p90;

/**
 * The shipped default prior of a fault type (its own with enough curves, else the pooled one), with
 * the file's recalibration and, for `machineType`, its P–F interval (pf-interval.ts) and that
 * interval's stacking weight (stacking.ts) when it has them.
 */
export function defaultOnsetPrior(faultType: FaultType, file: OnsetPriorFile = shipped as OnsetPriorFile, machineType?: MachineType): OnsetRatePrior | undefined {
  const own = file.priors[faultType];
  const p = own && own.curves >= MIN_TYPE_CURVES ? own : file.priors.any;
  if (!p || !Number.isFinite(p.lnRateMean) || !(p.lnRateSd > 0)) return undefined;
  const r = file.recalibration;
  const recalibration = r && validLevels(r) ? { recalibration: { p10: r.p10, p50: r.p50, p90: r.p90 } } : {};
  const pf = pfIntervalFor(file.pfIntervals, faultType, machineType);
  const w = pf ? pfWeightFor(file.stacking, faultType) : undefined;
  return { rateMedianPerDay: Math.exp(p.lnRateMean), lnRateSd: Math.max(LN_RATE_SD_FLOOR, p.lnRateSd), source: 'default', curves: p.curves, ...recalibration, ...(pf ? { pfInterval: pf } : {}), ...(w !== undefined ? { pfWeight: w } : {}) };
}

/**
 * The onset-rate prior for a fault: from the fleet's confirmed curves of it when there are
 * MIN_FLEET_CURVES that fit, else the shipped default; undefined (a scale-free rate) without either.
 */
export function onsetPriorFor(faultType: FaultType, fleetCurves: HiPoint[][], file?: OnsetPriorFile, machineType?: MachineType): OnsetRatePrior | undefined {
  const fleet = fleetCurves.length >= MIN_FLEET_CURVES ? onsetPriorFromCurves(fleetCurves) : undefined;
  if (fleet && fleet.curves >= MIN_FLEET_CURVES) return { rateMedianPerDay: Math.exp(fleet.lnRateMean), lnRateSd: fleet.lnRateSd, source: 'fleet', curves: fleet.curves };
  return defaultOnsetPrior(faultType, file, machineType);
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
