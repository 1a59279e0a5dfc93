// Remaining-useful-life error: the cloud's predicted failure time (median of the fitted
// degradation model) against the true scheduled failure, at the first detection of each fault.
// Positive error = predicted too late (optimistic, the dangerous side), as in the PHM08
// challenge's asymmetric score (Saxena et al. 2008), which we report beside the plain errors.
// The truth is the simulator's scheduled failure (severity 1 on the fault's path): the time the
// machine would have failed unrepaired, so a fault repaired in time, or scheduled to fail after the
// run ends, is scored against it all the same; a sample detected at or after its failure has no
// remaining life to be relative to and is left out of the relative errors.

export interface RulSample {
  truthId: string;
  /** Event time of the prediction (the diagnosis' asOfMs or the alarm), epoch ms. */
  atMs: number;
  predictedFailureMs: number;
  trueFailureMs: number;
  /** The prediction's 10-90 % interval of the failure time, epoch ms, when it has one. */
  predictedP10Ms?: number;
  predictedP90Ms?: number;
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
  /** |error| as a share of the true remaining life, per sample detected before its failure (to pool runs). */
  relativeErrors?: number[];
  /**
   * Share of true failure times inside the predicted 10-90 % interval, over the samples that carry
   * one (null without): 0.8 for a calibrated interval, below it an overconfident one.
   */
  intervalCoverage?: number | null;
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
  const withInterval = samples.filter((s) => s.predictedP10Ms !== undefined && s.predictedP90Ms !== undefined);
  const sorted = [...errs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return {
    n: samples.length,
    errorsHours: errs,
    meanAbsErrorHours: errs.reduce((s, e) => s + Math.abs(e), 0) / errs.length,
    medianErrorHours: sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2,
    meanRelativeError: rel.length ? rel.reduce((s, e) => s + e, 0) / rel.length : null,
    medianRelativeError: rel.length ? medianOf(rel) : null,
    relativeErrors: rel,
    intervalCoverage: withInterval.length ? withInterval.filter((s) => s.predictedP10Ms! <= s.trueFailureMs && s.trueFailureMs <= s.predictedP90Ms!).length / withInterval.length : null,
    phm08Score: errs.reduce((s, d) => s + (d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1), 0),
  };
}
