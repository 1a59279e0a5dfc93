// Levels of spectral lines in dB above the local noise floor. Analysts read a line against the
// spectrum around it, not against its absolute value: the ratio is independent of the signal's
// unit and gain (scale-invariant), and a median of the neighbouring bins ignores the lines among them.

import { selectInPlace } from './quickselect.ts';

/** Most bins a floor estimate sorts: the floor is smooth, so a subsample of the window suffices. */
const FLOOR_SAMPLES = 48;

/** Lowest / highest level reported (dB): keeps values finite for silent or pathological spectra. */
export const LEVEL_DB_RANGE = { min: -60, max: 120 } as const;

/**
 * The local floor of an amplitude spectrum at bins 0..maxBin: the median of the bins within
 * ±halfWidthBins, leaving out ±guardBins around the bin itself (its own line and window leakage).
 */
export function localFloor(a: Float64Array, maxBin: number, halfWidthBins: number, guardBins: number): Float64Array {
  const last = Math.min(maxBin, a.length - 1);
  const floor = new Float64Array(last + 1);
  const hw = Math.max(guardBins + 2, Math.round(halfWidthBins));
  const step = Math.max(1, Math.floor((2 * (hw - guardBins)) / FLOOR_SAMPLES));
  const buf = new Float64Array(2 * hw + 1);
  for (let k = 0; k <= last; k++) {
    let m = 0;
    for (let j = k - hw; j <= k + hw; j += step) {
      if (Math.abs(j - k) <= guardBins || j < 1 || j >= a.length) continue;
      buf[m++] = a[j]!;
    }
    if (m === 0) continue;
    floor[k] = selectInPlace(buf, m, m >> 1); // the upper median, as a sort would give
  }
  return floor;
}

/** A line found near a frequency: where it is and its level above the floor. */
export interface LineLevel {
  freqHz: number;
  db: number;
}

/** 20·log10(a/floor), clamped to LEVEL_DB_RANGE; 0 dB when either is zero or not finite. */
export function ratioDb(a: number, floor: number): number {
  if (!(a > 0) || !(floor > 0) || !Number.isFinite(a) || !Number.isFinite(floor)) return 0;
  return Math.min(LEVEL_DB_RANGE.max, Math.max(LEVEL_DB_RANGE.min, 20 * Math.log10(a / floor)));
}

/**
 * The strongest bin within ±tolHz (at least ±1 bin) of fHz, as a level above the floor. Both
 * arrays are indexed by bin; bins past either array's end are ignored.
 */
export function lineLevel(a: Float64Array, floor: Float64Array, binHz: number, fHz: number, tolHz: number): LineLevel {
  const last = Math.min(a.length, floor.length) - 1;
  const c = fHz / binHz;
  const w = Math.max(1, tolHz / binHz);
  const lo = Math.max(1, Math.floor(c - w));
  const hi = Math.min(last, Math.ceil(c + w));
  let best = { freqHz: fHz, db: 0 };
  let bestA = -Infinity;
  for (let k = lo; k <= hi; k++) {
    if (a[k]! > bestA) {
      bestA = a[k]!;
      best = { freqHz: k * binHz, db: ratioDb(a[k]!, floor[k]!) };
    }
  }
  return best;
}
