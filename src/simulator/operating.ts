// Operating conditions that move while the machine is healthy: process demand (load) and ambient.
import type { Rng } from './rng.ts';

/** Correlation time of process demand, ms: production changes over tens of minutes. */
export const LOAD_CORRELATION_MS = 45 * 60_000;

/** Mean load factor and its standard deviation (fraction of rated power). */
export const LOAD_MEAN = 0.78;
export const LOAD_SD = 0.1;

/**
 * Speed change per unit of standardised demand: an induction machine slows as load rises (slip
 * 1–3% at rated load, IEC 60034-1), giving about ±1–2% around rated.
 */
export const SPEED_PER_DEMAND = -0.008;

/** Daily ambient swing in a plant hall, K peak, peaking mid-afternoon (ASHRAE Fundamentals design-day profile peaks ~15:00). */
export const AMBIENT_SWING_K = 4;

/**
 * Advances standardised demand (an Ornstein–Uhlenbeck process, stationary N(0, 1)) by `dtMs`
 * with its exact discretisation, so the statistics do not depend on the window interval.
 */
export function demandStep(x: number, dtMs: number, rng: Rng): number {
  const a = Math.exp(-dtMs / LOAD_CORRELATION_MS);
  return a * x + Math.sqrt(1 - a * a) * rng.normal();
}

/** Load factor (fraction of rated power) for a demand state, kept in a plausible 0.4–1.05 band. */
export function loadFactor(demand: number): number {
  return Math.min(1.05, Math.max(0.4, LOAD_MEAN + LOAD_SD * demand));
}

/** Shaft speed for a demand state, rpm, clipped to ±2% of rated. */
export function shaftSpeedRpm(ratedRpm: number, demand: number): number {
  const d = Math.min(0.02, Math.max(-0.02, SPEED_PER_DEMAND * demand));
  return ratedRpm * (1 + d);
}

/** Ambient temperature at event time `tMs` (UTC day), degC: lowest at 03:00, highest at 15:00. */
export function ambientC(meanC: number, tMs: number): number {
  const hour = (tMs / 3_600_000) % 24;
  return meanC + AMBIENT_SWING_K * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}
