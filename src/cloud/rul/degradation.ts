// Exponential degradation model with a Bayesian update, after Gebraeel et al. (IIE Transactions
// 37, 2005): HI(t) = a + b·exp(c·t), with `a` the healthy level (0 on our HI scale, held fixed as
// their φ) so that L(t) = ln(HI(t) − a) = α + c·t + ε is linear in (α = ln b, c). The prior on the
// rate c comes from the fleet's past curves of the same fault (or a wide default); the intercept α
// has a vague prior, since the time origin is the incident's first detection. Each new reading
// sharpens the posterior (closed-form Gaussian), and the failure time is where HI reaches 1.
import { mulberry32 } from '../../core/prng.ts';

/** Prior on the degradation rate c (per day) and the model's log-domain noise. */
export interface DegradationPrior {
  rateMeanPerDay: number;
  rateSdPerDay: number;
  /** Standard deviation of ε in ln(HI − a) (process scatter beyond measurement noise). */
  logNoiseSd: number;
  /** Where the prior came from, for the explanation. */
  source: 'fleet' | 'default';
  /** Number of fleet curves behind a fleet prior. */
  curves: number;
}

/** One HI reading at `tDays` after the incident's first detection, with its measurement sd (HI units). */
export interface HiPoint {
  tDays: number;
  hi: number;
  sd: number;
}

/** Gaussian posterior over (α, c). */
export interface Posterior {
  mean: [number, number];
  cov: [[number, number], [number, number]];
  points: number;
}

/** Remaining useful life in days from `nowDays`, as quantiles of the predictive distribution. */
export interface RulEstimate {
  medianDays: number;
  p10Days: number;
  p90Days: number;
  /** Probability that the HI reaches 1 within `t` days from now, from the posterior draws. */
  failureProbWithin(tDays: number): number;
  /** Sorted draws of the remaining life (days), capped at the horizon. */
  drawsDays: number[];
}

/** Model options. */
export interface DegradationOptions {
  /** Healthy level a (HI units). */
  offset: number;
  /** Readings closer to `offset` than this are left out: their logarithm is noise. */
  minExcess: number;
  /** Sd of the vague prior on α = ln b. */
  interceptSd: number;
  /** Posterior draws for the failure-time distribution. */
  draws: number;
  /** Remaining life beyond this many days is reported as the horizon (no degradation seen). */
  horizonDays: number;
  seed: number;
}

export const DEFAULT_DEGRADATION: DegradationOptions = { offset: 0, minExcess: 0.02, interceptSd: 5, draws: 4000, horizonDays: 3650, seed: 1 };

/** Fits the posterior of (α, c) to the readings under the prior (Bayesian linear regression). */
export function fitPosterior(points: HiPoint[], prior: DegradationPrior, opts: DegradationOptions = DEFAULT_DEGRADATION): Posterior {
  const usable = points.filter((p) => Number.isFinite(p.hi) && Number.isFinite(p.tDays) && p.hi - opts.offset >= Math.max(opts.minExcess, p.sd));
  // Prior precision (diagonal) and precision-weighted mean; the intercept is centred on the first reading.
  const alpha0 = usable.length ? Math.log(usable[0]!.hi - opts.offset) : 0;
  let p11 = 1 / opts.interceptSd ** 2;
  let p12 = 0;
  let p22 = 1 / Math.max(prior.rateSdPerDay, 1e-9) ** 2;
  let r1 = p11 * alpha0;
  let r2 = p22 * prior.rateMeanPerDay;
  for (const p of usable) {
    const excess = p.hi - opts.offset;
    // Delta method: additive HI noise sd becomes sd/excess in the log domain, plus process noise.
    const w = 1 / (prior.logNoiseSd ** 2 + (p.sd / excess) ** 2);
    const y = Math.log(excess);
    p11 += w;
    p12 += w * p.tDays;
    p22 += w * p.tDays * p.tDays;
    r1 += w * y;
    r2 += w * p.tDays * y;
  }
  const det = p11 * p22 - p12 * p12;
  const cov: [[number, number], [number, number]] = [
    [p22 / det, -p12 / det],
    [-p12 / det, p11 / det],
  ];
  const mean: [number, number] = [cov[0][0] * r1 + cov[0][1] * r2, cov[1][0] * r1 + cov[1][1] * r2];
  return { mean, cov, points: usable.length };
}


/** Quantile of sorted values (linear interpolation). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Remaining life at `nowDays` (days since first detection): draws (α, c) from the posterior and
 * solves a + e^α·e^(c·t) = 1 for t. A draw with c ≤ 0 never fails and counts at the horizon.
 */
export function remainingLife(post: Posterior, nowDays: number, opts: DegradationOptions = DEFAULT_DEGRADATION): RulEstimate {
  const rand = mulberry32(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  // Cholesky of the 2x2 covariance.
  const l11 = Math.sqrt(Math.max(post.cov[0][0], 0));
  const l21 = l11 > 0 ? post.cov[1][0] / l11 : 0;
  const l22 = Math.sqrt(Math.max(post.cov[1][1] - l21 * l21, 0));
  const target = Math.log(Math.max(1 - opts.offset, 1e-9));
  const draws: number[] = [];
  for (let i = 0; i < opts.draws; i++) {
    const z1 = gauss();
    const z2 = gauss();
    const alpha = post.mean[0] + l11 * z1;
    const c = post.mean[1] + l21 * z1 + l22 * z2;
    const tFail = c > 1e-9 ? (target - alpha) / c : Infinity;
    draws.push(Math.min(opts.horizonDays, Math.max(0, tFail - nowDays)));
  }
  draws.sort((x, y) => x - y);
  return {
    medianDays: quantile(draws, 0.5),
    p10Days: quantile(draws, 0.1),
    p90Days: quantile(draws, 0.9),
    failureProbWithin: (tDays) => {
      // Count of draws ≤ tDays by binary search.
      let lo = 0;
      let hi = draws.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (draws[mid]! <= tDays) lo = mid + 1;
        else hi = mid;
      }
      return draws.length ? lo / draws.length : 0;
    },
    drawsDays: draws,
  };
}

/** Least-squares rate of one past curve: slope of ln(HI − a) over days, with its standard error and residual sd. */
function curveRate(points: HiPoint[], opts: DegradationOptions): { rate: number; se: number; residSd: number } | undefined {
  const usable = points.filter((p) => p.hi - opts.offset >= Math.max(opts.minExcess, p.sd));
  if (usable.length < 3) return undefined;
  const t = usable.map((p) => p.tDays);
  const y = usable.map((p) => Math.log(p.hi - opts.offset));
  const n = usable.length;
  const mt = t.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i]! - mt) ** 2;
    sty += (t[i]! - mt) * (y[i]! - my);
  }
  if (stt <= 0) return undefined;
  const rate = sty / stt;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - my - rate * (t[i]! - mt)) ** 2;
  const residSd = Math.sqrt(sse / Math.max(1, n - 2));
  return { rate, se: residSd / Math.sqrt(stt), residSd };
}

/** Floor of the log-domain noise: a curve that fits perfectly still does not predict perfectly. */
const LOG_NOISE_FLOOR = 0.05;

/**
 * The empirical prior from the fleet's past curves of one fault (Gebraeel et al. 2005, sec. 3:
 * the population's parameter distribution is the prior of a new unit): mean and spread of the
 * curves' rates, the spread widened by each fit's own standard error. Undefined with fewer than 2 curves.
 */
export function fleetPrior(curves: HiPoint[][], opts: DegradationOptions = DEFAULT_DEGRADATION): DegradationPrior | undefined {
  const fits = curves.map((c) => curveRate(c, opts)).filter((f): f is NonNullable<typeof f> => f !== undefined && f.rate > 0);
  if (fits.length < 2) return undefined;
  const n = fits.length;
  const mean = fits.reduce((s, f) => s + f.rate, 0) / n;
  const between = fits.reduce((s, f) => s + (f.rate - mean) ** 2, 0) / (n - 1);
  const within = fits.reduce((s, f) => s + f.se ** 2, 0) / n;
  // With few curves the sample spread is itself uncertain: inflate it by (n+1)/n (predictive variance of a new draw).
  const sd = Math.sqrt((between + within) * ((n + 1) / n));
  const logNoiseSd = Math.max(LOG_NOISE_FLOOR, Math.sqrt(fits.reduce((s, f) => s + f.residSd ** 2, 0) / n));
  return { rateMeanPerDay: mean, rateSdPerDay: Math.max(sd, 0.02 * mean), logNoiseSd, source: 'fleet', curves: n };
}
