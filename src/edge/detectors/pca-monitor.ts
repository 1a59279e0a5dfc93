// PCA process monitoring with Hotelling's T² and the squared prediction error Q (SPE)
// (Jackson & Mudholkar 1979; MacGregor & Kourti 1995): channels are standardised, the principal
// subspace of the learned covariance models how they move together, T² measures distance inside
// that subspace and Q the part of the observation the subspace cannot explain, i.e. a broken
// correlation between channels, which per-channel detectors cannot see.
import { z } from 'zod';
import type { VectorDetector } from './detector.ts';
import { ChannelLayout, isAbsent, recordMethods } from './channel-layout.ts';
import { symmetricEigenFlat } from './symmetric-eigen.ts';

export const PcaMonitorConfig = z.object({
  warmup: z.number().int().min(3).default(50).describe('observations learned before the first fit; 0 until then'),
  explainedVariance: z.number().min(0.5).max(1).default(0.9).describe('components kept: the fewest whose eigenvalues explain this share of the standardised variance'),
  refitEvery: z.number().int().min(1).default(50).describe('learned observations between eigen-decompositions (recursive PCA refreshes the model)'),
  forgetting: z.number().min(0.9).max(1).default(1).describe('exponential forgetting per learned observation (1 = plain running mean and covariance; <1 = recursive PCA that tracks slow change)'),
  relativeFloor: z.number().nonnegative().default(0.01).describe('least σ of a channel as a fraction of |mean|, so a constant channel does not divide by zero'),
  absoluteFloor: z.number().positive().default(1e-9).describe('least σ of a channel in its unit'),
  eigenFloor: z.number().positive().default(1e-3).describe('least eigenvalue used in T² and the Q scale, as a fraction of the total standardised variance'),
  maxScore: z.number().positive().default(1e6).describe('cap on the score'),
});
export type PcaMonitorConfig = z.input<typeof PcaMonitorConfig>;

/** T² and Q of one observation, each divided by its expected value under the model. */
export interface PcaStatistics {
  t2: number;
  q: number;
}

/** The PCA monitor, also reporting T² and Q separately (for evidence and for tests). */
export interface PcaMonitor extends VectorDetector {
  /** Normalised T² and Q of `x` (undefined while warming up). */
  statistics(x: Record<string, number>): PcaStatistics | undefined;
  /** Principal components currently kept. */
  readonly components: number;
}

/**
 * Creates the monitor over `layout` (shared with the caller for the numeric fast path; its own
 * otherwise). Score = √max(T²/k, Q/θ₁): T² over k kept components has mean k, Q has mean
 * θ₁ = Σ of the discarded eigenvalues (Jackson & Mudholkar), so each ratio has mean ≈ 1 on normal
 * data and the square root puts the score in σ-like units (a 40σ excursion scores ≈ 40/√k or more).
 * Channels are standardised by the learned mean and σ, which makes the score invariant to each
 * channel's unit and sign. A missing channel is replaced by its learned mean (contributes nothing).
 * Channels are modelled in the order their first finite value arrived.
 */
export function createPcaMonitor(config: PcaMonitorConfig = {}, layout = new ChannelLayout()): PcaMonitor {
  const cfg = PcaMonitorConfig.parse(config);
  let chan: number[] = []; // layout position of each modelled channel
  let modelled = new Uint8Array(0); // by layout position
  let weight = 0; // Σ forgetting-weighted counts
  let mean = new Float64Array(0);
  let comoment = new Float64Array(0); // d × d, Σ w (x − mean)(x − mean)ᵀ
  let delta = new Float64Array(0);
  let xv = new Float64Array(0); // the row in model order (NaN when absent)
  let learned = 0;
  let sinceFit = 0;
  let model: { mu: Float64Array; sd: Float64Array; basis: Float64Array; k: number; lambda: Float64Array; theta1: number } | undefined;
  let zv = new Float64Array(0);
  let row: Float64Array | undefined;
  const out = { t2: 0, q: 0 };

  function grow(x: Float64Array): void {
    if (x.length > modelled.length) {
      const m = new Uint8Array(x.length);
      m.set(modelled);
      modelled = m;
    }
    for (let c = 0; c < x.length; c++) {
      if (modelled[c] || !Number.isFinite(x[c]!)) continue;
      // A channel that appears late starts at the current weight with zero spread: it joins the
      // model at the next fit, with its floor as σ until it has varied.
      modelled[c] = 1;
      const d = chan.length;
      chan = [...chan, c];
      const m2 = new Float64Array(d + 1);
      m2.set(mean);
      m2[d] = x[c]!;
      mean = m2;
      const c2 = new Float64Array((d + 1) * (d + 1));
      for (let i = 0; i < d; i++) c2.set(comoment.subarray(i * d, i * d + d), i * (d + 1));
      comoment = c2;
      delta = new Float64Array(d + 1);
      xv = new Float64Array(d + 1);
      zv = new Float64Array(d + 1);
    }
  }

  function fit(): void {
    const d = chan.length;
    if (d === 0 || weight <= 1) return;
    // Refit every `refitEvery` rows: flat arrays and loops, no per-entry closures or row arrays.
    const w1 = weight - 1;
    const sd = new Float64Array(d);
    for (let i = 0; i < d; i++) sd[i] = Math.max(Math.sqrt(Math.max(0, comoment[i * d + i]! / w1)), cfg.relativeFloor * Math.abs(mean[i]!), cfg.absoluteFloor);
    const corr = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) corr[i * d + j] = comoment[i * d + j]! / w1 / (sd[i]! * sd[j]!);
    const { values, vectors } = symmetricEigenFlat(corr, d);
    let positive = 0;
    for (let j = 0; j < d; j++) positive += Math.max(0, values[j]!);
    const total = Math.max(positive, 1e-12);
    const floor = cfg.eigenFloor * total;
    let k = 0;
    let acc = 0;
    while (k < d && acc < cfg.explainedVariance * total) acc += Math.max(0, values[k++]!);
    const lambda = new Float64Array(k);
    for (let j = 0; j < k; j++) lambda[j] = Math.max(values[j]!, floor);
    let rest = 0;
    for (let j = k; j < d; j++) rest += Math.max(0, values[j]!);
    const basis = vectors.slice(0, k * d);
    model = { mu: Float64Array.from(mean), sd, basis, k, lambda, theta1: Math.max(rest, floor) };
  }

  /** T² and Q of row `x` into `out`; false while warming up. */
  function stats(x: Float64Array): boolean {
    if (!model || learned < cfg.warmup) return false;
    const { mu, sd, basis, k: kept, lambda, theta1 } = model;
    const d = mu.length;
    for (let i = 0; i < d; i++) {
      const c = chan[i]!;
      const v = c < x.length ? x[c]! : NaN;
      // Missing → the mean (no evidence); non-finite → far out, as in the other detectors.
      const z = isAbsent(v) ? 0 : Number.isFinite(v) ? (v - mu[i]!) / sd[i]! : 1e6;
      zv[i] = Number.isFinite(z) ? Math.max(-1e6, Math.min(1e6, z)) : 0;
    }
    let t2 = 0;
    let proj2 = 0;
    for (let k = 0; k < kept; k++) {
      let t = 0;
      const b = k * d;
      for (let i = 0; i < d; i++) t += basis[b + i]! * zv[i]!;
      t2 += (t * t) / lambda[k]!;
      proj2 += t * t;
    }
    let norm2 = 0;
    for (let i = 0; i < d; i++) norm2 += zv[i]! * zv[i]!;
    const q = Math.max(0, norm2 - proj2); // ‖z‖² − ‖Pᵀz‖², the residual of an orthonormal basis
    out.t2 = kept ? t2 / kept : 0;
    out.q = q / theta1;
    return true;
  }

  function learnVector(x: Float64Array): void {
    grow(x);
    const d = chan.length;
    const xs = xv;
    const dl = delta;
    const mu = mean;
    const cm = comoment;
    const forgetting = cfg.forgetting;
    // Welford's update with exponential forgetting (weights decay by `forgetting` per step).
    weight = weight * forgetting + 1;
    for (let i = 0; i < d; i++) {
      const c = chan[i]!;
      xs[i] = c < x.length ? x[c]! : NaN;
    }
    for (let i = 0; i < d; i++) dl[i] = Number.isFinite(xs[i]!) ? xs[i]! - mu[i]! : 0;
    for (let i = 0; i < d; i++) mu[i]! += dl[i]! / weight;
    for (let i = 0; i < d; i++) {
      const di2 = Number.isFinite(xs[i]!) ? xs[i]! - mu[i]! : 0;
      const b = i * d;
      // Without forgetting, c · 1 = c exactly: the product is skipped, the sums are the same.
      if (forgetting === 1) for (let j = 0; j < d; j++) cm[b + j] = cm[b + j]! + dl[j]! * di2;
      else for (let j = 0; j < d; j++) cm[b + j] = cm[b + j]! * forgetting + dl[j]! * di2;
    }
    learned++;
    sinceFit++;
    if (learned === cfg.warmup || (learned > cfg.warmup && sinceFit >= cfg.refitEvery)) {
      sinceFit = 0;
      fit();
    }
  }

  function scoreVector(x: Float64Array): number {
    if (!stats(x)) return 0;
    const v = Math.sqrt(Math.max(out.t2, out.q));
    return Number.isFinite(v) ? Math.min(v, cfg.maxScore) : cfg.maxScore;
  }

  return {
    get components() {
      return model?.k ?? 0;
    },
    statistics(x) {
      row = layout.fromRecord(x, row);
      return stats(row) ? { t2: out.t2, q: out.q } : undefined;
    },
    learnVector,
    scoreVector,
    ...recordMethods(layout, learnVector, scoreVector),
  };
}
