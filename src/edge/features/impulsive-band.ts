// Picks the demodulation band for envelope analysis: the candidate band whose complex envelope is
// the most impulsive, measured by spectral kurtosis (Antoni, "The spectral kurtosis: a useful tool
// for characterising non-stationary signals", MSSP 20, 2006; the fast kurtogram, MSSP 21, 2007).
// A coarse two-level grid instead of the full kurtogram keeps it to ~12 inverse FFTs per window.
import { bandEnvelope, clipBand } from './spectrum.ts';

/** A candidate band and its spectral kurtosis. */
export interface ScoredBand {
  bandHz: [number, number];
  /** E|z|⁴/(E|z|²)² − 2 of the band's complex envelope z: ≈0 Gaussian noise, −1 a pure tone, >0 impulses. */
  sk: number;
}

/** Spectral kurtosis of the band's envelope magnitude (|z| as returned by bandEnvelope). */
export function envelopeKurtosis(env: Float64Array): number {
  let m2 = 0;
  let m4 = 0;
  for (const a of env) {
    const e2 = a * a;
    m2 += e2;
    m4 += e2 * e2;
  }
  if (!(m2 > 0)) return 0;
  m2 /= env.length;
  m4 /= env.length;
  return m4 / (m2 * m2) - 2;
}

/**
 * Candidate bands: `defaultBandHz` plus the kurtogram's levels 2 and 3 (widths rate/8 and
 * rate/16), keeping those at least `minWidthHz` wide (room for the defect frequency's sidebands)
 * and starting at or above `minLoHz` (below it shaft harmonics dominate).
 */
export function candidateBands(rateHz: number, defaultBandHz: [number, number], minLoHz: number, minWidthHz: number): [number, number][] {
  const out: [number, number][] = [clipBand(defaultBandHz, rateHz)];
  const top = 0.45 * rateHz;
  for (const level of [2, 3]) {
    const width = rateHz / 2 ** (level + 1);
    if (width < minWidthHz) continue;
    for (let lo = 0; lo < top; lo += width) {
      const hi = Math.min(lo + width, top);
      if (lo >= minLoHz && hi - lo >= minWidthHz) out.push([lo, hi]);
    }
  }
  return out;
}

/** Scores each band of a window's spectrum (from realFft, n samples long) and returns the most impulsive. */
export function mostImpulsiveBand(spectrum: Float64Array, n: number, rateHz: number, bands: [number, number][]): ScoredBand {
  let best: ScoredBand = { bandHz: bands[0]!, sk: -Infinity };
  for (const band of bands) {
    const sk = envelopeKurtosis(bandEnvelope(spectrum, n, rateHz, band));
    if (sk > best.sk) best = { bandHz: band, sk };
  }
  return Number.isFinite(best.sk) ? best : { bandHz: bands[0]!, sk: 0 };
}
