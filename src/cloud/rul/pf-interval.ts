// The P–F interval of a failure mode as the fleet's detector sees it: the time from the first alarm
// (the potential failure P, the moment the fault became detectable to this detector) to functional
// failure F, per fault type and machine type (Moubray, Reliability-Centred Maintenance, 2nd ed.,
// 1997, ch. 7: the P–F interval belongs to one failure mode and one way of detecting it, and it
// scatters between units). At first detection the gauge seldom shows the fault yet (its readings
// are within noise on most of the tuning cases: a spall is found by its envelope line long before
// the overall level moves, and on a gearbox the mesh masks the overall acceleration altogether):
// the onset fit then places the machine on its curve from the rate prior alone and can be far off.
// How long past cases of the same fault on the same machine type lasted after their first alarm
// is then the better-informed part: the two are combined, the estimate's draws weighted by the
// interval's density (a product of the two distributions, as a Bayesian update of the fit's
// posterior with the P–F prior; the recalibration measured on held-out cases, onset-prior.ts,
// absorbs what the product counts twice).
import { mulberry32, normalDraws } from '../../core/prng.ts';
import { estimateFromDraws, type RulEstimate } from './degradation.ts';

/** Lognormal P–F interval (days from the first alarm to failure) of one fault on one machine type, or pooled over types. */
export interface PfInterval {
  lnDaysMean: number;
  lnDaysSd: number;
  cases: number;
}

/** Cases a key needs before its own interval is used (else the fault's pooled one). */
export const MIN_PF_CASES = 4;
/**
 * Floor of the interval's ln-spread: even a detector that fires at one severity every time meets
 * lives that differ between units (ln-spread ~0.2 for a factor 2 between the shortest and longest).
 */
const LN_SD_FLOOR = 0.2;

/** The key of a fault on a machine type in the shipped file ("bearing-outer-race|gearbox"). */
export const pfKey = (faultType: string, machineType: string): string => `${faultType}|${machineType}`;

/**
 * A lognormal fitted to past P–F intervals (days, > 0): mean and sd of their logarithms, the sd
 * inflated by √((n+1)/n) for the spread of a new case around a mean estimated from n.
 * Undefined with fewer than 2 positive intervals.
 */
export function pfIntervalFrom(days: number[]): PfInterval | undefined {
  const ln = days.filter((d) => Number.isFinite(d) && d > 0).map(Math.log);
  const n = ln.length;
  if (n < 2) return undefined;
  const mean = ln.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(ln.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { lnDaysMean: mean, lnDaysSd: Math.max(LN_SD_FLOOR, sd * Math.sqrt((n + 1) / n)), cases: n };
}

/** The interval of a fault on a machine type from a table of them: its own with MIN_PF_CASES, else the fault's pooled one. */
export function pfIntervalFor(table: Record<string, PfInterval> | undefined, faultType: string, machineType: string | undefined): PfInterval | undefined {
  if (!table) return undefined;
  const own = machineType === undefined ? undefined : table[pfKey(faultType, machineType)];
  const p = own && own.cases >= MIN_PF_CASES ? own : table[faultType];
  return p && Number.isFinite(p.lnDaysMean) && p.lnDaysSd > 0 && p.cases >= 2 ? p : undefined;
}

/**
 * Remaining life from the P–F interval alone (lognormal draws, deterministic for `seed`): the
 * estimate at first detection of a staged gauge (HealthSpec.staged), where the machine's own rise
 * says nothing of its life. The interval's sd is already predictive (pfIntervalFrom).
 */
export function pfRemainingLife(pf: PfInterval, opts: { draws: number; horizonDays: number; seed: number }): RulEstimate {
  const gauss = normalDraws(opts.seed);
  const draws: number[] = [];
  for (let i = 0; i < opts.draws; i++) draws.push(Math.min(opts.horizonDays, Math.exp(pf.lnDaysMean + pf.lnDaysSd * gauss())));
  return estimateFromDraws(draws);
}

/**
 * The estimate's remaining-life draws weighted by the P–F interval's density in ln(days) (log-domain
 * weights, so far tails do not underflow) and resampled systematically to as many draws
 * (deterministic for `seed`). Draws of 0 (failing now) carry no density and drop out; if none
 * carry any the estimate is returned unchanged.
 */
export function withPfInterval(estimate: RulEstimate, pf: PfInterval, seed = 1): RulEstimate {
  const d = estimate.drawsDays;
  // The product is taken in ln(days), where both are (near) normal: the weight is the interval's
  // normal density of ln d, without the lognormal's 1/d, which would pull every estimate earlier
  // even under an interval too wide to say anything (the estimate's draws already carry its own
  // density in d).
  const logW = d.map((x) => (x > 0 ? -0.5 * ((Math.log(x) - pf.lnDaysMean) / pf.lnDaysSd) ** 2 : -Infinity));
  const max = Math.max(...logW);
  if (!Number.isFinite(max)) return estimate;
  const w = logW.map((l) => Math.exp(l - max));
  const total = w.reduce((a, b) => a + b, 0);
  const n = d.length;
  const out: number[] = [];
  const u = mulberry32(seed)();
  let acc = w[0]! / total;
  let i = 0;
  for (let k = 0; k < n; k++) {
    const pos = (k + u) / n;
    while (acc < pos && i < n - 1) acc += w[++i]! / total;
    out.push(d[i]!);
  }
  return estimateFromDraws(out);
}
