// Score fusion over heterogeneous detectors (Aggarwal & Sathe, "Outlier Ensembles", 2017): raw
// scores live on different scales (σ for CUSUM, a mass ratio for Half-Space Trees, √T² for PCA),
// so each member's score is first divided by its own high quantile over observations it learned
// (its healthy scores), then mapped to a z-like unit where that quantile reads as z₀.₉₉ ≈ 2.33,
// and only then fused.
import { z } from 'zod';
import type { Detector } from './detector.ts';

/** The standard normal's 0.99 quantile: a calibrated score equal to it means "at the member's healthy q-quantile". */
export const Z_99 = 2.326;

export const EnsembleConfig = z.object({
  quantile: z.number().min(0.5).max(1).default(0.99).describe('quantile of each member\'s healthy scores that defines its scale'),
  fusion: z.enum(['mean', 'max']).default('mean').describe('mean of calibrated scores (variance reduction) or max (any member can raise)'),
  minScores: z.number().int().min(1).default(30).describe('healthy scores a member needs before it takes part; until then it contributes 0'),
  memory: z.number().int().min(16).default(2000).describe('healthy scores kept per member for the quantile'),
});
export type EnsembleConfig = z.input<typeof EnsembleConfig>;

/** One member: a detector and how many learned observations it needs before its scores mean anything. */
export interface EnsembleMember {
  name: string;
  detector: Detector;
  /** Observations learned before its scores are collected for calibration (its own warm-up). */
  warmup: number;
}

/** A fused detector; calibration can be frozen (e.g. at the end of a training prefix). */
export interface Ensemble extends Detector {
  /** Per member, the last calibrated score (z-like units). */
  lastScores(): Record<string, number>;
  /** Stops updating the members' scales: later learned scores no longer move them. */
  freezeCalibration(): void;
  /** Per member, the healthy score quantile it is divided by (undefined until calibrated). */
  scales(): Record<string, number | undefined>;
}

/**
 * Creates the ensemble. A member's healthy scores are its prequential scores (computed before
 * the observation is learned) of observations that are learned after its warm-up. Why freeze:
 * once a threshold filter stops anomalies from being learned, the learned scores are truncated
 * at the threshold, so a quantile that kept updating would ratchet the scale (and the threshold)
 * downwards; freezing after training keeps the scale of the training data.
 */
export function createEnsemble(members: EnsembleMember[], config: EnsembleConfig = {}): Ensemble {
  const cfg = EnsembleConfig.parse(config);
  const state = members.map(() => ({ learned: 0, ring: [] as number[], next: 0, scale: undefined as number | undefined, dirty: false }));
  let frozen = false;
  let last: { x: Record<string, number>; raw: number[] } | undefined;
  let lastCalibrated: number[] = members.map(() => 0);

  const rawScores = (x: Record<string, number>): number[] => {
    if (last?.x === x) return last.raw;
    const raw = members.map((m) => m.detector.scoreOne(x));
    last = { x, raw };
    return raw;
  };

  function scale(i: number): number | undefined {
    const s = state[i]!;
    if (s.ring.length < cfg.minScores) return undefined;
    if (s.dirty || s.scale === undefined) {
      const sorted = [...s.ring].sort((a, b) => a - b);
      const q = sorted[Math.min(sorted.length - 1, Math.ceil(cfg.quantile * (sorted.length - 1)))]!;
      // A member whose healthy scores are all ~0 (e.g. CUSUM on a quiet channel) gets a small
      // positive scale relative to its largest healthy score, never 0.
      s.scale = Math.max(q, 1e-3 * (sorted[sorted.length - 1] ?? 0), 1e-9);
      s.dirty = false;
    }
    return s.scale;
  }

  return {
    learnOne(x) {
      const raw = rawScores(x);
      last = undefined;
      members.forEach((m, i) => {
        const s = state[i]!;
        if (!frozen && s.learned >= m.warmup && Number.isFinite(raw[i]!)) {
          if (s.ring.length < cfg.memory) s.ring.push(raw[i]!);
          else s.ring[s.next] = raw[i]!;
          s.next = (s.next + 1) % cfg.memory;
          s.dirty = true;
        }
        m.detector.learnOne(x);
        s.learned++;
      });
    },
    scoreOne(x) {
      const raw = rawScores(x);
      const calibrated = raw.map((r, i) => {
        const sc = scale(i);
        if (sc === undefined) return undefined;
        const v = (Z_99 * r) / sc;
        return Number.isFinite(v) ? Math.min(v, 1e6) : 1e6;
      });
      lastCalibrated = calibrated.map((c) => c ?? 0);
      const live = calibrated.filter((c): c is number => c !== undefined);
      if (live.length === 0) return 0;
      if (cfg.fusion === 'max') return Math.max(...live);
      return live.reduce((s, v) => s + v, 0) / live.length;
    },
    lastScores() {
      return Object.fromEntries(members.map((m, i) => [m.name, lastCalibrated[i]!]));
    },
    freezeCalibration() {
      frozen = true;
    },
    scales() {
      return Object.fromEntries(members.map((m, i) => [m.name, scale(i)]));
    },
  };
}

/**
 * Maps a calibrated score to [0, 1] as 1 − 2^(−s / threshold): 0 at 0, exactly 0.5 at the
 * threshold, monotone, → 1 far out. Chosen over a logistic because it is 0 for a zero score (a
 * warming-up detector reads as "no evidence", not "half anomalous") and its exponential tail
 * matches the roughly exponential tail of healthy calibrated scores.
 */
export function toUnitScore(score: number, threshold: number): number {
  if (!(score > 0)) return 0;
  const p = 1 - 2 ** (-score / threshold);
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1;
}
