// The incident's own degradation rate, where its evidence carries one: the edge sends a smoothed
// slope per hour for scalar channels (`scalar.<ch>.slopePerH`, an EWMA of window-to-window
// slopes). When the fault's key feature is such a channel (tool wear, bearing temperature,
// discharge pressure) the slope, moved onto the HI scale, is a measurement of the exponential
// model's rate at detection, c = (dHI/dt) / HI, and it sharpens the prior before the first fit
// (a conjugate update in ln(rate), Gelman et al., Bayesian Data Analysis, 3rd ed., sec. 2.5): the
// fleet's or the default prior then weighs in only as much as the slope is uncertain.
import type { Evidence, FaultType } from '../../core/index.ts';
import type { DegradationPrior } from './degradation.ts';
import { HEALTH_SPECS, hiSpec, type HealthReading, type HealthSpec } from './health-indicator.ts';

/**
 * Coefficient of variation assumed for a rate read off an EWMA slope: the slope averages about
 * nine windows of a noisy level, and the exponential model's rate moves as the fault progresses,
 * so it is known to within about half its value (assumption; confirmed cases will tell).
 */
export const TREND_RATE_CV = 0.5;
/** Below this HI the rate c = HI'/HI divides by noise: the trend says nothing yet. */
export const TREND_MIN_HI = 0.1;

/** A rate measurement from the incident's own trend (per day), with its standard deviation. */
export interface TrendRate {
  ratePerDay: number;
  sdPerDay: number;
  /** The evidence feature the slope came from. */
  slopeFeature: string;
}

/**
 * The rate the evidence's own slope implies for `faultType`, or undefined when the key feature is
 * not a trended scalar, the slope points away from failure, or the HI is too small to divide by.
 */
export function trendRate(faultType: FaultType, ev: Evidence, reading: HealthReading, specs: Record<FaultType, HealthSpec> = HEALTH_SPECS): TrendRate | undefined {
  const spec = hiSpec(specs[faultType]);
  if (spec.scale !== 'amplitude' || !(reading.hi >= TREND_MIN_HI)) return undefined;
  const channel = reading.feature.replace(/^scalar\./, '');
  const slopeFeature = `scalar.${channel}.slopePerH`;
  const slopePerH = ev.features[slopeFeature];
  const span = reading.failure - reading.healthy;
  if (slopePerH === undefined || !Number.isFinite(slopePerH) || !(Math.abs(span) > 0)) return undefined;
  const hiPerDay = (slopePerH * 24) / span;
  if (!(hiPerDay > 0)) return undefined; // moving away from failure: no rate to learn from
  const ratePerDay = hiPerDay / reading.hi;
  return { ratePerDay, sdPerDay: TREND_RATE_CV * ratePerDay, slopeFeature };
}

/**
 * The prior sharpened by a trend measurement of the rate. A rate is a scale (positive, known to
 * within a factor), so the two are combined as log-normals, precision-weighted in ln(rate) with
 * σ_ln = √ln(1 + CV²); a Gaussian combination would let a confident-looking small default rate
 * outweigh a trend several times faster.
 */
export function withTrend(prior: DegradationPrior, t: TrendRate): DegradationPrior {
  const st = Math.sqrt(Math.log1p((t.sdPerDay / t.ratePerDay) ** 2));
  if (!(prior.rateMedianPerDay > 0)) return { ...prior, rateMedianPerDay: t.ratePerDay, lnRateSd: st };
  const wp = 1 / Math.max(prior.lnRateSd, 1e-6) ** 2;
  const wt = 1 / st ** 2;
  const lnMean = (wp * Math.log(prior.rateMedianPerDay) + wt * Math.log(t.ratePerDay)) / (wp + wt);
  return { ...prior, rateMedianPerDay: Math.exp(lnMean), lnRateSd: Math.sqrt(1 / (wp + wt)) };
}
