// Exponential degradation model after Gebraeel et al. (IIE Transactions 37, 2005): HI(t) = a + b·e^(c·t)
// with `a` the healthy level (0 on our HI scale, held fixed as their φ), so that
// L(t) = ln(HI(t) − a) = α + c·t + ε is linear in (α = ln b, c). The intercept has a flat prior and is
// integrated out in closed form; the rate c gets a log-normal prior (a rate is a scale: a guessed
// P–F interval is off by factors, not by days) and its posterior is evaluated on a grid in ln c, so
// a weak prior stays weak however far the machine's own trend lies from it. The failure time is
// where HI reaches 1.
import { mulberry32 } from '../../core/prng.ts';

/** Prior on the degradation rate c (per day, log-normal) and the model's log-domain noise. */
export interface DegradationPrior {
  /** Median of the prior rate, per day. */
  rateMedianPerDay: number;
  /** Standard deviation of ln(rate): 0.7 ≈ "within a factor of 2", 2.3 ≈ "within a factor of 10". */
  lnRateSd: number;
  /** Standard deviation of ε in ln(HI − a) (process scatter beyond measurement noise). */
  logNoiseSd: number;
  /** Where the prior came from, for the explanation. */
  source: 'fleet' | 'default';
  /** Number of fleet curves behind a fleet prior. */
  curves: number;
}

/** One HI reading at `tDays` (any origin, the same for all readings of a fit), with its measurement sd (HI units). */
export interface HiPoint {
  tDays: number;
  hi: number;
  sd: number;
}

/** Posterior over (α, c): a grid over ln c with α | c Gaussian. */
export interface Posterior {
  /** Grid of ln(rate per day) and the posterior probability of each cell (sums to 1). */
  lnRate: Float64Array;
  prob: Float64Array;
  /** α | c ~ N(alphaAt0 − c·tBar, alphaSd²) (tBar: the readings' weighted mean time). */
  alphaAt0: number;
  tBar: number;
  alphaSd: number;
  /** Readings used (after the near-healthy ones and outliers are left out). */
  points: number;
  /** The data's own rate (weighted least squares, per day) and its standard error, when two or more readings span time. */
  dataRate?: { ratePerDay: number; sePerDay: number };
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
  /** ...and readings within this many of their own sd of it (a reading near the noise is biased upwards by selection). */
  minExcessSd: number;
  /** Posterior draws for the failure-time distribution. */
  draws: number;
  /** Remaining life beyond this many days is reported as the horizon (no degradation seen). */
  horizonDays: number;
  seed: number;
}

export const DEFAULT_DEGRADATION: DegradationOptions = { offset: 0, minExcess: 0.02, minExcessSd: 3, draws: 4000, horizonDays: 3650, seed: 1 };

/** Grid over ln(rate per day): 1e-5 to 1e4 per day (P–F from centuries to minutes), 0.5 % steps. */
const LN_RATE_MIN = Math.log(1e-5);
const LN_RATE_MAX = Math.log(1e4);
const GRID = 4000;

/** Readings far enough above healthy for their logarithm to mean something. */
export function usableReadings(points: HiPoint[], opts: DegradationOptions = DEFAULT_DEGRADATION): HiPoint[] {
  return points.filter((p) => Number.isFinite(p.hi) && Number.isFinite(p.tDays) && p.hi - opts.offset >= Math.max(opts.minExcess, opts.minExcessSd * p.sd));
}

/** Median of a copy (NaN for none). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Theil–Sen line through (t, y) (Sen, JASA 63, 1968: the median of pairwise slopes, 29 % breakdown)
 * with the robust scale of its residuals (1.4826 MAD). Undefined below 3 points or without a time span.
 */
export function theilSen(t: number[], y: number[]): { slope: number; intercept: number; residSd: number } | undefined {
  const n = t.length;
  if (n < 3) return undefined;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (t[j] !== t[i]) slopes.push((y[j]! - y[i]!) / (t[j]! - t[i]!));
  if (slopes.length === 0) return undefined;
  const slope = median(slopes);
  const intercept = median(y.map((v, i) => v - slope * t[i]!));
  const resid = y.map((v, i) => v - intercept - slope * t[i]!);
  return { slope, intercept, residSd: 1.4826 * median(resid.map(Math.abs)) };
}

/** Residual sd of the least-squares line through (t, y), unbiased (n − 2). */
function lineResidSd(t: number[], y: number[]): number {
  const n = t.length;
  const mt = t.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  const stt = t.reduce((a, v) => a + (v - mt) ** 2, 0);
  const b1 = stt > 0 ? t.reduce((a, v, i) => a + (v - mt) * (y[i]! - my), 0) / stt : 0;
  return Math.sqrt(y.reduce((a, v, i) => a + (v - my - b1 * (t[i]! - mt)) ** 2, 0) / Math.max(1, n - 2));
}

/** A residual beyond this many robust sd of the Theil–Sen line is an outlier (a spike, a bad window). */
const OUTLIER_SD = 3.5;
/** Readings needed before the data's own scatter replaces the prior's process noise. */
const MIN_FOR_OWN_NOISE = 6;

/** ln of the log-normal density up to a constant. */
const lnNormal = (x: number, mu: number, sd: number) => -0.5 * ((x - mu) / sd) ** 2;

/**
 * Fits the posterior of (α, c) to the readings under the prior: readings near healthy are left
 * out, outliers of a robust (Theil–Sen) line through ln HI are dropped, and the rest weigh in by
 * their log-domain precision 1/((sd/HI)² + τ²), τ the process noise (from the readings' own scatter
 * when there are enough of them, else the prior's).
 */
export function fitPosterior(points: HiPoint[], prior: DegradationPrior, opts: DegradationOptions = DEFAULT_DEGRADATION): Posterior {
  let usable = usableReadings(points, opts);
  const t = usable.map((p) => p.tDays);
  const y = usable.map((p) => Math.log(p.hi - opts.offset));
  let tau = prior.logNoiseSd;
  const ts = theilSen(t, y);
  if (ts && usable.length >= 5) {
    const scale = Math.max(ts.residSd, 0.02);
    const keep = y.map((v, i) => Math.abs(v - ts.intercept - ts.slope * t[i]!) <= OUTLIER_SD * scale);
    usable = usable.filter((_, i) => keep[i]);
    if (usable.length >= MIN_FOR_OWN_NOISE) {
      // The scatter of the kept readings about their least-squares line, less what their own sd explains.
      const s2 = lineResidSd(usable.map((p) => p.tDays), usable.map((p) => Math.log(p.hi - opts.offset))) ** 2;
      const meas = median(usable.map((p) => (p.sd / (p.hi - opts.offset)) ** 2));
      tau = Math.max(0.02, Math.sqrt(Math.max(0, s2 - meas)));
    }
  }
  // Weighted sums for the intercept-marginalised likelihood of c: exp(−½(Stt c² − 2 Sty c)).
  let W = 0, St = 0, Sy = 0;
  const w = usable.map((p) => 1 / (tau ** 2 + (p.sd / (p.hi - opts.offset)) ** 2));
  const ys = usable.map((p) => Math.log(p.hi - opts.offset));
  usable.forEach((p, i) => {
    W += w[i]!;
    St += w[i]! * p.tDays;
    Sy += w[i]! * ys[i]!;
  });
  const tBar = W > 0 ? St / W : 0;
  const yBar = W > 0 ? Sy / W : 0;
  let Stt = 0, Sty = 0;
  usable.forEach((p, i) => {
    Stt += w[i]! * (p.tDays - tBar) ** 2;
    Sty += w[i]! * (p.tDays - tBar) * (ys[i]! - yBar);
  });
  const lnRate = new Float64Array(GRID);
  const prob = new Float64Array(GRID);
  const mu = Math.log(prior.rateMedianPerDay);
  const sdPrior = Math.max(prior.lnRateSd, 1e-3);
  let maxLog = -Infinity;
  for (let k = 0; k < GRID; k++) {
    const l = LN_RATE_MIN + ((k + 0.5) * (LN_RATE_MAX - LN_RATE_MIN)) / GRID;
    const c = Math.exp(l);
    lnRate[k] = l;
    prob[k] = lnNormal(l, mu, sdPrior) - 0.5 * (Stt * c * c - 2 * Sty * c);
    if (prob[k]! > maxLog) maxLog = prob[k]!;
  }
  let total = 0;
  for (let k = 0; k < GRID; k++) total += prob[k] = Math.exp(prob[k]! - maxLog);
  for (let k = 0; k < GRID; k++) prob[k]! /= total;
  const dataRate = Stt > 0 ? { ratePerDay: Sty / Stt, sePerDay: 1 / Math.sqrt(Stt) } : undefined;
  return { lnRate, prob, alphaAt0: yBar, tBar, alphaSd: W > 0 ? 1 / Math.sqrt(W) : Infinity, points: usable.length, ...(dataRate ? { dataRate } : {}) };
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
 * Remaining life at `nowDays` (same time origin as the readings): draws c from the grid posterior
 * and α | c, and solves a + e^α·e^(c·t) = 1 for t.
 */
export function remainingLife(post: Posterior, nowDays: number, opts: DegradationOptions = DEFAULT_DEGRADATION): RulEstimate {
  const rand = mulberry32(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = cellSampler(post.prob, rand);
  const cell = (LN_RATE_MAX - LN_RATE_MIN) / post.prob.length;
  const target = Math.log(Math.max(1 - opts.offset, 1e-9));
  const draws: number[] = [];
  for (let i = 0; i < opts.draws; i++) {
    const lo = pick();
    const c = Math.exp(post.lnRate[lo]! + (rand() - 0.5) * cell);
    const alpha = post.alphaAt0 - c * post.tBar + post.alphaSd * gauss();
    const tFail = (target - alpha) / c;
    draws.push(Math.min(opts.horizonDays, Math.max(0, tFail - nowDays)));
  }
  return estimateFromDraws(draws);
}

/** Draws a cell index with probability proportional to its weight (inverse CDF by bisection; one `rand()` a draw). */
export function cellSampler(weights: ArrayLike<number>, rand: () => number): () => number {
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  for (let k = 0; k < cdf.length; k++) cdf[k] = acc += weights[k]!;
  return () => {
    const u = rand() * acc;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** The RUL summary of Monte-Carlo draws of the remaining life (days): quantiles and the failure probability within t. */
export function estimateFromDraws(draws: number[]): RulEstimate {
  draws.sort((x, y) => x - y);
  return {
    medianDays: quantile(draws, 0.5),
    p10Days: quantile(draws, 0.1),
    p90Days: quantile(draws, 0.9),
    failureProbWithin: (tDays) => {
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

/** Floor of the log-domain noise: a curve that fits perfectly still does not predict perfectly. */
const LOG_NOISE_FLOOR = 0.05;
/** Floor of a fleet prior's ln-rate spread: a handful of similar curves does not pin the next one. */
const LN_RATE_SD_FLOOR = 0.1;

/**
 * The empirical prior from the fleet's past curves of one fault (Gebraeel et al. 2005, sec. 3: the
 * population's parameter distribution is the prior of a new unit): mean and spread of the curves'
 * ln(rate), the spread widened by each fit's own standard error. Undefined with fewer than 2 curves.
 */
export function fleetPrior(curves: HiPoint[][], opts: DegradationOptions = DEFAULT_DEGRADATION): DegradationPrior | undefined {
  const fits = curves
    .map((c) => {
      const u = usableReadings(c, opts);
      const ts = theilSen(u.map((p) => p.tDays), u.map((p) => Math.log(p.hi - opts.offset)));
      if (!ts || !(ts.slope > 0)) return undefined;
      const t = u.map((p) => p.tDays);
      const mt = t.reduce((s, v) => s + v, 0) / t.length;
      const stt = t.reduce((s, v) => s + (v - mt) ** 2, 0);
      const residSd = lineResidSd(t, u.map((p) => Math.log(p.hi - opts.offset)));
      return { lnRate: Math.log(ts.slope), lnSe: residSd / Math.sqrt(stt) / ts.slope, residSd };
    })
    .filter((f): f is NonNullable<typeof f> => f !== undefined && Number.isFinite(f.lnSe));
  if (fits.length < 2) return undefined;
  const n = fits.length;
  const mean = fits.reduce((s, f) => s + f.lnRate, 0) / n;
  const between = fits.reduce((s, f) => s + (f.lnRate - mean) ** 2, 0) / (n - 1);
  const within = fits.reduce((s, f) => s + f.lnSe ** 2, 0) / n;
  // With few curves the sample spread is itself uncertain: inflate it by (n+1)/n (predictive variance of a new draw).
  const lnRateSd = Math.max(LN_RATE_SD_FLOOR, Math.sqrt((between + within) * ((n + 1) / n)));
  const logNoiseSd = Math.max(LOG_NOISE_FLOOR, Math.sqrt(fits.reduce((s, f) => s + f.residSd ** 2, 0) / n));
  return { rateMedianPerDay: Math.exp(mean), lnRateSd, logNoiseSd, source: 'fleet', curves: n };
}
