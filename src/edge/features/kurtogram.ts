// A finer, segment-averaged kurtogram for recordings: candidate bands on the 1/3-binary tree of
// Antoni's fast kurtogram ("Fast computation of the kurtogram for the detection of transient
// faults", MSSP 21, 2007), each scored by the median over segments of its spectral kurtosis. The
// median makes the pick robust to one segment holding a knock or a dropout.
import { basebandEnvelope } from './spectrum.ts';

/** Share of the envelope left out at each end: a segment cut without a window wraps around, and the step at the seam is a false impulse. */
const EDGE_SHARE = 0.1;

/** Spectral kurtosis (excess) of an envelope magnitude, over its central part only (see EDGE_SHARE). */
export function centralKurtosis(env: Float64Array): number {
  const lo = Math.floor(EDGE_SHARE * env.length);
  const hi = env.length - lo;
  let m2 = 0;
  let m4 = 0;
  for (let i = lo; i < hi; i++) {
    const e2 = env[i]! * env[i]!;
    m2 += e2;
    m4 += e2 * e2;
  }
  if (!(m2 > 0) || hi <= lo) return 0;
  m2 /= hi - lo;
  m4 /= hi - lo;
  return m4 / (m2 * m2) - 2;
}

/** A band of the kurtogram and its median spectral kurtosis (excess: ≈ 0 Gaussian, > 0 impulsive). */
export interface KurtogramBand {
  bandHz: [number, number];
  sk: number;
}

/** Deepest level of the tree: widths down to (rate/2)/2^7, below which few bands hold a defect comb. */
const MAX_LEVEL = 7;

/**
 * Bands of the 1/3-binary tree: widths (rate/2)/2^k and (rate/2)/(3·2^(k−1)) for k = 1..7, centres
 * every half width (overlap so a resonance on an edge is caught whole), each at least `minWidthHz`
 * wide (room for the defect comb and its sidebands), starting at or above `minLoHz` (below it shaft
 * harmonics dominate) and ending at 0.45·rate (anti-alias roll-off).
 */
export function kurtogramBands(rateHz: number, minLoHz: number, minWidthHz: number): [number, number][] {
  const top = 0.45 * rateHz;
  const widths = new Set<number>();
  for (let k = 1; k <= MAX_LEVEL; k++) {
    widths.add(rateHz / 2 / 2 ** k);
    widths.add(rateHz / 2 / (3 * 2 ** (k - 1)));
  }
  const out: [number, number][] = [];
  for (const width of [...widths].sort((a, b) => b - a)) {
    if (width < minWidthHz) continue;
    for (let lo = 0; lo + 0.5 * width < top; lo += width / 2) {
      const band: [number, number] = [Math.max(lo, minLoHz), Math.min(lo + width, top)];
      if (lo >= minLoHz && band[1] - band[0] >= minWidthHz) out.push(band);
    }
  }
  if (out.length === 0 && top - minLoHz > 0) out.push([minLoHz, top]);
  return out;
}

/** Median of a list (0 for an empty one). */
export function medianOf(v: readonly number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * Scores each band by the median over segment spectra (from realFft) of its spectral kurtosis and
 * returns the bands best first.
 */
export function rankBands(spectra: readonly Float64Array[], rateHz: number, bands: readonly [number, number][]): KurtogramBand[] {
  const scored = bands.map((band) => {
    const sks = spectra.map((s) => centralKurtosis(basebandEnvelope(s, rateHz, band))).filter(Number.isFinite);
    return { bandHz: band, sk: medianOf(sks) };
  });
  return scored.sort((a, b) => b.sk - a.sk);
}

/** The best `count` bands that overlap each other by less than half (distinct resonances). */
export function distinctTopBands(ranked: readonly KurtogramBand[], count: number): KurtogramBand[] {
  const out: KurtogramBand[] = [];
  for (const b of ranked) {
    const overlaps = out.some((o) => {
      const inter = Math.min(o.bandHz[1], b.bandHz[1]) - Math.max(o.bandHz[0], b.bandHz[0]);
      return inter > 0.5 * Math.min(o.bandHz[1] - o.bandHz[0], b.bandHz[1] - b.bandHz[0]);
    });
    if (!overlaps) out.push(b);
    if (out.length >= count) break;
  }
  return out;
}
