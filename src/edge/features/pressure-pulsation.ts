// Pressure pulsation of a pump within one window: the ripple of the discharge pressure about its
// mean. A cavitating pump's vapour cavities grow and collapse, so the pressure pulsates (at low
// frequency, from cavity surge, and at blade pass and above) well before the head visibly drops
// (McKee, Forbes, Mazhar, Entwistle & Howard, "A review of major centrifugal pump failure modes
// with application to the water supply and sewerage industries", 2011; Brennen, Hydrodynamics of
// Pumps, 1994, ch. 6 on cavitation surge). It needs a pressure channel sampled as a waveform: a
// 1 Hz scalar (one value per window) holds no ripple, and then nothing is computed.
import type { Evidence } from '../../core/index.ts';

/** Fewest samples whose RMS ripple we trust (relative standard error of an RMS ≈ 1/√(2n): 9 % at 64). */
export const MIN_PULSATION_SAMPLES = 64;

/**
 * Ripple RMS about the mean as a fraction of the mean (linear trend removed, so a slow drift of
 * the duty point within the window is not pulsation); undefined for too few samples, a
 * non-positive mean (gauge pressure near zero has no meaningful fraction) or non-finite values.
 */
export function pressurePulsation(values: ArrayLike<number>, rateHz: number): Evidence['pressurePulsation'] {
  const n = values.length;
  if (n < MIN_PULSATION_SAMPLES || !(rateHz > 0)) return undefined;
  // Least-squares line over sample index: mean and slope.
  let sy = 0, sxy = 0;
  const mx = (n - 1) / 2;
  for (let i = 0; i < n; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) return undefined;
    sy += y;
    sxy += (i - mx) * y;
  }
  const mean = sy / n;
  if (!(mean > 0)) return undefined;
  const sxx = (n * (n * n - 1)) / 12;
  const slope = sxy / sxx;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const r = values[i]! - mean - slope * (i - mx);
    ss += r * r;
  }
  return { rippleFrac: Math.sqrt(ss / n) / mean, rateHz, samples: n };
}
