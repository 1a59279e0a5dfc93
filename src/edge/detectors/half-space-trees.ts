// Half-Space Trees (Tan, Ting & Liu, "Fast anomaly detection for streaming data", IJCAI 2011;
// River's anomaly.HalfSpaceTrees): an ensemble of random, data-independent binary trees over the
// unit cube. Each node counts the points that reached it in the latest complete window (the
// reference mass r) while the current window fills l; when a window is full, r ← l. A point that
// lands in sparsely populated regions of the reference window is anomalous.
import { z } from 'zod';
import type { VectorDetector } from './detector.ts';
import { ChannelLayout, recordMethods } from './channel-layout.ts';
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
 * at 2i+1, 2i+2): no per-node objects for the collector to trace. Only reference masses are kept
 * (in the readable forest below): the paper's latest masses l matter only once their window is
 * complete (r ← l), so the window's points are kept (they are needed for the reference median
 * anyway) and counted when it ends.
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
}

/**
 * The part of the forest a score can read, rebuilt when a window ends: per tree, the nodes whose
 * reference mass is at least the size limit (above full height) are inner nodes, and their
 * children are leaves holding the mass term r · 2^depth of the paper's profile (0 for an empty
 * one). Packed depth-first with both children of a node side by side, the ~25 reachable nodes of
 * a tree sit in a few cache lines, where the heap-ordered full tree (2^(height+1) nodes per tree,
 * megabytes for the forest) puts each level of a walk on its own line: a scoring walk of ~12
 * levels × 25 trees was bound by cache misses. The values and their order of summation are those
 * of a walk over the full tree, so scores are the same to the bit.
 */
interface ReadableForest {
  /** Split feature of an inner node; −1 marks a leaf. Nodes 0 … trees−1 are the roots. */
  feature: Int32Array;
  /** Split of an inner node, mass term of a leaf. */
  value: Float64Array;
  /** First child of an inner node (the second follows it): the side where the feature is below the split. */
  child: Int32Array;
  /** Nodes in use. */
  used: number;
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
  let readable: ReadableForest = { feature: new Int32Array(0), value: new Float64Array(0), child: new Int32Array(0), used: 0 };
  const masses = new Float64Array(W);
  const order = new Int32Array(W); // counting: the window's points, partitioned down a tree
  // Counting: per feature, bounds of the points in the node being split (see countNode).
  let boxLo = new Float64Array(0);
  let boxHi = new Float64Array(0);

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
    boxLo = new Float64Array(d);
    boxHi = new Float64Array(d);
    const size = 2 ** (cfg.height + 1) - 1;
    const total = size * cfg.trees;
    const f: Forest = { size, feature: new Int32Array(total), split: new Float64Array(total) };
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

  /** The mass profile of the point at `u[at … at+d)` under the reference counts (its readable forest). */
  function mass(u: Float64Array, at: number): number {
    const { feature, value, child } = readable;
    let s = 0;
    for (let t = 0; t < trees; t++) {
      let i = t;
      let f = feature[i]!;
      while (f >= 0) {
        i = u[at + f]! < value[i]! ? child[i]! : child[i]! + 1;
        f = feature[i]!;
      }
      s += value[i]!;
    }
    return s;
  }

  /** Index of `n` new readable nodes, growing the arrays (by doubling) when full. */
  function allocate(n: number): number {
    const at = readable.used;
    if (at + n > readable.feature.length) {
      const cap = Math.max(2 * readable.feature.length, at + n, 64);
      const feature = new Int32Array(cap);
      const value = new Float64Array(cap);
      const child = new Int32Array(cap);
      feature.set(readable.feature);
      value.set(readable.value);
      child.set(readable.child);
      readable = { feature, value, child, used: at };
    }
    readable.used = at + n;
    return at;
  }

  /** Makes node `slot` a leaf holding the mass term `term`. */
  function leaf(slot: number, term: number): void {
    readable.feature[slot] = -1;
    readable.value[slot] = term;
  }

  /**
   * Makes the full window the reference: per tree, the window's points are partitioned down the
   * tree (as a quicksort partitions), so a node's count is the length of its range, and only
   * nodes whose counts can be read are split further; they become the readable forest. Each
   * point's stopping node is added to its mass profile (tree by tree, the order `mass` sums in,
   * so the profiles are the same numbers).
   */
  function count(): void {
    const f = forest!;
    readable.used = 0;
    allocate(trees); // the roots
    masses.fill(0);
    boxLo.fill(Infinity);
    boxHi.fill(-Infinity);
    for (let p = 0; p < W; p++) {
      for (let j = 0; j < d; j++) {
        const v = points[p * d + j]!;
        if (v < boxLo[j]!) boxLo[j] = v;
        if (v > boxHi[j]!) boxHi[j] = v;
      }
    }
    for (let t = 0; t < trees; t++) {
      for (let p = 0; p < W; p++) order[p] = p;
      countNode(f, t * f.size, 0, 0, 0, W, t);
    }
  }

  /** Counts the points `order[lo … hi)` into node `i` of the tree at `base` (readable node `slot`), and below it where readable. */
  function countNode(f: Forest, base: number, i: number, depth: number, lo: number, hi: number, slot: number): void {
    const k = base + i;
    const m = hi - lo;
    // A node below the limit is where scoring stops: its children are never read.
    if (m < limit || depth === height) {
      const add = m * pow2[depth]!;
      leaf(slot, add);
      for (let a = lo; a < hi; a++) masses[order[a]!]! += add;
      return;
    }
    const feat = f.feature[k]!;
    const sp = f.split[k]!;
    // Points live in the unit cube (`unit` clamps), so a split outside [0, 1] sends every point,
    // counted or scored, the same way: the readable forest skips it (the node it leads to takes
    // its slot, at its own depth), and a walk makes one comparison fewer.
    if (sp > 1) return countNode(f, base, 2 * i + 1, depth + 1, lo, hi, slot);
    if (sp <= 0) return countNode(f, base, 2 * i + 2, depth + 1, lo, hi, slot);
    const first = allocate(2);
    readable.feature[slot] = feat;
    readable.value[slot] = sp;
    readable.child[slot] = first;
    // The work range is wider than the data (Algorithm 1 draws it up to twice the unit cube), so
    // most splits of a counted node fall outside its points' range on that feature and send them
    // all one way (~80 % of nodes, ~70 % of point visits on sensor rows). `boxLo/boxHi` bound the
    // points of this node per feature (the window's range, narrowed to the actual values on each
    // side of every split taken above), which settles those nodes without visiting the points.
    // The counts, and so the masses, are the same; only the order of points inside a range differs.
    const bl = boxLo[feat]!;
    const bh = boxHi[feat]!;
    if (bh < sp) {
      countNode(f, base, 2 * i + 1, depth + 1, lo, hi, first);
      leaf(first + 1, 0);
      return;
    }
    if (bl >= sp) {
      leaf(first, 0);
      countNode(f, base, 2 * i + 2, depth + 1, lo, hi, first + 1);
      return;
    }
    let a = lo;
    let b = hi - 1;
    let leftMax = -Infinity;
    let rightMin = Infinity;
    while (a <= b) {
      const p = order[a]!;
      const v = points[p * d + feat]!;
      if (v < sp) {
        if (v > leftMax) leftMax = v;
        a++;
      } else {
        if (v < rightMin) rightMin = v;
        order[a] = order[b]!;
        order[b--] = p;
      }
    }
    // An empty child reads a mass of 0, below any limit or (limit 0) all the way down: it adds 0.
    if (a > lo) {
      boxHi[feat] = leftMax;
      countNode(f, base, 2 * i + 1, depth + 1, lo, a, first);
      boxHi[feat] = bh;
    } else leaf(first, 0);
    if (hi > a) {
      boxLo[feat] = rightMin;
      countNode(f, base, 2 * i + 2, depth + 1, a, hi, first + 1);
      boxLo[feat] = bl;
    } else leaf(first + 1, 0);
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
    ...recordMethods(layout, learnVector, scoreVector),
  };
}
