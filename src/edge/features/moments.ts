// Time-domain statistics of a vibration block (ISO 13373-2 condition indicators).

/** Time-domain indicators of a block: RMS, peak, crest factor, kurtosis and skewness. */
export interface Moments {
  mean: number;
  rms: number;
  /** Largest |x − mean|. */
  peak: number;
  /** peak / rms; ≈ 1.41 for a sine, ≈ 3–4 for Gaussian noise, higher for impacts. */
  crest: number;
  /** Fourth standardised moment (not excess): 3 for Gaussian, 1.5 for a sine, > 3 when impulsive. */
  kurtosis: number;
  skewness: number;
}

/** Computes the moments of `x` about its mean; a constant block gives rms 0, kurtosis 0, crest 0. */
export function moments(x: ArrayLike<number>): Moments {
  const n = x.length;
  if (n === 0) return { mean: 0, rms: 0, peak: 0, crest: 0, kurtosis: 0, skewness: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    if (Math.abs(d) > peak) peak = Math.abs(d);
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const rms = Math.sqrt(m2);
  // A block whose variance is at rounding level relative to its mean is constant for our purposes.
  const flat = m2 <= 1e-24 * Math.max(1, mean * mean);
  return {
    mean,
    rms: flat ? 0 : rms,
    peak: flat ? 0 : peak,
    crest: flat ? 0 : peak / rms,
    kurtosis: flat ? 0 : m4 / (m2 * m2),
    skewness: flat ? 0 : m3 / (m2 * rms),
  };
}
