// How a fault grows from onset to failure.
//
// Severity follows an exponential degradation path, slow at first and accelerating towards the
// end, the shape of Gebraeel, Lawley, Li & Ryan, "Residual-life distributions from component
// degradation signals: a Bayesian approach", IIE Transactions 37(6), 2005 (S(t) = theta + beta
// exp(alpha t + eps)). Normalised so severity is 0 at onset and exactly 1 at the failure time.

import type { FaultType } from '../core/index.ts';
import type { Rng } from './rng.ts';
import { toolWearShape } from './tool-wear.ts';

/** Growth rate of the normalised curve; exp(4) means the last tenth of life adds ~1/3 of the damage. */
export const DEFAULT_GROWTH = 4;

/** Severity in [0, 1] at `tMs`: 0 before onset, (e^(b u) - 1)/(e^b - 1) with u the fraction of life used, 1 at failure. */
export function severityAt(tMs: number, onsetMs: number, failureMs: number, growth = DEFAULT_GROWTH): number {
  if (tMs <= onsetMs) return 0;
  if (tMs >= failureMs) return 1;
  const u = (tMs - onsetMs) / (failureMs - onsetMs);
  return Math.expm1(growth * u) / Math.expm1(growth);
}

/**
 * Severity of fault `kind` at `tMs`: the exponential path for damage that feeds on itself
 * (spalls, cracks, wear debris), the three-stage flank-wear curve for tool wear (tool-wear.ts).
 */
export function faultSeverityAt(kind: FaultType, tMs: number, onsetMs: number, failureMs: number, growth = DEFAULT_GROWTH): number {
  if (kind !== 'tool-wear') return severityAt(tMs, onsetMs, failureMs, growth);
  if (tMs <= onsetMs) return 0;
  return toolWearShape((tMs - onsetMs) / (failureMs - onsetMs), growth);
}

/**
 * Growth rate of one fault injection, drawn from `rng`: lognormal around DEFAULT_GROWTH. Crack and
 * spall growth follow Paris' law da/dN = C (dK)^m, whose C scatters by a factor of several between
 * nominally equal parts (Virkler, Hillberry & Goel, "The statistical nature of fatigue crack
 * propagation", J. Eng. Mater. Technol. 101, 1979): the same onset and failure time can be reached
 * on paths of quite different shape. Clipped to [2, 7] so every path stays slow-then-fast.
 */
export function drawGrowth(rng: Rng): number {
  return Math.min(7, Math.max(2, DEFAULT_GROWTH * Math.exp(0.2 * rng.normal())));
}

/**
 * Fraction of life (0 … 1) at which fault `kind` reaches severity `s` on its path: the inverse of
 * faultSeverityAt, for ground truth (when a fault becomes detectable). Closed form for the
 * exponential path, bisection for the three-stage tool-wear curve (monotone).
 */
export function lifeFractionAtSeverity(kind: FaultType, s: number, growth = DEFAULT_GROWTH): number {
  const target = Math.max(0, Math.min(1, s));
  if (kind !== 'tool-wear') return growth === 0 ? target : Math.log1p(target * Math.expm1(growth)) / growth;
  let lo = 0, hi = 1;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (toolWearShape(mid, growth) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
