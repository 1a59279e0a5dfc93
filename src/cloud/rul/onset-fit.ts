// Exponential degradation from an onset, fitted to a machine's own history of its health indicator:
// HI(t) = 0 before the onset t₀ and A·(e^(c·(t − t₀)) − 1) after it, the shape of Gebraeel et al.
// (IIE Transactions 37, 2005) with the healthy level as part of the curve rather than subtracted
// first. Fitting ln(HI) with a fixed healthy level reads the early, nearly linear part of
// e^(ct) − 1 as a fast exponential (its log-slope is 1/t there) and overstates the rate; this model
// uses every reading, the flat healthy ones too (they place the onset), on the HI scale where
// their noise is additive, so no reading near noise is selected away (which biases upwards).
// A has a flat prior and is integrated out in closed form; (c, φ) are on a grid, c under the given
// rate prior (estimateRul gives it the fleet's curves' or the shipped one, onset-prior.ts, else a
// scale-free one), the onset as φ = e^(−c(tRef − t₀)) uniform on (0, 1). Whatever the model, a
// reading near noise limits it: with the HI at detection ~0.1 and its noise 0.01 the median error
// of the remaining life is ~0.6 under a scale-free rate even for the true curve family; a prior
// from past curves brings it to ~0.2 (onset-prior.test.ts).
import { mulberry32 } from '../../core/prng.ts';
import { cellSampler, estimateFromDraws, theilSen, type DegradationPrior, type HiPoint, type RulEstimate } from './degradation.ts';

/** Options of the onset fit. */
export interface OnsetFitOptions {
  /** Grid cells in ln c (rate per day, 1e-3..1e4) and in the onset φ. */
  rateCells: number;
  onsetCells: number;
  draws: number;
  horizonDays: number;
  seed: number;
}

export const DEFAULT_ONSET_FIT: OnsetFitOptions = { rateCells: 160, onsetCells: 120, draws: 4000, horizonDays: 3650, seed: 1 };

/** Readings a history needs before the onset model is fitted (flat part and rise both seen). */
export const MIN_ONSET_READINGS = 8;

/** Readings after the onset needed by a cell of the grid. */
const MIN_RISE_READINGS = 3;
const LN_C_MIN = Math.log(1e-3);
const LN_C_MAX = Math.log(1e4);
/** Standardised residual beyond which a reading is an outlier (a spike, a bad window). */
const OUTLIER_Z = 4;

/** Posterior of the onset model on its grid. */
export interface OnsetPosterior {
  /** Per cell: ln c, onset φ = e^(−c(tRef − t₀)), the curve's level at tRef (conditional mean and sd), probability (sums to 1). */
  cells: { lnC: number; phi: number; aMean: number; aSd: number; p: number }[];
  /** Time of the last reading (days): the curve is A there, A·(e^(c(t−tRef)) − φ)/(1 − φ) after the onset, 0 before. */
  tRef: number;
  points: number;
  /** Posterior median rate per day (for the explanation). */
  rateMedianPerDay: number;
}

const tMaxOf = (points: HiPoint[]) => points[points.length - 1]!.tDays;

/** The curve of one cell at time t (days): A·(e^(c(t−tRef)) − φ)/(1 − φ) after the onset, 0 before. */
function levelAt(cell: { lnC: number; phi: number; aMean: number }, tRef: number, t: number): number {
  const e = Math.exp(Math.exp(cell.lnC) * (t - tRef));
  return e <= cell.phi ? 0 : (cell.aMean * (e - cell.phi)) / (1 - cell.phi);
}

/**
 * When a curve at level `a` at tRef reaches 1: t = tRef + ln(φ + (1 − φ)/a)/c, the closed form of
 * a·(e^(c(t−tRef)) − φ)/(1 − φ) = 1.
 */
export function failureTime(lnC: number, phi: number, a: number, tRef: number): number {
  return tRef + Math.log(phi + (1 - phi) / a) / Math.exp(lnC);
}

/** Variance of one reading: its measurement sd and a process scatter proportional to its level. */
const varianceOf = (p: HiPoint, tau: number) => p.sd * p.sd + (tau * Math.max(0, p.hi)) ** 2;

function gridFit(points: HiPoint[], prior: DegradationPrior, opts: OnsetFitOptions): OnsetPosterior['cells'] {
  const tRef = tMaxOf(points);
  const w = points.map((p) => 1 / varianceOf(p, prior.logNoiseSd));
  let syy = 0;
  points.forEach((p, i) => (syy += w[i]! * p.hi * p.hi));
  const mu = Math.log(prior.rateMedianPerDay);
  const sdPrior = Math.max(prior.lnRateSd, 1e-3);
  const cells: OnsetPosterior['cells'] = [];
  let maxLog = -Infinity;
  const logs: number[] = [];
  for (let i = 0; i < opts.rateCells; i++) {
    const lnC = LN_C_MIN + ((i + 0.5) * (LN_C_MAX - LN_C_MIN)) / opts.rateCells;
    const c = Math.exp(lnC);
    // The onset as φ = e^(−c(tRef − t₀)), uniform on (0, 1): φ → 1 an onset at the last reading,
    // φ → 0 an onset long before the history (the plain exponential a·e^(ct) with a = 0).
    for (let j = 0; j < opts.onsetCells; j++) {
      const phi = (j + 0.5) / opts.onsetCells;
      const t0 = tRef + Math.log(phi) / c;
      // The curve scaled to 1 at the last reading, (e^(c(t−tRef)) − φ)/(1 − φ), so that its amplitude
      // (the HI there) means the same in every cell and its flat prior favours no rate.
      let sxx = 0, sxy = 0, after = 0;
      for (let k = 0; k < points.length; k++) {
        const t = points[k]!.tDays;
        if (t <= t0) continue;
        after++;
        const x = (Math.exp(c * (t - tRef)) - phi) / (1 - phi);
        sxx += w[k]! * x * x;
        sxy += w[k]! * x * points[k]!.hi;
      }
      // An onset needs a rise seen in several readings: one past the last-but-one reading fits any
      // spike at the end, and at a fast rate nearly every φ puts the onset there.
      if (after < MIN_RISE_READINGS || !(sxx > 0) || !(sxy > 0) || !Number.isFinite(sxx)) continue;
      // ∫ exp(−½ Σw(y − A x)²) dA = exp(−½(Syy − Sxy²/Sxx)) · √(2π/Sxx).
      const log = -0.5 * (syy - (sxy * sxy) / sxx) - 0.5 * Math.log(sxx) - 0.5 * ((lnC - mu) / sdPrior) ** 2;
      cells.push({ lnC, phi, aMean: sxy / sxx, aSd: 1 / Math.sqrt(sxx), p: 0 });
      logs.push(log);
      if (log > maxLog) maxLog = log;
    }
  }
  let total = 0;
  cells.forEach((cell, i) => (total += cell.p = Math.exp(logs[i]! - maxLog)));
  for (const cell of cells) cell.p /= total;
  return cells;
}

/**
 * Fits the onset model to readings (any time origin; sorted or not) under the rate prior; one pass
 * drops readings whose residual about the posterior-mean curve is an outlier. Undefined with fewer
 * than MIN_ONSET_READINGS readings or when no curve rising towards failure fits.
 */
export function fitOnset(readings: HiPoint[], prior: DegradationPrior, opts: OnsetFitOptions = DEFAULT_ONSET_FIT): OnsetPosterior | undefined {
  let points = readings.filter((p) => Number.isFinite(p.hi) && Number.isFinite(p.tDays) && p.sd > 0).sort((a, b) => a.tDays - b.tDays);
  if (points.length < MIN_ONSET_READINGS) return undefined;
  let cells = gridFit(points, prior, opts);
  if (cells.length === 0) return undefined;
  const best = cells.reduce((a, b) => (b.p > a.p ? b : a));
  const curve = (t: number) => levelAt(best, tMaxOf(points), t);
  const kept = points.filter((p) => Math.abs(p.hi - curve(p.tDays)) / Math.sqrt(varianceOf(p, prior.logNoiseSd)) <= OUTLIER_Z);
  if (kept.length < points.length && kept.length >= MIN_ONSET_READINGS) {
    points = kept;
    cells = gridFit(points, prior, opts);
    if (cells.length === 0) return undefined;
  }
  const byRate = [...cells].sort((a, b) => a.lnC - b.lnC);
  let acc = 0;
  const med = byRate.find((c) => (acc += c.p) >= 0.5) ?? byRate[byRate.length - 1]!;
  return { cells, points: points.length, rateMedianPerDay: Math.exp(med.lnC), tRef: tMaxOf(points) };
}

/** Remaining life at `nowDays`: draws (c, t₀) from the grid and the level A | (c, t₀) (kept positive), and solves curve(t) = 1. */
export function onsetRemainingLife(post: OnsetPosterior, nowDays: number, opts: OnsetFitOptions = DEFAULT_ONSET_FIT): RulEstimate {
  const rand = mulberry32(opts.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = cellSampler(post.cells.map((c) => c.p), rand);
  const draws: number[] = [];
  for (let i = 0; i < opts.draws; i++) {
    const lo = pick();
    const cell = post.cells[lo]!;
    let a = cell.aMean + cell.aSd * gauss();
    for (let k = 0; k < 8 && !(a > 0); k++) a = cell.aMean + cell.aSd * gauss();
    if (!(a > 0)) a = cell.aMean;
    const tFail = failureTime(cell.lnC, cell.phi, a, post.tRef);
    draws.push(Math.min(opts.horizonDays, Math.max(0, tFail - nowDays)));
  }
  return estimateFromDraws(draws);
}

/** Readings of a history's older half needed before their scatter calibrates the stated sd. */
const MIN_FOR_NOISE_CHECK = 8;

/**
 * Readings with their sd widened to their own scatter where that is larger: the sd comes from the
 * healthy baseline's MAD, but a history that mixes operating points or a baseline learned in
 * another season scatters more, and a sd too small reads that scatter as a rise (or finds no
 * healthy stretch at all). The scatter is the robust sd (1.4826 MAD) of the older half's residuals
 * about its Theil–Sen line: that half is mostly the healthy stretch before the alarm, and the line
 * keeps an early part of the rise from passing for noise. Never narrowed.
 */
export function calibrateNoise(points: HiPoint[]): HiPoint[] {
  const old = points.slice(0, Math.floor(points.length / 2));
  if (old.length < MIN_FOR_NOISE_CHECK) return points;
  const line = theilSen(old.map((p) => p.tDays), old.map((p) => p.hi));
  if (!line) return points;
  const stated = [...old.map((p) => p.sd)].sort((a, b) => a - b)[old.length >> 1]!;
  const k = stated > 0 ? line.residSd / stated : 1;
  return k > 1 ? points.map((p) => ({ ...p, sd: p.sd * k })) : points;
}
