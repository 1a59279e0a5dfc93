// Broadband high-frequency vibration that has no discrete frequency: bubble collapses of a
// cavitating pump (impulsive) and metal-to-metal contact of a starved bearing (Gaussian).
import type { Rng } from './rng.ts';
import { addRing } from './ring.ts';

/**
 * Cavitation: vapour bubbles collapse at random where pressure recovers on the impeller vanes;
 * each collapse is a short shock that rings the casing at high frequency. Collapses are a Poisson
 * process, so the noise is broadband and impulsive and rises with the amount of vapour (Brennen,
 * Cavitation and Bubble Dynamics, OUP 1995, ch. 3, collapse and cavitation noise; McNulty &
 * Pearsall, "Cavitation inception in pumps", J. Fluids Eng. 104, 1982: noise at high frequency is
 * the practical sign of inception).
 */
export interface BubbleCollapses {
  /** Mean collapses per second. */
  rateHz: number;
  /** Mean peak acceleration of one collapse at the sensor, m/s2 (peaks are exponentially distributed). */
  meanPeakMs2: number;
  /** Band the casing rings in after a collapse, Hz: each collapse draws its frequency uniformly in it. */
  bandHz: readonly [number, number];
  /** Damping ratio of that ringing: high, a collapse is a short broadband burst. */
  damping: number;
}

/** Collapse ring-down is cut at this fraction of its peak. */
const COLLAPSE_FLOOR = 1e-3;

/** Adds Poisson-timed bubble-collapse bursts to `out` (m/s2). */
export function addBubbleCollapses(out: Float64Array, rateHz: number, b: BubbleCollapses, rng: Rng): void {
  if (!(b.rateHz > 0) || !(b.meanPeakMs2 > 0)) return;
  const n = out.length;
  const dt = 1 / rateHz;
  const nyquistSafeHz = 0.45 * rateHz;
  const lo = Math.min(b.bandHz[0], nyquistSafeHz), hi = Math.min(b.bandHz[1], nyquistSafeHz);
  // Exponential gaps: a Poisson process; start one ring-down early so the window opens mid-burst.
  let t = -5 / (b.damping * 2 * Math.PI * lo) + expGap(b.rateHz, rng);
  const endS = n * dt;
  while (t < endS) {
    const wd = 2 * Math.PI * rng.uniform(lo, hi);
    const decay = b.damping * wd;
    const amp = b.meanPeakMs2 * -Math.log(1 - rng.next()); // exponential peak
    const stepDecay = Math.exp(-decay * dt);
    const c = Math.cos(wd * dt) * stepDecay, s = Math.sin(wd * dt) * stepDecay;
    addRing(out, rateHz, t, t - Math.log(COLLAPSE_FLOOR) / decay, amp, wd, decay, c, s);
    t += expGap(b.rateHz, rng);
  }
}

function expGap(rateHz: number, rng: Rng): number {
  return -Math.log(1 - rng.next()) / rateHz;
}

/**
 * Metal-to-metal contact of a starved bearing: asperities of race and balls touch and the friction
 * radiates stress waves, a Gaussian broadband noise whose energy lies at high frequency, long before
 * any spall gives a discrete defect line (Harris & Kotzalas, Rolling Bearing Analysis, 5th ed.,
 * 2007, vol. 1 ch. 9 on lubrication regimes; SKF, "Bearing damage and failure analysis", 2017,
 * inadequate lubrication).
 */
export interface ContactNoise {
  /** RMS of the added noise over the window, m/s2. */
  rmsMs2: number;
  /** High-pass corner, Hz: below it friction noise is masked by and small against shaft vibration. */
  cutoffHz: number;
}

/** Samples run through the filter before the window so it starts settled. */
const FILTER_WARMUP = 64;

/** Adds high-pass Gaussian noise of the given RMS to `out` (m/s2). */
export function addContactNoise(out: Float64Array, rateHz: number, cn: ContactNoise, rng: Rng): void {
  if (!(cn.rmsMs2 > 0)) return;
  const n = out.length;
  // Second-order Butterworth high-pass (Q = 1/sqrt 2), coefficients from R. Bristow-Johnson,
  // "Cookbook formulae for audio EQ biquad filter coefficients".
  const w0 = (2 * Math.PI * Math.min(cn.cutoffHz, 0.45 * rateHz)) / rateHz;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const cw = Math.cos(w0);
  const a0 = 1 + alpha;
  const b0 = (1 + cw) / 2 / a0, b1 = -(1 + cw) / a0, b2 = b0;
  const a1 = (-2 * cw) / a0, a2 = (1 - alpha) / a0;
  const y = new Float64Array(n);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = -FILTER_WARMUP; i < n; i++) {
    const x0 = rng.normal();
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x0; y2 = y1; y1 = y0;
    if (i >= 0) y[i] = y0;
  }
  // The filter's passband gain is not exactly the white input's: scale to the RMS asked for.
  let sumSq = 0;
  for (let i = 0; i < n; i++) sumSq += y[i]! * y[i]!;
  const gain = cn.rmsMs2 / Math.sqrt(sumSq / n || 1);
  for (let i = 0; i < n; i++) out[i]! += gain * y[i]!;
}
