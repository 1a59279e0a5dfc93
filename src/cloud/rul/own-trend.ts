// The machine's own history of its key feature (Evidence.trends, sent by the edge) as health-
// indicator readings before the alarm: the exponential model's rate is then fitted to what this
// machine did, with the fault's prior only as a weak prior (degradation.ts). A real plant's P–F
// interval varies by factors between nominally equal machines (Moubray, RCM II, ch. 7), so only
// the trend can say how fast this one degrades.
import type { Evidence, FaultType } from '../../core/index.ts';
import { HEALTH_SPECS, hiOf, hiSpec, type HealthReading, type HealthSpec } from './health-indicator.ts';

const HOUR_MS = 3_600_000;
/**
 * Standard error of a median of n values relative to one value: √(π/2)/√n for Gaussian scatter
 * (asymptotic efficiency of the median, 2/π).
 */
const medianSdFactor = (n: number) => Math.sqrt(Math.PI / 2 / Math.max(1, n));

/** One HI reading at event time `atMs`. */
export interface TimedReading {
  atMs: number;
  hi: number;
  sd: number;
}

/**
 * The key feature's history on the HI scale of `reading` (its healthy and failure levels), at event
 * times `atMs + tHours`; empty when the evidence carries no history of that feature.
 */
export function historyReadings(faultType: FaultType, ev: Evidence, reading: HealthReading, atMs: number, specs: Record<FaultType, HealthSpec> = HEALTH_SPECS): TimedReading[] {
  const spec = hiSpec(specs[faultType]);
  const trend = ev.trends?.[reading.feature] ?? ev.trends?.[spec.feature];
  if (!trend) return [];
  const out: TimedReading[] = [];
  const n = Math.min(trend.tHours.length, trend.levels.length);
  for (let i = 0; i < n; i++) {
    const h = hiOf(spec, reading.healthy, reading.failure, trend.levels[i]!, reading.healthyMad * medianSdFactor(trend.windows[i] ?? 1));
    if (!h || !Number.isFinite(trend.tHours[i]!)) continue;
    out.push({ atMs: Math.round(atMs + trend.tHours[i]! * HOUR_MS), hi: h.hi, sd: h.sd });
  }
  return out;
}
