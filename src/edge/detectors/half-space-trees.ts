// Half-Space Trees (Tan, Ting & Liu, "Fast anomaly detection for streaming data", IJCAI 2011;
// River's anomaly.HalfSpaceTrees): an ensemble of random, data-independent binary trees over the
// unit cube. Each node counts the points that reached it in the latest complete window (the
// reference mass r) while the current window fills l; when a window is full, r ← l. A point that
// lands in sparsely populated regions of the reference window is anomalous.
import { z } from 'zod';
import type { VectorDetector } from './detector.ts';
import { ChannelLayout } from './channel-layout.ts';
import { mulberry32 } from './prng.ts';
import { ChannelStandardizer } from './robust-standardizer.ts';

export const HalfSpaceTreesConfig = z.object({
  trees: z.number().int().min(1).default(25).describe('number of trees (paper: 25)'),
  height: z.number().int().min(1).max(20).default(12).describe('depth of each tree (paper: 15; River: 8)'),
  windowSize: z.number().int().min(8).default(250).describe('observations per window: reference masses are those of the last full window (paper and River: 250)'),
  sizeLimit: z.number().min(0).max(1).default(0.1).describe('stop descending once a node\'s reference mass is below this fraction of the window (paper: 0.1 × window)'),
  zRange: z.number().positive().default(8).describe('robust |z| mapped to the unit cube\'s edges: value ↦ 0.5 + z / (2 zRange), clamped'),
  maxScore: z.number().positive().default(1000).describe('cap on the score (a point in empty space)'),
  seed: z.number().int().default(1).describe('seed of the random tree structure'),
});
export type HalfSpaceTreesConfig = z.input<typeof HalfSpaceTreesConfig>;

/**
 * The forest as flat typed arrays, each tree a complete binary tree in heap order (children of i
 * at 2i+1, 2i+2): no per-node objects for the collector to trace. Only reference masses are kept:
 * the paper's latest masses l matter only once their window is complete (r ← l), so the window's
 * points are kept (they are needed for the reference median anyway) and counted when it ends.
 * Counting then descends only where a mass can be read: scoring stops at a node whose reference
 * mass is below the size limit, so the nodes below it are never read and need no count. That
 * gives the same masses as counting every point down to full height, for a fraction of the work,
 * and yields the window points' own mass profiles (for the reference median) on the way.
 */
interface Forest {
  /** Nodes per tree: 2^(height+1) − 1. */
  size: number;
  feature: Int32Array;
  split: Float64Array;
  r: Int32Array;
  /** Nodes whose r is not 0 (cleared before the next count). */
  touched: number[];
}

/** A Half-Space Trees detector; `features` lists the names it scales, frozen after the first window. */
export interface HalfSpaceTrees extends VectorDetector {
  readonly features: readonly string[];
}

/**
 * Creates the forest over `layout` (shared with the caller for the numeric fast path; its own
 * otherwise). Scaling: features are mapped into [0, 1] by the robust median/MAD learned over the
 * first window, then frozen (masses of later windows must stay comparable); the sign of each
 * learned median orients the axis, so flipping a feature's sign convention does not change the
 * trees. Score: the paper's mass profile s(x) = Σ_trees r(node) · 2^depth (high = normal),
 * reported as median s over the reference window divided by s(x) (≈ 1 for typical points, large
 * where the reference window had little mass), capped at `maxScore`.
 */
export function createHalfSpaceTrees(config: HalfSpaceTreesConfig = {}, layout = new ChannelLayout()): HalfSpaceTrees {
  const cfg = HalfSpaceTreesConfig.parse(config);
  const rand = mulberry32(cfg.seed);
  const scaler = new ChannelStandardizer(layout, cfg.windowSize);
  const W = cfg.windowSize;
  const trees = cfg.trees;
  const height = cfg.height;
  const limit = cfg.sizeLimit * W;
  const pow2 = Float64Array.from({ length: cfg.height + 1 }, (_, d) => 2 ** d);
  let features: string[] = [];
  let channel = new Int32Array(0); // layout position of each feature
  let median = new Float64Array(0);
  let sigma = new Float64Array(0);
  let sign = new Float64Array(0);
  let forest: Forest | undefined;
  let windows = 0; // complete windows seen
  let refMedian = 1;
  let d = 0; // features (unit-cube dimensions)
  let points = new Float64Array(0); // the window being filled, in the unit cube, W × d
  let filled = 0;
  let first: Float64Array[] = []; // the first window's rows, replayed once the trees exist
  let unitRow = new Float64Array(0);
  let row: Float64Array | undefined;
  const masses = new Float64Array(W);
  const order = new Int32Array(W); // counting: the window's points, partitioned down a tree

  /** Fills the subtree at heap index `i` of the tree starting at `base` (same draw order as a recursive build). */
  function build(f: Forest, base: number, i: number, depth: number, lo: number[], hi: number[]): void {
    const feature = Math.floor(rand() * lo.length);
    const split = (lo[feature]! + hi[feature]!) / 2;
    f.feature[base + i] = feature;
    f.split[base + i] = split;
    if (depth < cfg.height) {
      const hiL = [...hi];
      hiL[feature] = split;
      const loR = [...lo];
      loR[feature] = split;
      build(f, base, 2 * i + 1, depth + 1, lo, hiL);
      build(f, base, 2 * i + 2, depth + 1, loR, hi);
    }
  }

  function plant(): void {
    const order = scaler.order;
    d = order.length;
    features = order.map((i) => layout.names[i]!);
    channel = Int32Array.from(order);
    median = Float64Array.from(order, (i) => scaler.median(i));
    sigma = Float64Array.from(order, (i) => scaler.sigma(i));
    sign = median.map((m) => (m < 0 ? -1 : 1));
    points = new Float64Array(W * d);
    unitRow = new Float64Array(d);
    const size = 2 ** (cfg.height + 1) - 1;
    const total = size * cfg.trees;
    const f: Forest = { size, feature: new Int32Array(total), split: new Float64Array(total), r: new Int32Array(total), touched: [] };
    for (let t = 0; t < cfg.trees; t++) {
      // Random work range per dimension (paper, Algorithm 1): s ∈ [0,1], range s ± 2·max(s, 1−s).
      const lo: number[] = [];
      const hi: number[] = [];
      for (let i = 0; i < d; i++) {
        const s = rand();
        const r = 2 * Math.max(s, 1 - s);
        lo.push(s - r);
        hi.push(s + r);
      }
      build(f, t * size, 0, 0, lo, hi);
    }
    forest = f;
  }

  /** Writes the unit-cube point of row `x` into `out` at `at`. */
  function unit(x: Float64Array, out: Float64Array, at: number): void {
    for (let i = 0; i < d; i++) {
      const c = channel[i]!;
      const v = c < x.length ? x[c]! : NaN;
      // Missing or non-finite: the far edge, as far out as it gets.
      if (!Number.isFinite(v)) {
        out[at + i] = 1;
        continue;
      }
      const zv = (sign[i]! * (v - median[i]!)) / sigma[i]!;
      const u = 0.5 + (Number.isNaN(zv) ? 0 : zv) / (2 * cfg.zRange);
      out[at + i] = Math.max(0, Math.min(1, u));
    }
  }

  /** The mass profile of the point at `u[at … at+d)` under the reference counts. */
  function mass(u: Float64Array, at: number): number {
    const f = forest!;
    const { feature, split, r } = f;
    let s = 0;
    for (let t = 0; t < trees; t++) {
      const base = t * f.size;
      let i = 0;
      for (let depth = 0; ; depth++) {
        const k = base + i;
        const m = r[k]!;
        if (m < limit || depth === height) {
          s += m * pow2[depth]!;
          break;
        }
        i = u[at + feature[k]!]! < split[k]! ? 2 * i + 1 : 2 * i + 2;
      }
    }
    return s;
  }

  /**
   * Makes the full window the reference: per tree, the window's points are partitioned down the
   * tree (as a quicksort partitions), so a node's count is the length of its range, and only
   * nodes whose counts can be read are split further. Each point's stopping node is added to its
   * mass profile (tree by tree, the order `mass` sums in, so the profiles are the same numbers).
   */
  function count(): void {
    const f = forest!;
    const { r, touched } = f;
    for (const k of touched) r[k] = 0;
    touched.length = 0;
    masses.fill(0);
    for (let t = 0; t < trees; t++) {
      for (let p = 0; p < W; p++) order[p] = p;
      countNode(f, t * f.size, 0, 0, 0, W);
    }
  }

  /** Counts the points `order[lo … hi)` into node `i` of the tree at `base`, and below it where readable. */
  function countNode(f: Forest, base: number, i: number, depth: number, lo: number, hi: number): void {
    const k = base + i;
    const m = hi - lo;
    f.r[k] = m;
    f.touched.push(k);
    // A node below the limit is where scoring stops: its children are never read.
    if (m < limit || depth === height) {
      const add = m * pow2[depth]!;
      for (let a = lo; a < hi; a++) masses[order[a]!]! += add;
      return;
    }
    const feat = f.feature[k]!;
    const sp = f.split[k]!;
    let a = lo;
    let b = hi - 1;
    while (a <= b) {
      const p = order[a]!;
      if (points[p * d + feat]! < sp) a++;
      else {
        order[a] = order[b]!;
        order[b--] = p;
      }
    }
    if (a > lo) countNode(f, base, 2 * i + 1, depth + 1, lo, a);
    if (hi > a) countNode(f, base, 2 * i + 2, depth + 1, a, hi);
  }

  function endWindow(): void {
    windows++;
    count(); // the window just completed becomes the reference; `masses` holds its profiles
    masses.sort();
    refMedian = Math.max(masses[W >> 1] ?? 1, 1e-12);
    filled = 0;
  }

  function insert(x: Float64Array): void {
    unit(x, points, filled * d);
    if (++filled >= W) endWindow();
  }

  function learnVector(x: Float64Array): void {
    if (forest) return insert(x);
    scaler.update(x);
    first.push(Float64Array.from(x));
    if (first.length < W) return;
    // The first window both sets the scaling and becomes the first reference window.
    plant();
    for (const p of first) insert(p);
    first = [];
  }

  function scoreVector(x: Float64Array): number {
    if (windows === 0 || d === 0) return 0;
    unit(x, unitRow, 0);
    const s = mass(unitRow, 0);
    return Math.min(cfg.maxScore, refMedian / Math.max(s, refMedian / cfg.maxScore));
  }

  return {
    get features() {
      return features;
    },
    learnVector,
    scoreVector,
    learnOne(x) {
      row = layout.fromRecord(x, row);
      learnVector(row);
    },
    scoreOne(x) {
      row = layout.fromRecord(x, row);
      return scoreVector(row);
    },
  };
}
