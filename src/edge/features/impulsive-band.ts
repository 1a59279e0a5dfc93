// Picks the demodulation band for envelope analysis: the candidate band whose complex envelope is
// the most impulsive, measured by spectral kurtosis (Antoni, "The spectral kurtosis: a useful tool
// for characterising non-stationary signals", MSSP 20, 2006; the fast kurtogram, MSSP 21, 2007).
// A coarse two-level grid instead of the full kurtogram, each band demodulated at a reduced rate.
import { basebandConj, clipBand, conjKurtosis, scratchOf } from './spectrum.ts';

/** A candidate band and its spectral kurtosis. */
export interface ScoredBand {
  bandHz: [number, number];
  /** E|z|⁴/(E|z|²)² − 2 of the band's complex envelope z: ≈0 Gaussian noise, −1 a pure tone, >0 impulses. */
  sk: number;
  /**
   * The band's complex envelope as the search computed it (spectrum.ts basebandConj: m·conj(z) at
   * m·binHz; a scratch buffer valid until the next search), so the envelope analysis after the
   * search reuses it instead of transforming the band again. Absent for an empty band.
   */
  baseband?: Float64Array;
}

/** Spectral kurtosis of a band's envelope magnitude |z| (from bandEnvelope or basebandEnvelope). */
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
 * rate/16), overlapping by half so a resonance on a band edge is still caught whole; keeping those at least `minWidthHz` wide (room for the defect frequency's sidebands)
 * and starting at or above `minLoHz` (below it shaft harmonics dominate).
 */
export function candidateBands(rateHz: number, defaultBandHz: [number, number], minLoHz: number, minWidthHz: number): [number, number][] {
  const out: [number, number][] = [clipBand(defaultBandHz, rateHz)];
  const top = 0.45 * rateHz;
  for (const level of [2, 3]) {
    const width = rateHz / 2 ** (level + 1);
    if (width < minWidthHz) continue;
    for (let lo = 0; lo < top; lo += width / 2) {
      const hi = Math.min(lo + width, top);
      if (lo >= minLoHz && hi - lo >= minWidthHz) out.push([lo, hi]);
    }
  }
  return out;
}

/**
 * How many standard errors the band's SK lies above 0 (Gaussian noise). The SK estimate of a
 * Gaussian band has variance ≈ 4/M for M independent envelope samples (Antoni 2006), and
 * M ≈ n·width/rate, so narrow bands reach high SK by chance more often: compare z, not SK.
 */
export function skZ(sk: number, n: number, rateHz: number, band: [number, number]): number {
  const m = Math.max(1, (n * (band[1] - band[0])) / rateHz);
  return sk / Math.sqrt(4 / m);
}

/** Evidence (in standard errors) another band needs over the first (default) band before we switch to it. */
export const SWITCH_MARGIN_Z = 3;

/**
 * Scores each band of a window's spectrum (from realFft, n samples long) and returns the most
 * impulsive; the first band (the configured default) is kept unless another is clearly more
 * impulsive, so that on a healthy machine the band does not wander from window to window.
 */
export function mostImpulsiveBand(spectrum: Float64Array, n: number, rateHz: number, bands: [number, number][]): ScoredBand {
  let best: ScoredBand | undefined;
  let bestZ = -Infinity;
  for (const [i, band] of bands.entries()) {
    const env = basebandConj(spectrum, rateHz, band);
    const sk = env ? conjKurtosis(env) : 0;
    if (!Number.isFinite(sk)) continue;
    const z = skZ(sk, n, rateHz, band) - (i === 0 ? 0 : SWITCH_MARGIN_Z);
    if (z > bestZ) {
      // The next band of the same size overwrites basebandConj's scratch: keep a copy (the best
      // changes a few times per search at most, a copy is ~1 % of a transform's cost).
      const kept = env ? scratchOf('zBest', env.length) : undefined;
      kept?.set(env!);
      best = { bandHz: band, sk, baseband: kept };
      bestZ = z;
    }
  }
  return best ?? { bandHz: bands[0]!, sk: 0 };
}
