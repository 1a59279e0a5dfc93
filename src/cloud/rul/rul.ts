// Remaining useful life of an incident: its HI readings, the prior for its fault type (the fleet's
// past curves when there are at least two, otherwise a wide default), and the summary stored with
// the decision (median and 10-90 % interval, as days and as event times).
import type { FaultType } from '../../core/index.ts';
import { DEFAULT_DEGRADATION, fitPosterior, fleetPrior, remainingLife, type DegradationOptions, type DegradationPrior, type HiPoint, type RulEstimate } from './degradation.ts';

export const DAY_MS = 86_400_000;

/**
 * P–F interval assumed per fault when the fleet has no curves yet (days from a detectable symptom
 * to functional failure). Order-of-magnitude assumptions in the spirit of Moubray (RCM II, 1997,
 * ch. 7: P–F intervals range from hours to years and are set per failure mode), to be replaced by
 * the fleet's own curves as repairs are confirmed. The prior rate is ln(1/HI_detect)/PF with
 * HI_detect = 0.2, and a ±80 % sd: a guessed P–F interval can be off by a factor of two or more, and the interval must say so.
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
const DEFAULT_RATE_CV = 0.8;
const DEFAULT_LOG_NOISE = 0.15;

/** The wide default prior of a fault type. */
export function defaultPrior(faultType: FaultType): DegradationPrior {
  const rate = Math.log(1 / HI_AT_DETECTION) / DEFAULT_PF_DAYS[faultType];
  return { rateMeanPerDay: rate, rateSdPerDay: DEFAULT_RATE_CV * rate, logNoiseSd: DEFAULT_LOG_NOISE, source: 'default', curves: 0 };
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
  prior: { source: 'fleet' | 'default'; curves: number; rateMeanPerDay: number };
  asOfMs: number;
}

/** Fits the readings (times in epoch ms, the first one the incident's detection) and summarises the RUL at `asOfMs`. */
export function estimateRul(
  readings: { atMs: number; hi: number; sd: number }[],
  prior: DegradationPrior,
  asOfMs: number,
  what: { feature: string; failureLevel: string },
  opts: DegradationOptions = DEFAULT_DEGRADATION,
): { summary: RulSummary; estimate: RulEstimate } | undefined {
  if (readings.length === 0) return undefined;
  const sorted = [...readings].sort((a, b) => a.atMs - b.atMs);
  const t0 = sorted[0]!.atMs;
  const points: HiPoint[] = sorted.map((r) => ({ tDays: (r.atMs - t0) / DAY_MS, hi: r.hi, sd: r.sd }));
  const post = fitPosterior(points, prior, opts);
  if (post.points === 0) return undefined;
  const estimate = remainingLife(post, (asOfMs - t0) / DAY_MS, opts);
  const at = (d: number) => Math.round(asOfMs + d * DAY_MS);
  return {
    estimate,
    summary: {
      healthIndicator: sorted[sorted.length - 1]!.hi,
      feature: what.feature,
      failureLevel: what.failureLevel,
      medianDays: estimate.medianDays,
      p10Days: estimate.p10Days,
      p90Days: estimate.p90Days,
      failureAtMs: { p10: at(estimate.p10Days), p50: at(estimate.medianDays), p90: at(estimate.p90Days) },
      readings: post.points,
      prior: { source: prior.source, curves: prior.curves, rateMeanPerDay: prior.rateMeanPerDay },
      asOfMs,
    },
  };
}

/** "12 days (10-90 %: 8-17 days)", in hours below two days. */
export function describeRul(s: Pick<RulSummary, 'medianDays' | 'p10Days' | 'p90Days' | 'prior'>): string {
  const hours = s.p90Days < 2;
  const f = (d: number) => (hours ? (d * 24).toFixed(d * 24 < 10 ? 1 : 0) : d.toFixed(d < 10 ? 1 : 0));
  const unit = hours ? 'h' : 'days';
  const basis = s.prior.source === 'fleet' ? `fleet prior from ${s.prior.curves} confirmed run-to-failure curves` : 'default prior, no fleet curves yet';
  return `remaining life ${f(s.medianDays)} ${unit} (10-90 %: ${f(s.p10Days)}-${f(s.p90Days)} ${unit}; ${basis})`;
}
