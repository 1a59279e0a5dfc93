// Stacking of the two estimates at first detection: the machine's own fit combined with the P–F
// interval (rul.ts, recalibrated) and the P–F interval alone (pf-interval.ts). Which one is better
// informed depends on the fault: where the gauge already shows the fault at its first alarm (a 1x
// or 2x line that is itself the alarm) its own rise says something of this machine's pace; where it
// is still within its noise (the overall acceleration of a bearing whose spall the envelope found,
// the discharge pressure of a cavitating pump) the fit adds scatter, and how long past cases lasted
// after their first alarm is all that is known. Rather than choose by hand, the two predictive
// distributions are mixed with a weight per fault type fitted on held-out past cases (stacking of
// predictive distributions, Yao, Vehtari, Simpson & Gelman, Bayesian Analysis 13, 2018: the weights
// that optimise a proper score of the mixture on leave-one-out predictions). The score is the CRPS
// (Gneiting & Raftery, JASA 102, 2007) of ln(remaining life): scale-free, as the figure
// (error relative to the true remaining life) is.
import { quantile } from './degradation.ts';

/** The P–F interval's share in the mixture, per fault type and pooled under `any`, with the cases behind it. */
export type StackingWeights = Record<string, { pfWeight: number; cases: number }>;

/** Cases a fault type needs before its own weight is used (else the pooled one). */
export const MIN_STACKING_CASES = 8;
/** Weights tried (a grid: the score is flat near its optimum and a handful of cases cannot tell 0.05 apart). */
const GRID = Array.from({ length: 11 }, (_, i) => i / 10);

/** The weight for a fault type: its own with MIN_STACKING_CASES, else the pooled one; undefined without either. */
export function pfWeightFor(table: StackingWeights | undefined, faultType: string): number | undefined {
  if (!table) return undefined;
  const own = table[faultType];
  const w = own && own.cases >= MIN_STACKING_CASES ? own : table.any;
  return w && Number.isFinite(w.pfWeight) ? Math.min(1, Math.max(0, w.pfWeight)) : undefined;
}

/**
 * CRPS of the empirical distribution of `sortedLn` (ascending) at `y`: E|X − y| − ½ E|X − X'|, the
 * second term from the order statistics (Σ (2i − n + 1) x₍ᵢ₎ / n², i from 0), O(n).
 */
export function crps(sortedLn: number[], y: number): number {
  const n = sortedLn.length;
  if (n === 0) return NaN;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const x = sortedLn[i]!;
    a += Math.abs(x - y);
    b += (2 * i - n + 1) * x;
  }
  return a / n - b / (n * n);
}

/**
 * The mixture (1 − w)·own + w·pf as draws: each part's quantiles at evenly spaced levels, as many
 * as its share of `n` (deterministic: no resampling noise between two calls).
 */
export function mixDraws(own: number[], pf: number[], w: number, n = Math.max(own.length, pf.length)): number[] {
  const k = Math.round(Math.min(1, Math.max(0, w)) * n);
  const a = [...own].sort((x, y) => x - y);
  const b = [...pf].sort((x, y) => x - y);
  const at = (s: number[], m: number) => Array.from({ length: m }, (_, i) => quantile(s, (i + 0.5) / m));
  return [...(k < n ? at(a, n - k) : []), ...(k > 0 ? at(b, k) : [])].sort((x, y) => x - y);
}

/** One held-out case for fitting a weight: both estimates' draws (days) and the true remaining life (days). */
export interface StackingCase {
  own: number[];
  pf: number[];
  truthDays: number;
}

/** ln of positive draws, sorted; draws of 0 (failing now) floored at a minute. */
export const lnSorted = (d: number[]) => d.map((x) => Math.log(Math.max(x, 1 / 1440))).sort((a, b) => a - b);

/** The grid weight whose mixture has the lowest mean CRPS of ln(remaining life) over `cases`; undefined without cases. */
export function fitPfWeight(cases: StackingCase[]): number | undefined {
  const ok = cases.filter((c) => c.truthDays > 0 && c.own.length > 0 && c.pf.length > 0);
  if (ok.length === 0) return undefined;
  let best = { w: 0, score: Infinity };
  for (const w of GRID) {
    const score = ok.reduce((s, c) => s + crps(lnSorted(mixDraws(c.own, c.pf, w, 400)), Math.log(c.truthDays)), 0) / ok.length;
    if (score < best.score - 1e-12) best = { w, score };
  }
  return best.w;
}

/** Weights per fault type (from its own cases) and pooled under `any`. */
export function fitStackingWeights(cases: (StackingCase & { faultType: string })[]): StackingWeights {
  const out: StackingWeights = {};
  for (const f of [...new Set(cases.map((c) => c.faultType))].sort()) {
    const mine = cases.filter((c) => c.faultType === f);
    const w = fitPfWeight(mine);
    if (w !== undefined) out[f] = { pfWeight: w, cases: mine.length };
  }
  const any = fitPfWeight(cases);
  if (any !== undefined) out.any = { pfWeight: any, cases: cases.length };
  return out;
}
