// The multivariate member of a machine's monitor (issue 4): Half-Space Trees (Tan, Ting & Liu,
// IJCAI 2011; detectors/half-space-trees.ts) over the window's feature vector after the regime's
// robust standardisation. The per-feature baseline scores each feature against its own range; a
// fault can instead break how features move together (vibration up without the load that explains
// it, two envelope bands trading places) while each stays within its range. Half-Space Trees find
// such points where the healthy windows' mass is thin, in O(trees × depth) per window.
//
// One forest serves all machines of a type on a site (createFeatureForests): every machine's
// vector is in robust z of its own regime baseline, so the vectors are comparable, the mass profile
// is learned from all healthy machines of the type, and a machine carries only its calibration.
// Learning follows River's QuantileFilter: only windows the monitor learned as healthy are counted
// (a slowly growing fault must not become the reference mass). The score is calibrated per machine
// to a target false-alarm rate (score-calibration.ts) and fused as a soft vote, as the edge model is.
import { z } from 'zod';
import { ChannelLayout } from './detectors/channel-layout.ts';
import { createHalfSpaceTrees, type HalfSpaceTrees } from './detectors/half-space-trees.ts';
import type { RobustBaseline } from './detectors/robust-baseline.ts';
import { createScoreCalibration, type ScoreCalibrationConfig } from './detectors/score-calibration.ts';

export const FeatureForestConfig = z.object({
  // Off by default: on the baseline plant (seeds 1, 2) it changed no alarm, and it did not see a
  // broken relation between two features that each stay in range (axis-parallel random splits
  // isolate such a diagonal break in few trees, and the mass is summed over all trees); its forests
  // cost ~40 KiB per machine in the 20-machine memory bench (one site, 5 types).
  enabled: z.boolean().default(false).describe('score the standardised feature vector with Half-Space Trees (off: the member scores 0 and no forest is built)'),
  // Memory of one forest: trees × (2^(height+1) − 1) nodes × 16 B plus windowSize × features × 8 B
  // of the window being filled: 20 × 127 × 16 B + 128 × ~30 × 8 B ≈ 70 KB, once per machine type
  // and site. The size limit (0.1 × window, the paper's) stops a descent once a node holds fewer
  // than ~13 of 128 points, ~4 levels down, so a height beyond 6 is rarely reached.
  trees: z.number().int().min(1).default(20).describe('trees in the shared forest (paper: 25; River: 10)'),
  height: z.number().int().min(1).max(12).default(6).describe('depth of each tree (paper: 15; River: 8); see the size limit'),
  windowSize: z.number().int().min(16).default(128).describe('healthy windows (of all machines of the type) per reference mass window'),
  sizeLimit: z.number().min(0).max(1).default(0.1).describe('stop a descent once a node holds less than this fraction of the window (paper: 0.1)'),
  zClip: z.number().positive().default(8).describe('robust z clipped to ±zClip before the forest, which maps ±zClip to the edges of its unit cube'),
  minScores: z.number().int().min(1).default(144).describe("healthy member scores of the machine before it is armed (144 windows = 12 h at 5 min)"),
  memory: z.number().int().min(16).default(288).describe('healthy member scores kept per machine for its calibration (288 = one day at 5 min, 2.3 KB)'),
  falseAlarmsPerMonth: z.number().positive().default(0.5).describe("the member's target rate of healthy windows above its threshold, per machine-month (tail fit, score-calibration.ts)"),
  // The member's raw score is the forest's mass ratio less 1 (0 for a typical healthy window, 1 where
  // the healthy windows had half the typical mass), with a narrow healthy spread: on 18 standardised
  // features of the test plant the ratio's healthy q99 was 1.2–1.5. The calibration's usual least
  // scale (threshold ≥ high = 6) would leave the member mute; its least threshold is this excess.
  minExcess: z.number().positive().default(1).describe('least raw threshold (mass ratio − 1): an alarm-level window lies where healthy windows had at most 1/(1 + minExcess) of the typical mass'),
  seed: z.number().int().default(1).describe('seed of the random tree structure'),
});
export type FeatureForestConfig = z.input<typeof FeatureForestConfig>;

/**
 * Where a z-vector sits before the forest's own scaler. That scaler (half-space-trees.ts) learns
 * each input's median and MAD over its first window and floors σ at 1 % of |median|: an input that
 * was constant then (a dB line on its clamp, z ≡ 0) would get σ = 1e-9 and send every later wiggle
 * to the cube's edge. Centred on 100, that floor is σ ≥ 1 robust z, which z-scores already have.
 */
const CENTRE = 100;

/** One forest shared by the machines of a type: rows are z-vectors over its channel layout. */
export interface FeatureForest {
  /** The row of signed robust z-scores `zs` (absent features at z = 0: no evidence), into `into` when it fits. */
  rowOf(zs: Readonly<Record<string, number>>, into?: Float64Array): Float64Array;
  /** Anomaly score of a row: reference median mass over the row's mass (≈ 1 typical; 0 until the first window is full). */
  score(row: Float64Array): number;
  /** Counts a healthy row into the window being filled. */
  learn(row: Float64Array): void;
  /** True once a reference window exists (scores are given). */
  readonly warm: boolean;
}

/** The forests of one site, one per machine type, created on first use. */
export interface FeatureForests {
  of(machineType: string): FeatureForest;
  /** Forests created so far. */
  readonly size: number;
}

/** Creates the forests of one site (the agent holds one; a monitor without it keeps its own). */
export function createFeatureForests(config: FeatureForestConfig = {}): FeatureForests {
  const cfg = FeatureForestConfig.parse(config);
  const forests = new Map<string, FeatureForest>();
  return {
    of(machineType) {
      let f = forests.get(machineType);
      if (!f) forests.set(machineType, (f = createFeatureForest(cfg)));
      return f;
    },
    get size() {
      return forests.size;
    },
  };
}

function createFeatureForest(cfg: z.output<typeof FeatureForestConfig>): FeatureForest {
  const layout = new ChannelLayout();
  const hst: HalfSpaceTrees = createHalfSpaceTrees({ trees: cfg.trees, height: cfg.height, windowSize: cfg.windowSize, sizeLimit: cfg.sizeLimit, zRange: cfg.zClip, seed: cfg.seed }, layout);
  let learned = 0;
  return {
    rowOf(zs, into) {
      for (const k in zs) layout.add(k);
      const row = into && into.length === layout.size ? into : new Float64Array(layout.size);
      row.fill(CENTRE);
      for (const k in zs) {
        const v = zs[k]!;
        // NaN would be read as "far out" by the forest; a robust z is never NaN, but be safe.
        row[layout.positionOf(k)] = CENTRE + (v === v ? Math.max(-cfg.zClip, Math.min(cfg.zClip, v)) : 0);
      }
      return row;
    },
    score: (row) => hst.scoreVector(row),
    learn(row) {
      hst.learnVector(row);
      learned++;
    },
    get warm() {
      return learned >= cfg.windowSize;
    },
  };
}

/** One window as the member sees it (the monitor's regime baseline and scored features). */
export interface ForestWindow {
  /** The regime's baseline: |robust z| per feature. */
  baseline: RobustBaseline;
  /** Its learned medians (the sign of each deviation); features without one are left out. */
  medians: Readonly<Record<string, { median: number }>>;
  /** The features the baseline scores in this window. */
  scored: Readonly<Record<string, number>>;
  /** True when the window is comparable: the regime's own baseline is warm and no start or setpoint transient runs. */
  settled: boolean;
  /** Event-time interval between windows, ms (undefined until known). */
  windowMs: number | undefined;
}

export interface ForestMember {
  /** The member's score of this window in alarm units: 0 until armed, or when not settled. */
  step(w: ForestWindow): number;
  /** The window last stepped was healthy (learned): it joins the shared forest and this machine's calibration. */
  learn(): void;
  /** The member's raw score of the last settled window: the forest's mass ratio − 1, at least 0 (0 before the forest is warm). */
  readonly raw: number;
  /** True once the member's calibration is armed. */
  readonly armed: boolean;
}

/**
 * Creates one machine's member over `forest()` (read per window: the machine's type picks it);
 * `high` is the alarm's raise threshold, `calibration` the monitor's calibration settings.
 */
export function createForestMember(high: number, forest: () => FeatureForest, config: FeatureForestConfig = {}, calibration: ScoreCalibrationConfig = {}): ForestMember {
  const cfg = FeatureForestConfig.parse(config);
  // Off (the default): no calibration ring is allocated, so the member costs a machine nothing.
  if (!cfg.enabled) return { step: () => 0, learn: () => {}, raw: 0, armed: false };
  const cal = createScoreCalibration(high, { ...calibration, memory: cfg.memory, minScores: cfg.minScores, falseAlarmsPerMonth: cfg.falseAlarmsPerMonth, minScale: cfg.minExcess / high });
  let row: Float64Array | undefined;
  let pending: FeatureForest | undefined; // the forest the last settled row was scored by
  let raw = 0;
  return {
    step(w) {
      pending = undefined;
      raw = 0;
      if (!w.settled) return 0;
      if (w.windowMs !== undefined) cal.setWindowMs(w.windowMs);
      const abs = w.baseline.zScores(w.scored as Record<string, number>);
      const zs: Record<string, number> = {};
      for (const k in abs) {
        const m = w.medians[k]?.median;
        if (m === undefined) continue; // scored by a fleet prior only: not yet on this machine's own scale
        zs[k] = w.scored[k]! >= m ? abs[k]! : -abs[k]!;
      }
      const f = forest();
      row = f.rowOf(zs, row);
      pending = f;
      // 0 while the forest fills its first window (its score is 0 then).
      raw = Math.max(0, f.score(row) - 1);
      return cal.armed ? cal.normalize(raw) : 0;
    },
    learn() {
      if (!pending || !row) return;
      // Scores of a forest still filling its first window are 0 and say nothing about the tail.
      if (pending.warm) cal.update(raw);
      pending.learn(row);
      pending = undefined;
    },
    get raw() {
      return raw;
    },
    get armed() {
      return cal.armed;
    },
  };
}
