// Robust z-score of a value against a learned median/MAD baseline, shared by the rules.

/** MAD to standard deviation for normally distributed data. */
const MAD_TO_SIGMA = 1.4826;

/** Robust z-score of `value` against a baseline; 0 when the baseline says nothing. */
export function robustZ(value: number, b: { median: number; mad: number }): number {
  // A MAD of 0 (a constant feature while healthy) would make any change infinite: floor the scale at
  // 5 % of the median so a tiny drift is not a huge deviation.
  const scale = Math.max(Math.abs(b.mad) * MAD_TO_SIGMA, Math.abs(b.median) * 0.05, 1e-9);
  const z = (value - b.median) / scale;
  return Number.isFinite(z) ? z : 0;
}
