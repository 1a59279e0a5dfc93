// PCA process monitoring with Hotelling's T² and the squared prediction error Q (SPE)
// (Jackson & Mudholkar 1979; MacGregor & Kourti 1995): channels are standardised, the principal
// subspace of the learned covariance models how they move together, T² measures distance inside
// that subspace and Q the part of the observation the subspace cannot explain, i.e. a broken
// correlation between channels, which per-channel detectors cannot see.
import { z } from 'zod';
import type { Detector } from './detector.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

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
export interface PcaMonitor extends Detector {
  /** Normalised T² and Q of `x` (undefined while warming up). */
  statistics(x: Record<string, number>): PcaStatistics | undefined;
  /** Principal components currently kept. */
  readonly components: number;
}

/**
 * Creates the monitor. Score = √max(T²/k, Q/θ₁): T² over k kept components has mean k, Q has mean
 * θ₁ = Σ of the discarded eigenvalues (Jackson & Mudholkar), so each ratio has mean ≈ 1 on normal
 * data and the square root puts the score in σ-like units (a 40σ excursion scores ≈ 40/√k or more).
 * Channels are standardised by the learned mean and σ, which makes the score invariant to each
 * channel's unit and sign. A missing channel is replaced by its learned mean (contributes nothing).
 */
export function createPcaMonitor(config: PcaMonitorConfig = {}): PcaMonitor {
  const cfg = PcaMonitorConfig.parse(config);
  let names: string[] = [];
  let weight = 0; // Σ forgetting-weighted counts
  let mean: number[] = [];
  let comoment: number[][] = []; // Σ w (x − mean)(x − mean)ᵀ
  let learned = 0;
  let sinceFit = 0;
  let model: { mu: number[]; sd: number[]; basis: number[][]; lambda: number[]; theta1: number } | undefined;

  function grow(x: Record<string, number>): void {
    for (const name of Object.keys(x)) {
      if (names.includes(name) || !Number.isFinite(x[name])) continue;
      // A channel that appears late starts at the current weight with zero spread: it joins the
      // model at the next fit, with its floor as σ until it has varied.
      names = [...names, name];
      mean.push(x[name]!);
      for (const row of comoment) row.push(0);
      comoment.push(new Array<number>(names.length).fill(0));
    }
  }

  function fit(): void {
    const d = names.length;
    if (d === 0 || weight <= 1) return;
    const sd = names.map((_, i) => Math.max(Math.sqrt(Math.max(0, comoment[i]![i]! / (weight - 1))), cfg.relativeFloor * Math.abs(mean[i]!), cfg.absoluteFloor));
    const corr = names.map((_, i) => names.map((__, j) => comoment[i]![j]! / (weight - 1) / (sd[i]! * sd[j]!)));
    const { values, vectors } = symmetricEigen(corr);
    const total = Math.max(values.reduce((s, v) => s + Math.max(0, v), 0), 1e-12);
    const floor = cfg.eigenFloor * total;
    let k = 0;
    let acc = 0;
    while (k < d && acc < cfg.explainedVariance * total) acc += Math.max(0, values[k++]!);
    const lambda = values.slice(0, k).map((v) => Math.max(v, floor));
    const rest = values.slice(k).reduce((s, v) => s + Math.max(0, v), 0);
    model = { mu: [...mean], sd, basis: vectors.slice(0, k), lambda, theta1: Math.max(rest, floor) };
  }

  function statistics(x: Record<string, number>): PcaStatistics | undefined {
    if (!model || learned < cfg.warmup) return undefined;
    const { mu, sd, basis, lambda, theta1 } = model;
    const d = mu.length;
    const zv = new Array<number>(d);
    for (let i = 0; i < d; i++) {
      const v = x[names[i]!];
      // Missing → the mean (no evidence); non-finite → far out, as in the other detectors.
      const z = v === undefined ? 0 : Number.isFinite(v) ? (v - mu[i]!) / sd[i]! : 1e6;
      zv[i] = Number.isFinite(z) ? Math.max(-1e6, Math.min(1e6, z)) : 0;
    }
    let t2 = 0;
    let proj2 = 0;
    for (let k = 0; k < basis.length; k++) {
      let t = 0;
      for (let i = 0; i < d; i++) t += basis[k]![i]! * zv[i]!;
      t2 += (t * t) / lambda[k]!;
      proj2 += t * t;
    }
    let norm2 = 0;
    for (let i = 0; i < d; i++) norm2 += zv[i]! * zv[i]!;
    const q = Math.max(0, norm2 - proj2); // ‖z‖² − ‖Pᵀz‖², the residual of an orthonormal basis
    return { t2: basis.length ? t2 / basis.length : 0, q: q / theta1 };
  }

  return {
    get components() {
      return model?.basis.length ?? 0;
    },
    statistics,
    learnOne(x) {
      grow(x);
      // Welford's update with exponential forgetting (weights decay by `forgetting` per step).
      weight = weight * cfg.forgetting + 1;
      const delta = names.map((n, i) => (Number.isFinite(x[n]) ? x[n]! - mean[i]! : 0));
      for (let i = 0; i < names.length; i++) mean[i]! += delta[i]! / weight;
      for (let i = 0; i < names.length; i++) {
        const di2 = Number.isFinite(x[names[i]!]) ? x[names[i]!]! - mean[i]! : 0;
        for (let j = 0; j < names.length; j++) comoment[i]![j] = comoment[i]![j]! * cfg.forgetting + delta[j]! * di2;
      }
      learned++;
      sinceFit++;
      if (learned === cfg.warmup || (learned > cfg.warmup && sinceFit >= cfg.refitEvery)) {
        sinceFit = 0;
        fit();
      }
    },
    scoreOne(x) {
      const s = statistics(x);
      if (!s) return 0;
      const v = Math.sqrt(Math.max(s.t2, s.q));
      return Number.isFinite(v) ? Math.min(v, cfg.maxScore) : cfg.maxScore;
    },
  };
}
