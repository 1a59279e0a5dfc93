// How a fault grows from onset to failure.
//
// Severity follows an exponential degradation path, slow at first and accelerating towards the
// end, the shape of Gebraeel, Lawley, Li & Ryan, "Residual-life distributions from component
// degradation signals: a Bayesian approach", IIE Transactions 37(6), 2005 (S(t) = theta + beta
// exp(alpha t + eps)). Normalised so severity is 0 at onset and exactly 1 at the failure time.

/** Growth rate of the normalised curve; exp(4) means the last tenth of life adds ~1/3 of the damage. */
export const DEFAULT_GROWTH = 4;

/** Severity in [0, 1] at `tMs`: 0 before onset, (e^(b u) - 1)/(e^b - 1) with u the fraction of life used, 1 at failure. */
export function severityAt(tMs: number, onsetMs: number, failureMs: number, growth = DEFAULT_GROWTH): number {
  if (tMs <= onsetMs) return 0;
  if (tMs >= failureMs) return 1;
  const u = (tMs - onsetMs) / (failureMs - onsetMs);
  return Math.expm1(growth * u) / Math.expm1(growth);
}
