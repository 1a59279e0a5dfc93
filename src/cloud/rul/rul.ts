// Remaining useful life of an incident: its HI readings, the priors for its fault type (the fleet's
// past curves when it has them, otherwise a default: a weak P–F guess for the log-linear model, the
// shipped simulator-fitted onset-rate prior for the onset model, onset-prior.ts), and the summary
// stored with the decision (median and 10-90 % interval, as days and as event times).
import type { FaultType } from '../../core/index.ts';
import { DEFAULT_DEGRADATION, estimateFromDraws, quantile, fitPosterior, fleetPrior, median, remainingLife, type DegradationOptions, type DegradationPrior, type HiPoint, type Posterior, type RulEstimate } from './degradation.ts';
import { calibrateNoise, DEFAULT_ONSET_FIT, fitOnset, onsetRemainingLife, type OnsetPosterior } from './onset-fit.ts';
import { priorRemainingLife, type OnsetRatePrior, type Recalibration } from './onset-prior.ts';
import { pfRemainingLife, withPfInterval, type PfInterval } from './pf-interval.ts';
import { mixDraws } from './stacking.ts';

export const DAY_MS = 86_400_000;

/**
 * P–F interval assumed per fault when the fleet has no curves yet (days from a detectable symptom
 * to functional failure). Order-of-magnitude assumptions in the spirit of Moubray (RCM II, 1997,
 * ch. 7: P–F intervals range from hours to years and are set per failure mode), to be replaced by
 * the fleet's own curves as repairs are confirmed and, above all, outweighed by the machine's own
 * trend (Evidence.trends). The prior's median rate is ln(1/HI_detect)/PF with HI_detect = 0.2, and
 * its ln-rate sd is ln 10: a guessed P–F interval is known to within a factor of ten at best, so it
 * is a weak prior that only decides when the evidence carries no trend.
 */
export const DEFAULT_PF_DAYS: Record<FaultType, number> = {
  'bearing-outer-race': 30,
  'bearing-inner-race': 21,
  'bearing-rolling-element': 21,
  imbalance: 90,
  misalignment: 60,
  looseness: 45,
  cavitation: 30,
  'lubrication-loss': 7,
  'broken-rotor-bar': 120,
  'tool-wear': 0.5,
  'gear-tooth-wear': 60,
};
const HI_AT_DETECTION = 0.2;
const DEFAULT_LN_RATE_SD = Math.LN10;
const DEFAULT_LOG_NOISE = 0.15;

/** The weak default prior of a fault type. */
export function defaultPrior(faultType: FaultType): DegradationPrior {
  const rate = Math.log(1 / HI_AT_DETECTION) / DEFAULT_PF_DAYS[faultType];
  return { rateMedianPerDay: rate, lnRateSd: DEFAULT_LN_RATE_SD, logNoiseSd: DEFAULT_LOG_NOISE, source: 'default', curves: 0 };
}

/** The prior for a fault type: from the fleet's past curves when they give one, else the default. */
export function priorFor(faultType: FaultType, fleetCurves: HiPoint[][], opts: DegradationOptions = DEFAULT_DEGRADATION): DegradationPrior {
  return fleetPrior(fleetCurves, opts) ?? defaultPrior(faultType);
}

/** What is stored with the decision and shown to the planner. */
export interface RulSummary {
  /** Latest health indicator (0 healthy, 1 failure level) and the feature behind it. */
  healthIndicator: number;
  feature: string;
  failureLevel: string;
  medianDays: number;
  p10Days: number;
  p90Days: number;
  /** Event times (epoch ms) of the predicted failure: lower bound (10 %), median, upper bound (90 %). */
  failureAtMs: { p10: number; p50: number; p90: number };
  readings: number;
  /** The prior behind the estimate; rateMeanPerDay holds its median rate (the schema's older name). */
  prior: { source: 'fleet' | 'default'; curves: number; rateMeanPerDay: number };
  asOfMs: number;
}

/**
 * Fits the readings (times in epoch ms: the machine's own history before the alarm, the alarm's
 * reading, later updates) and summarises the RUL at `asOfMs`. With a history that shows the
 * healthy level and the rise (MIN_ONSET_READINGS or more) the onset model (onset-fit.ts) fits all
 * of it; otherwise the log-linear model on the readings clear of healthy (degradation.ts), where
 * the prior (the fleet's curves, else the P–F default) carries more of the estimate.
 */
export function estimateRul(
  readings: { atMs: number; hi: number; sd: number }[],
  prior: DegradationPrior,
  asOfMs: number,
  what: { feature: string; failureLevel: string; staged?: boolean },
  opts: DegradationOptions = DEFAULT_DEGRADATION,
  onsetPrior?: OnsetRatePrior,
  detectedAtMs?: number,
): RulResult | undefined {
  const sorted = readings.filter((r) => r.atMs <= asOfMs).sort((a, b) => a.atMs - b.atMs);
  if (sorted.length === 0) return undefined;
  const points: HiPoint[] = calibrateNoise(sorted.map((r) => ({ tDays: (r.atMs - asOfMs) / DAY_MS, hi: r.hi, sd: r.sd })));
  if (detectedAtMs !== undefined && asOfMs > detectedAtMs) {
    const held = heldSinceDetection(sorted, points, prior, asOfMs, detectedAtMs, what, opts, onsetPrior);
    if (held) return held;
  }
  // The onset model's rate is that of e^(ct) − 1 from the onset, not the log-slope of readings clear
  // of healthy that the default P–F guess and the fleet's curves describe (degradation.ts): without
  // `onsetPrior` it gets a scale-free prior, uniform in ln c over the grid (P–F from years to
  // minutes), and the history alone sets it (a guessed P–F interval is off by orders of magnitude
  // between plants: Moubray). The sd of the readings is first widened to their own scatter
  // (calibrateNoise, onset-fit.ts).
  // Only a history that shows the healthy level places the onset; readings all clear of healthy
  // (updates after the alarm without a history) leave it open, and the log-linear model with the
  // fleet's prior is then the better-informed one.
  // A history without a rise leaves the rate open too: a scale-free prior would then read a noise
  // spike at the end as a fast, imminent failure.
  // `onsetPrior`, when given, is a prior on the onset model's own rate from past curves of the
  // fault fitted with the same model (onset-prior.ts), so it replaces the scale-free one.
  const healthySeen = points.filter((p) => Math.abs(p.hi) <= HEALTHY_SDS * p.sd).length >= MIN_SEEN;
  const riseSeen = points.filter((p) => p.hi > HEALTHY_SDS * p.sd).length >= MIN_RISE;
  const onsetRate = onsetPrior ? { rateMedianPerDay: onsetPrior.rateMedianPerDay, lnRateSd: onsetPrior.lnRateSd } : { lnRateSd: Infinity };
  // With a prior on the onset rate from past curves the rate is no longer open: a history that shows
  // the healthy level is then fitted even while its rise is within a few sd of noise (a fault
  // detected early, by a feature more sensitive than its gauge), the prior carrying the rate.
  // A gauge whose noise is a large share of its failure span (the cavitation's discharge pressure,
  // scattered by the pump's duty point, sd ~0.4-0.7 of the 25 % head drop on the tuning seeds) shows
  // a rise clear of HEALTHY_SDS sd only near failure: at first detection by a more sensitive feature
  // its readings hold noise only, and a fit reads that noise as an onset and a rate (~280 h predicted
  // against 20.8 h, seed 5). The rate prior's bound (onset-prior.ts) is then all that is known.
  const latest = points[points.length - 1]!;
  const firstDetection = detectedAtMs === undefined || asOfMs <= detectedAtMs;
  const noisyGauge = firstDetection && onsetPrior !== undefined && latest.hi <= HEALTHY_SDS * latest.sd && HEALTHY_SDS * median(points.map((p) => p.sd)) >= NOISY_GAUGE_SPAN;
  // A staged gauge (HealthSpec.staged: tool wear's break-in) at first detection: the life of past
  // cases after their first alarm is all that is known; the rise is not extrapolated (no onset fit),
  // and the recalibration measured on combined estimates does not apply to it.
  // So is a fault whose past cases were better predicted by their P–F interval alone than by the
  // gauge's fit (a stacking weight of 1, stacking.ts).
  const pfWeight = firstDetection ? onsetPrior?.pfWeight : undefined;
  const pfAlone = firstDetection && (what.staged === true || pfWeight === 1) && onsetPrior?.pfInterval !== undefined;
  const onset = !pfAlone && !noisyGauge && healthySeen && (riseSeen || onsetPrior) ? fitOnset(points, { ...prior, ...onsetRate }) : undefined;
  let estimate: RulEstimate;
  let posterior: Posterior | undefined;
  let used: number;
  if (pfAlone) {
    estimate = pfRemainingLife(onsetPrior!.pfInterval!, opts);
    used = 0;
  } else if (noisyGauge) {
    estimate = priorRemainingLife(onsetPrior, latest, opts);
    used = 0;
  } else if (onset) {
    estimate = onsetRemainingLife(onset, 0, { ...DEFAULT_ONSET_FIT_FROM(opts) });
    used = onset.points;
  } else {
    posterior = fitPosterior(points, prior, opts);
    if (posterior.points === 0) {
      // Nothing clear of noise to fit: with a rate prior from past curves, the bound it gives
      // (onset-prior.ts); without one the remaining life is unknown.
      if (!onsetPrior) return undefined;
      posterior = undefined;
      estimate = priorRemainingLife(onsetPrior, points[points.length - 1]!, opts);
      used = 0;
    } else {
      estimate = remainingLife(posterior, 0, opts);
      used = posterior.points;
    }
  }
  // At first detection under a prior that carries a P–F interval (the shipped default's), the
  // estimate is combined with it (pf-interval.ts): how long past cases of the fault on this machine
  // type ran after their first alarm, the better-informed part while the gauge shows little.
  const pfInterval = firstDetection && (onset || used === 0) ? onsetPrior?.pfInterval : undefined;
  if (pfInterval && !pfAlone) estimate = withPfInterval(estimate, pfInterval, opts.seed);
  // Then, under a prior that carries a recalibration (the shipped default's), the quantiles are read
  // at its levels (onset-prior.ts, Recalibration); updates, fitted on more of the machine's own rise
  // than the cases it was measured on, stay raw.
  let recalibration = firstDetection && !pfAlone && (onset || used === 0) ? onsetPrior?.recalibration : undefined;
  if (recalibration) estimate = recalibrated(estimate, recalibration);
  // Last, under a stacking weight (stacking.ts), the mixture with the P–F interval alone; its draws
  // then carry the recalibration (recalibratedDraws), so a held estimate conditions them directly.
  const mixWeight = pfInterval && !pfAlone && pfWeight !== undefined && pfWeight > 0 ? pfWeight : undefined;
  if (mixWeight !== undefined) {
    const own = recalibration ? recalibratedDraws(estimate, recalibration) : estimate.drawsDays;
    estimate = estimateFromDraws(mixDraws(own, pfRemainingLife(pfInterval!, opts).drawsDays, mixWeight));
    recalibration = undefined;
  }
  const at = (d: number) => Math.round(asOfMs + d * DAY_MS);
  return {
    estimate,
    ...(posterior ? { posterior } : {}),
    ...(onset ? { onset } : {}),
    ...(recalibration ? { recalibration } : {}),
    ...(pfInterval ? { pfInterval } : {}),
    ...(pfAlone ? { pfAlone } : {}),
    ...(mixWeight !== undefined ? { pfWeight: mixWeight } : pfAlone && what.staged !== true ? { pfWeight: 1 } : {}),
    points: used,
    summary: {
      healthIndicator: sorted[sorted.length - 1]!.hi,
      feature: what.feature,
      failureLevel: what.failureLevel,
      medianDays: estimate.medianDays,
      p10Days: estimate.p10Days,
      p90Days: estimate.p90Days,
      failureAtMs: { p10: at(estimate.p10Days), p50: at(estimate.medianDays), p90: at(estimate.p90Days) },
      readings: used,
      prior: (onset || used === 0) && onsetPrior
        ? { source: onsetPrior.source, curves: onsetPrior.curves, rateMeanPerDay: onsetPrior.rateMedianPerDay }
        : { source: prior.source, curves: prior.curves, rateMeanPerDay: prior.rateMedianPerDay },
      asOfMs,
    },
  };
}

/**
 * The recalibration map R (raw predictive level → calibrated probability) and its inverse, piecewise
 * linear through (0, 0), its three knots and (1, 1) (Kuleshov et al. 2018 fit R isotonically; three
 * quantiles are what is stored and shown).
 */
function recalibrationMap(levels: Recalibration): { toCalibrated: (u: number) => number; toRaw: (p: number) => number } {
  const raw = [0, levels.p10, levels.p50, levels.p90, 1];
  const cal = [0, 0.1, 0.5, 0.9, 1];
  const interp = (xs: number[], ys: number[]) => (x: number) => {
    const v = Math.min(1, Math.max(0, x));
    let k = 1;
    while (k < xs.length - 1 && xs[k]! < v) k++;
    return ys[k - 1]! + ((ys[k]! - ys[k - 1]!) * (v - xs[k - 1]!)) / (xs[k]! - xs[k - 1]!);
  };
  return { toCalibrated: interp(raw, cal), toRaw: interp(cal, raw) };
}

/**
 * The estimate's 10/50/90 % quantiles under the recalibrated distribution R∘F (draws unchanged),
 * conditioned on survival past `elapsedDays` when given (held estimates: G(y | T > s) =
 * (G(y) − G(s))/(1 − G(s)), G = R∘F), as remaining life from then.
 */
export function recalibrated(estimate: RulEstimate, levels: Recalibration, elapsedDays = 0): RulEstimate {
  const d = estimate.drawsDays;
  const m = recalibrationMap(levels);
  const gs = m.toCalibrated(elapsedDays > 0 ? estimate.failureProbWithin(elapsedDays) : 0);
  const q = (tau: number) => Math.max(0, quantile(d, m.toRaw(gs + tau * (1 - gs))) - elapsedDays);
  return { ...estimate, p10Days: q(0.1), medianDays: q(0.5), p90Days: q(0.9) };
}

/**
 * The recalibrated distribution R∘F as draws (as many as the estimate's): the raw draws' quantiles
 * at the levels R⁻¹(u) for evenly spaced u, so that a mixture or a survival condition sees the
 * quantiles that are stated.
 */
export function recalibratedDraws(estimate: RulEstimate, levels: Recalibration): number[] {
  const d = estimate.drawsDays;
  const m = recalibrationMap(levels);
  return Array.from({ length: d.length }, (_, i) => quantile(d, m.toRaw((i + 0.5) / d.length)));
}

/** What estimateRul returns: the summary, the estimate's draws, and the fit behind it. */
export interface RulResult {
  summary: RulSummary;
  estimate: RulEstimate;
  posterior?: Posterior;
  onset?: OnsetPosterior;
  points: number;
  /** Set when the gauge has shown nothing since detection: the estimate is the one at detection, conditioned on survival to asOfMs. */
  heldFromMs?: number;
  /** The recalibration the quantiles were read at (first detection under the shipped default prior, onset-prior.ts). */
  recalibration?: Recalibration;
  /** The P–F interval the estimate at first detection was combined with (pf-interval.ts). */
  pfInterval?: PfInterval;
  /** True when the estimate at first detection is the P–F interval alone (a staged gauge, HealthSpec.staged, or a stacking weight of 1). */
  pfAlone?: boolean;
  /** The P–F interval alone's share when the estimate at first detection is a mixture with it (stacking.ts); 1 with pfAlone when that is why. */
  pfWeight?: number;
}

/**
 * Readings from detection on (the alarm's own included) clear of noise (above HEALTHY_SDS of their
 * sd) before the gauge counts as showing the fault: two, so that one spike does not end the hold.
 */
const MIN_CLEAR_SINCE_DETECTION = 2;
/**
 * Share of the detection estimate's draws that must survive to asOfMs for the held estimate to
 * stand: past its 90 % quantile the machine has outlived the interval stated at detection, which is
 * then refuted at the level it was stated at; its far tail (a wide prior truncated deep) would read
 * as a failure many times the elapsed time away, so the readings are refitted as before instead.
 */
const MIN_SURVIVING = 0.1;

/**
 * An evidence update while the gauge still shows nothing clear of its noise since the alarm (fewer
 * than MIN_CLEAR_SINCE_DETECTION readings from the alarm's on above HEALTHY_SDS sd): the readings
 * then carry no new information on the rate or the onset, only that the machine has not failed
 * yet. Refitting would read noise as a rise (an onset fit on noise), or restart the prior's bound
 * from the update's time (the gauge is "at its noise level" again at every update, so the predicted
 * failure slid later by the time elapsed). Instead the estimate at detection is kept in event time and updated by the one
 * new fact, survival to asOfMs: its failure-time draws are conditioned on T > asOfMs (Bayesian
 * updating of the population prior with the unit's own evidence, Gebraeel, Lawley, Li & Ryan,
 * IIE Transactions 37, 2005; with no informative reading the posterior is the prior truncated at
 * the survival time). A flat gauge thus no longer restarts the clock at every update nor collapses
 * the estimate to "now": the predicted failure moves later only as far as survival rules out the
 * early failures (little while the elapsed time is below the detection's 10 % quantile; more under a
 * wide rate prior, where running on is evidence of a slow rate). Once the gauge moves, the refit on
 * all readings takes over. Undefined (refit as usual) when the gauge has moved, there was no
 * estimate at detection, or fewer than MIN_SURVIVING of its draws survive.
 */
function heldSinceDetection(
  sorted: { atMs: number; hi: number; sd: number }[],
  points: HiPoint[],
  prior: DegradationPrior,
  asOfMs: number,
  detectedAtMs: number,
  what: { feature: string; failureLevel: string; staged?: boolean },
  opts: DegradationOptions,
  onsetPrior?: OnsetRatePrior,
): RulResult | undefined {
  let clear = 0;
  sorted.forEach((r, i) => {
    if (r.atMs >= detectedAtMs && points[i]!.hi > HEALTHY_SDS * points[i]!.sd) clear++;
  });
  if (clear >= MIN_CLEAR_SINCE_DETECTION) return undefined;
  const atDetection = estimateRul(sorted, prior, detectedAtMs, what, opts, onsetPrior);
  if (!atDetection) return undefined;
  const elapsedDays = (asOfMs - detectedAtMs) / DAY_MS;
  // Truncation, not a clamp at "now": clamping the draws that have passed to a remaining life of 0
  // (the detection's quantiles kept as they were) collapses the estimate to "failing now" once its
  // median has passed; on the tuning seeds it also read worse at the last update (0.47 against 0.37).
  const survivors = atDetection.estimate.drawsDays.filter((d) => d > elapsedDays).map((d) => d - elapsedDays);
  if (survivors.length < MIN_SURVIVING * atDetection.estimate.drawsDays.length) return undefined;
  // An estimate at detection stated recalibrated stays so: the recalibrated distribution conditioned on survival.
  const fromSurvivors = estimateFromDraws(survivors);
  const estimate = atDetection.recalibration
    ? { ...fromSurvivors, ...pick(recalibrated(atDetection.estimate, atDetection.recalibration, elapsedDays)) }
    : fromSurvivors;
  const at = (d: number) => Math.round(asOfMs + d * DAY_MS);
  return {
    ...atDetection,
    estimate,
    heldFromMs: detectedAtMs,
    summary: {
      ...atDetection.summary,
      healthIndicator: sorted[sorted.length - 1]!.hi,
      medianDays: estimate.medianDays,
      p10Days: estimate.p10Days,
      p90Days: estimate.p90Days,
      failureAtMs: { p10: at(estimate.p10Days), p50: at(estimate.medianDays), p90: at(estimate.p90Days) },
      asOfMs,
    },
  };
}

const pick = (e: RulEstimate) => ({ medianDays: e.medianDays, p10Days: e.p10Days, p90Days: e.p90Days });

/**
 * Share of the failure span (HI 0..1) that HEALTHY_SDS of a gauge's noise sd (median over the
 * history) may reach before the gauge counts as unable to show an early rise: clear of its noise
 * only past three quarters of the way to failure. On the tuning sets (eval/dev/rul-devset.ts) the
 * cavitation's pressure gauge sat at 1.2-2.1, every other fault's gauge below 0.5 (any level in
 * between splits them alike).
 */
const NOISY_GAUGE_SPAN = 0.75;

/** A reading within this many of its sd of 0 shows the healthy level. */
const HEALTHY_SDS = 3;
/** Readings needed at the healthy level, and clear of it, before the onset model is fitted. */
const MIN_SEEN = 3;
const MIN_RISE = 1;

/** The onset fit's draws, horizon and seed as the degradation options set them. */
const DEFAULT_ONSET_FIT_FROM = (opts: DegradationOptions) => ({ ...DEFAULT_ONSET_FIT, draws: opts.draws, horizonDays: opts.horizonDays, seed: opts.seed });

/** "12 days (10-90 %: 8-17 days)", in hours below two days. */
export function describeRul(s: Pick<RulSummary, 'medianDays' | 'p10Days' | 'p90Days' | 'prior'>): string {
  const hours = s.p90Days < 2;
  const f = (d: number) => (hours ? (d * 24).toFixed(d * 24 < 10 ? 1 : 0) : d.toFixed(d < 10 ? 1 : 0));
  const unit = hours ? 'h' : 'days';
  const basis = s.prior.source === 'fleet' ? `fleet prior from ${s.prior.curves} confirmed run-to-failure curves` : 'default prior, no fleet curves yet';
  return `remaining life ${f(s.medianDays)} ${unit} (10-90 %: ${f(s.p10Days)}-${f(s.p90Days)} ${unit}; ${basis})`;
}
