// Score fusion over heterogeneous detectors (Aggarwal & Sathe, "Outlier Ensembles", 2017): raw
// scores live on different scales (σ for CUSUM, a mass ratio for Half-Space Trees, √T² for PCA),
// so each member's score is first divided by its own high quantile over observations it learned
// (its healthy scores), then mapped to a z-like unit where that quantile reads as z₀.₉₉ ≈ 2.33,
// and only then fused.
import { z } from 'zod';
import { isVectorDetector, type Detector, type VectorDetector } from './detector.ts';
import { ChannelLayout } from './channel-layout.ts';

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
export interface Ensemble extends VectorDetector {
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
 *
 * Numeric fast path: pass the `layout` the members were built on; `learnVector` right after
 * `scoreVector` learns the row just scored (its member scores are reused, as `learnOne` reuses
 * those of the object just scored). A member without a vector path gets records from the layout.
 */
export function createEnsemble(members: EnsembleMember[], config: EnsembleConfig = {}, layout = new ChannelLayout()): Ensemble {
  const cfg = EnsembleConfig.parse(config);
  const n = members.length;
  const state = members.map(() => ({ learned: 0, ring: new Float64Array(cfg.memory), size: 0, next: 0, scale: undefined as number | undefined, dirty: false }));
  let frozen = false;
  const raw = new Float64Array(n);
  let rawValid = false; // `raw` holds the scores of the row last scored, not yet learned
  let lastX: Record<string, number> | undefined;
  const lastCalibrated = new Float64Array(n);
  const vector = members.map((m) => (isVectorDetector(m.detector) ? m.detector : undefined));

  function memberScores(x: Float64Array): void {
    let rec: Record<string, number> | undefined;
    for (let i = 0; i < n; i++) {
      const v = vector[i];
      raw[i] = v ? v.scoreVector(x) : members[i]!.detector.scoreOne((rec ??= layout.toRecord(x)));
    }
    rawValid = true;
  }

  /** The Record API calls the members' own Record API (their identity caches included). */
  function recordScores(x: Record<string, number>): void {
    for (let i = 0; i < n; i++) raw[i] = members[i]!.detector.scoreOne(x);
    rawValid = true;
  }

  /** Adds the raw scores of the row being learned to the members' healthy scores. */
  function collect(): void {
    rawValid = false;
    lastX = undefined;
    for (let i = 0; i < n; i++) {
      const s = state[i]!;
      const r = raw[i]!;
      if (!frozen && s.learned >= members[i]!.warmup && Number.isFinite(r)) {
        s.ring[s.next] = r;
        if (s.size < cfg.memory) s.size++;
        s.next = (s.next + 1) % cfg.memory;
        s.dirty = true;
      }
      s.learned++;
    }
  }

  function scale(i: number): number | undefined {
    const s = state[i]!;
    if (s.size < cfg.minScores) return undefined;
    if (s.dirty || s.scale === undefined) {
      const sorted = s.ring.slice(0, s.size).sort();
      const q = sorted[Math.min(sorted.length - 1, Math.ceil(cfg.quantile * (sorted.length - 1)))]!;
      // A member whose healthy scores are all ~0 (e.g. CUSUM on a quiet channel) gets a small
      // positive scale relative to its largest healthy score, never 0.
      s.scale = Math.max(q, 1e-3 * (sorted[sorted.length - 1] ?? 0), 1e-9);
      s.dirty = false;
    }
    return s.scale;
  }

  function learnVector(x: Float64Array): void {
    if (!rawValid) memberScores(x);
    collect();
    let rec: Record<string, number> | undefined;
    for (let i = 0; i < n; i++) {
      const v = vector[i];
      if (v) v.learnVector(x);
      else members[i]!.detector.learnOne((rec ??= layout.toRecord(x)));
    }
  }

  function fuse(): number {
    let live = 0;
    let sum = 0;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const sc = scale(i);
      if (sc === undefined) {
        lastCalibrated[i] = 0;
        continue;
      }
      const v0 = (Z_99 * raw[i]!) / sc;
      const v = Number.isFinite(v0) ? Math.min(v0, 1e6) : 1e6;
      lastCalibrated[i] = v;
      live++;
      sum += v;
      if (v > max) max = v;
    }
    if (live === 0) return 0;
    return cfg.fusion === 'max' ? max : sum / live;
  }

  return {
    learnVector,
    scoreVector(x) {
      memberScores(x);
      lastX = undefined;
      return fuse();
    },
    learnOne(x) {
      if (lastX !== x || !rawValid) recordScores(x);
      collect();
      for (const m of members) m.detector.learnOne(x);
    },
    scoreOne(x) {
      // Scoring the same object again reuses its member scores (stateful members advance once).
      if (lastX !== x || !rawValid) {
        recordScores(x);
        lastX = x;
      }
      return fuse();
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
