// The detector stack of `edge-pdm detect` and the SKAB benchmark. The core: a causal EWMA
// pre-filter per channel, then the chosen detectors fused by a calibrated ensemble, the fused
// score calibrated once more on the training prefix. Beside it, on the raw values of each channel,
// the shape members (forecasting residual, streaming discord: shape-members.ts). Each of the
// three is damped by its own recent level (level-damping.ts); the row is flagged when the largest
// reaches its threshold. The [0, 1] score keeps 0.5 at the threshold; above it, rows are ordered
// by rank fusion (tail-surprise.ts), below it by the largest calibrated score, and it never ties
// at 1. A threshold filter (River's ThresholdFilter idea) learns only one flagged row in
// `adaptEvery`, so a long anomaly is not absorbed as the new normal but a lasting benign change is,
// slowly.
import { z } from 'zod';
import { ShapeMembers } from './shape-members.ts';
import { LevelDamping } from './level-damping.ts';
import { TailSurprise } from './tail-surprise.ts';
import {
  ChannelLayout,
  ChannelStandardizer,
  createChannelBaseline,
  createCusum,
  createEnsemble,
  createHalfSpaceTrees,
  createPcaMonitor,
  Z_99,
  type Detector,
  type EnsembleMember,
} from '../detectors/index.ts';

export const DETECTOR_NAMES = ['baseline', 'cusum', 'hst', 'pca'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export const DetectorStackConfig = z.object({
  detectors: z.array(z.enum(DETECTOR_NAMES)).min(1).default(['baseline', 'cusum', 'hst', 'pca']).describe('detectors fused by the ensemble'),
  trainRows: z.number().int().min(1).default(400).describe('rows learned unconditionally before the threshold filter starts (SKAB protocol: 400)'),
  fusion: z.enum(['mean', 'max']).default('mean').describe('how calibrated member scores are fused'),
  quantile: z.number().min(0.5).max(1).default(0.99).describe('quantile of training scores that calibrates each member and the fused score'),
  margin: z.number().min(0.1).default(1).describe('threshold = margin × the fused score\'s training quantile; it maps to 0.5 on the [0, 1] scale'),
  seed: z.number().int().default(1).describe('seed of the Half-Space Trees'),
  inputSmoothing: z.number().min(0).max(1).default(0.1).describe('EWMA weight λ of a causal per-channel pre-filter (MEWMA, Lowry et al. 1992, whose example uses λ = 0.1; Montgomery recommends 0.05–0.25): 0 = off; averaging noise makes a sustained shift of a few σ stand out, at the cost of ~1/λ rows of lag'),
  scoreMedianRows: z.number().int().min(1).default(1).describe('causal rolling median of the fused score over this many rows (the SKAB reference T²+Q\'s post-processing); 1 = off'),
  pcaForgetting: z.number().min(0.9).max(1).default(1).describe('forgetting factor of the PCA monitor (1 = no forgetting)'),
  shape: z.boolean().default(true).describe('add the per-channel shape members on raw values: forecasting residual and streaming discord (see shape-members.ts)'),
  shapeMargin: z.number().min(0.1).default(1.5).describe('a shape member reaches the threshold at shapeMargin × its learned q-quantile'),
  adaptEvery: z.number().int().min(0).default(16).describe('learn every n-th flagged row (0 = never): a benign lasting change is absorbed slowly, a long anomaly stays high for about n × the baseline window'),
  discordHistory: z.number().int().min(16).default(2048).describe('past windows searched per channel by the discord member (divided among channels beyond 8)'),
  rankFlagged: z.boolean().default(true).describe('order flagged rows by the members\' tail surprise (rank fusion, see tail-surprise.ts) instead of the largest calibrated score; which rows are flagged is unchanged'),
  dampingRows: z.number().int().min(0).default(1000).describe('each member is divided by the median of its last n scores when that median is above the threshold (0 = off; see level-damping.ts)'),
  discordExclusion: z.number().int().min(1).default(1).describe('nearest lag, in windows, at which the discord member looks for a neighbour'),
  periodRows: z.number().int().min(64).default(1024).describe('rows buffered per channel to estimate the period of the shape members'),
});
export type DetectorStackConfig = z.input<typeof DetectorStackConfig>;

/** What the stack says about one row. */
export interface StackStep {
  /** Anomaly score in [0, 1]; ≥ 0.5 means flagged. */
  score: number;
  flagged: boolean;
  /** True while the row was inside the training prefix. */
  training: boolean;
}

export interface DetectorStack {
  /** Scores one row (using only rows before it), then learns it if in training or not flagged. */
  step(x: Record<string, number>): StackStep;
  /** Rows seen so far. */
  readonly rows: number;
}

/** Rows behind the median/MAD of the baseline and the CUSUM reference. */
const BASELINE_WINDOW = 1000;

/** Builds one member with warm-ups scaled to the training prefix, so short files still calibrate. */
function member(name: DetectorName, trainRows: number, seed: number, pcaForgetting: number, layout: ChannelLayout, reference: ChannelStandardizer | undefined): EnsembleMember {
  const quarter = Math.max(8, Math.floor(trainRows / 4));
  const warmup = Math.min(24, quarter);
  let detector: Detector;
  let w = warmup;
  switch (name) {
    case 'baseline':
      detector = createChannelBaseline({ warmup, windowSize: BASELINE_WINDOW }, layout, reference);
      break;
    case 'cusum':
      detector = createCusum({ warmup, windowSize: BASELINE_WINDOW }, layout, reference);
      break;
    case 'hst':
      w = Math.min(250, quarter); // River's window is 250; shorter for short prefixes so the reference exists early
      detector = createHalfSpaceTrees({ windowSize: w, seed }, layout);
      break;
    case 'pca':
      w = Math.min(50, quarter);
      detector = createPcaMonitor({ warmup: w, forgetting: pcaForgetting }, layout);
      break;
  }
  return { name, detector, warmup: w };
}

/**
 * Creates the stack. Calibration in two levels: the ensemble divides each member by its own
 * training quantile; the fused score is then divided by its own training quantile, collected over
 * the second half of the prefix (when every member is warm). Both are frozen when training ends.
 */
export function createDetectorStack(config: DetectorStackConfig = {}): DetectorStack {
  const cfg = DetectorStackConfig.parse(config);
  // Rows become Float64Array rows over one channel layout, shared by every member: the members'
  // numeric fast path (channel-layout.ts), with no key walks or allocation per row.
  const layout = new ChannelLayout();
  // The baseline and the CUSUM learn the same rows into the same rolling median/MAD per channel
  // (same window, same warm-up): the baseline keeps it, the CUSUM reads it, so each row is sorted
  // into one window instead of two. Both read it at the same rows (the CUSUM's reads are a subset
  // of the baseline's), so its lazily refreshed MAD is what each would have had on its own; only a
  // non-number in a row (which toSeries never yields) is read by the baseline alone, and can then
  // move the CUSUM's next MAD refresh by a few rows.
  const reference = cfg.detectors.includes('baseline') && cfg.detectors.includes('cusum') ? new ChannelStandardizer(layout, BASELINE_WINDOW) : undefined;
  const members = cfg.detectors.map((d) => member(d, cfg.trainRows, cfg.seed, cfg.pcaForgetting, layout, reference));
  const ensemble = createEnsemble(members, { fusion: cfg.fusion, quantile: cfg.quantile, minScores: Math.min(30, Math.max(4, Math.floor(cfg.trainRows / 8))) }, layout);
  const fusedTrain: number[] = [];
  let fusedScale: number | undefined;
  let rows = 0;
  const threshold = Z_99 * cfg.margin;
  let rawRow: Float64Array = new Float64Array(0);
  let smoothRow: Float64Array = new Float64Array(0);
  let ewma: Float64Array = new Float64Array(0); // NaN until the channel's first finite value
  const smooth = (x: Float64Array): Float64Array => {
    if (cfg.inputSmoothing <= 0) return x;
    if (smoothRow.length !== x.length) {
      smoothRow = new Float64Array(x.length);
      const e = new Float64Array(x.length).fill(NaN);
      e.set(ewma);
      ewma = e;
    }
    for (let k = 0; k < x.length; k++) {
      const v = x[k]!;
      if (!Number.isFinite(v)) {
        smoothRow[k] = v; // absent stays absent, a non-number stays one
        continue;
      }
      const prev = ewma[k]!;
      const e = prev !== prev ? v : prev + cfg.inputSmoothing * (v - prev);
      ewma[k] = e;
      smoothRow[k] = e;
    }
    return smoothRow;
  };
  const recent: number[] = [];
  const median = (s: number): number => {
    if (cfg.scoreMedianRows <= 1) return s;
    recent.push(s);
    if (recent.length > cfg.scoreMedianRows) recent.shift();
    const sorted = [...recent].sort((a, b) => a - b);
    const h = sorted.length >> 1;
    return sorted.length % 2 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
  };

  let shape: ShapeMembers | undefined;
  const damp = [0, 1, 2].map(() => (cfg.dampingRows > 0 ? new LevelDamping(cfg.dampingRows) : undefined));
  const damped = (i: number, v: number) => damp[i]?.apply(v) ?? v;
  const surprise = [0, 1, 2].map(() => new TailSurprise());
  const member3 = [0, 0, 0];
  let learned = false; // whether the last row was learned (set by finish)
  let flaggedRun = 0;
  return {
    get rows() {
      return rows;
    },
    step(raw) {
      const training = rows < cfg.trainRows;
      rawRow = layout.fromRecord(raw, rawRow);
      const x = smooth(rawRow);
      const fused = median(ensemble.scoreVector(x));
      // Core score in threshold units (1 = the calibrated threshold).
      let core = 0;
      if (fusedScale !== undefined) core = fused / fusedScale / cfg.margin;
      else if (!training) core = fused / threshold; // too few rows to calibrate: ensemble units
      if (!Number.isFinite(core)) core = 1e6;
      let total = core;
      if (cfg.shape) {
        if (!shape) {
          let channels = 0;
          for (const _ in raw) channels++;
          channels = Math.max(1, channels);
          shape = new ShapeMembers({ quantile: cfg.quantile, history: Math.max(128, Math.min(cfg.discordHistory, Math.floor((cfg.discordHistory * 8) / channels))), estimateRows: cfg.periodRows, exclusion: cfg.discordExclusion });
        }
        const sm = shape.score(rawRow);
        const member = member3;
        member[0] = damped(0, core);
        member[1] = damped(1, (sm.residual ?? 0) / cfg.shapeMargin);
        member[2] = damped(2, (sm.discord ?? 0) / cfg.shapeMargin);
        total = Math.max(member[0]!, member[1]!, member[2]!);
        let score = total / (1 + total);
        if (cfg.rankFlagged && total >= 1) {
          // Above the threshold, order by the largest tail surprise (a member that is above its
          // threshold on thousands of rows no longer outranks one at a value it has never seen),
          // the calibrated magnitude breaking ties between members at their maxima.
          const rank = Math.max(surprise[0]!.surprise(member[0]!), surprise[1]!.surprise(member[1]!), surprise[2]!.surprise(member[2]!)) + 0.01 * Math.log1p(total);
          score = 0.5 + (0.5 * rank) / (1 + rank);
        }
        const step = finish(x, fused, score, training);
        if (learned) for (let i = 0; i < 3; i++) surprise[i]!.learn(member[i]!);
        return step;
      }
      return finish(x, fused, total > 0 ? total / (1 + total) : 0, training);
    },
  };

  /** Flags, learns (all of the prefix, then normal rows and one flagged row in adaptEvery) and counts the row. */
  function finish(x: Float64Array, fused: number, score: number, training: boolean): StackStep {
    const flagged = score >= 0.5;
    flaggedRun = flagged ? flaggedRun + 1 : 0;
    if (training && rows >= cfg.trainRows / 2 && Number.isFinite(fused)) fusedTrain.push(fused);
    const learn = training || !flagged || (cfg.adaptEvery > 0 && flaggedRun % cfg.adaptEvery === 0);
    learned = learn;
    if (learn) ensemble.learnVector(x);
    shape?.learn(learn);
    rows++;
    if (rows === cfg.trainRows) {
      ensemble.freezeCalibration();
      if (fusedTrain.length > 0) {
        const sorted = fusedTrain.sort((a, b) => a - b);
        const q = sorted[Math.min(sorted.length - 1, Math.ceil(cfg.quantile * (sorted.length - 1)))]!;
        fusedScale = Math.max(q, 1e-9);
      }
    }
    return { score, flagged, training };
  }
}
