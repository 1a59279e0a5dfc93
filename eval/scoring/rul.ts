// Remaining-useful-life error: the cloud's predicted failure time (median of the fitted
// degradation model) against the true scheduled failure, at the first detection of each fault.
// Positive error = predicted too late (optimistic, the dangerous side), as in the PHM08
// challenge's asymmetric score (Saxena et al. 2008), which we report beside the plain errors.

export interface RulSample {
  truthId: string;
  /** Event time of the prediction (the diagnosis' asOfMs or the alarm), epoch ms. */
  atMs: number;
  predictedFailureMs: number;
  trueFailureMs: number;
}

export interface RulReport {
  n: number;
  /** Predicted minus true failure, hours, per sample. */
  errorsHours: number[];
  meanAbsErrorHours: number | null;
  medianErrorHours: number | null;
  /** Mean |error| as a share of the true remaining life at prediction time. */
  meanRelativeError: number | null;
  /** Median |error| as a share of the true remaining life (the target: within 20 % at first detection). */
  medianRelativeError?: number | null;
  /** PHM08 score Σ (exp(−d/13) − 1) early, (exp(d/10) − 1) late, with d in hours (the challenge used cycles); lower is better. */
  phm08Score: number | null;
}

const HOUR_MS = 3_600_000;

const medianOf = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Scores RUL predictions against the truth. */
export function scoreRul(samples: readonly RulSample[]): RulReport {
  if (samples.length === 0) return { n: 0, errorsHours: [], meanAbsErrorHours: null, medianErrorHours: null, meanRelativeError: null, phm08Score: null };
  const errs = samples.map((s) => (s.predictedFailureMs - s.trueFailureMs) / HOUR_MS);
  const rel = samples.filter((s) => s.trueFailureMs > s.atMs).map((s) => Math.abs(s.predictedFailureMs - s.trueFailureMs) / (s.trueFailureMs - s.atMs));
  const sorted = [...errs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return {
    n: samples.length,
    errorsHours: errs,
    meanAbsErrorHours: errs.reduce((s, e) => s + Math.abs(e), 0) / errs.length,
    medianErrorHours: sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2,
    meanRelativeError: rel.length ? rel.reduce((s, e) => s + e, 0) / rel.length : null,
    medianRelativeError: rel.length ? medianOf(rel) : null,
    phm08Score: errs.reduce((s, d) => s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1), 0),
  };
}
