// Half-Space Trees (Tan, Ting & Liu, "Fast anomaly detection for streaming data", IJCAI 2011;
// River's anomaly.HalfSpaceTrees): an ensemble of random, data-independent binary trees over the
// unit cube. Each node counts the points that reached it in the latest complete window (the
// reference mass r) while the current window fills l; when a window is full, r ← l. A point that
// lands in sparsely populated regions of the reference window is anomalous.
import { z } from 'zod';
import type { Detector } from './detector.ts';
import { mulberry32 } from './prng.ts';
import { RobustStandardizer } from './robust-standardizer.ts';

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
 * at 2i+1, 2i+2): no per-node objects for the collector to trace, and a node's masses are reset
 * lazily. `stamp[i]` is the window whose latest mass `l[i]` holds; a node last touched one window
 * ago has reference mass l[i], one touched earlier has 0. So ending a window costs O(1) instead of
 * a walk over every node of every tree, with the paper's r ← l, l ← 0 semantics unchanged.
 */
interface Forest {
  /** Nodes per tree: 2^(height+1) − 1. */
  size: number;
  feature: Int32Array;
  split: Float64Array;
  r: Float64Array;
  l: Float64Array;
  stamp: Int32Array;
}

/** A Half-Space Trees detector; `features` lists the names it scales, frozen after the first window. */
export interface HalfSpaceTrees extends Detector {
  readonly features: readonly string[];
}

/**
 * Creates the forest. Scaling: features are mapped into [0, 1] by the robust median/MAD learned
 * over the first window, then frozen (masses of later windows must stay comparable); the sign of
 * each learned median orients the axis, so flipping a feature's sign convention does not change
 * the trees. Score: the paper's mass profile s(x) = Σ_trees r(node) · 2^depth (high = normal),
 * reported as median s over the reference window divided by s(x) (≈ 1 for typical points,
 * large where the reference window had little mass), capped at `maxScore`.
 */
export function createHalfSpaceTrees(config: HalfSpaceTreesConfig = {}): HalfSpaceTrees {
  const cfg = HalfSpaceTreesConfig.parse(config);
  const rand = mulberry32(cfg.seed);
  const scaler = new RobustStandardizer(cfg.windowSize);
  let features: string[] = [];
  let frozen: { median: number; sigma: number; sign: number }[] = [];
  let forest: Forest | undefined;
  let windows = 0; // complete windows seen; also the stamp of the window being filled
  let refMedian = 1;
  let current: number[][] = []; // unit-cube points of the window being filled (for the reference median)
  let first: Record<string, number>[] = []; // the first window, replayed into the trees once they exist

  /** Fills the subtree at heap index `i` of the tree starting at `base` (same draw order as a recursive build). */
  function build(f: Forest, base: number, i: number, depth: number, lo: number[], hi: number[]): void {
    const d = lo.length;
    const feature = Math.floor(rand() * d);
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
    features = scaler.names();
    frozen = features.map((f) => {
      const loc = scaler.location(f)!;
      return { ...loc, sign: loc.median < 0 ? -1 : 1 };
    });
    const size = 2 ** (cfg.height + 1) - 1;
    const total = size * cfg.trees;
    const f: Forest = {
      size,
      feature: new Int32Array(total),
      split: new Float64Array(total),
      r: new Float64Array(total),
      l: new Float64Array(total),
      stamp: new Int32Array(total),
    };
    for (let t = 0; t < cfg.trees; t++) {
      // Random work range per dimension (paper, Algorithm 1): s ∈ [0,1], range s ± 2·max(s, 1−s).
      const lo: number[] = [];
      const hi: number[] = [];
      for (let i = 0; i < features.length; i++) {
        const s = rand();
        const r = 2 * Math.max(s, 1 - s);
        lo.push(s - r);
        hi.push(s + r);
      }
      build(f, t * size, 0, 0, lo, hi);
    }
    forest = f;
  }

  function unit(x: Record<string, number>): number[] {
    return features.map((f, i) => {
      const v = x[f];
      const s = frozen[i]!;
      // Missing or non-finite: the far edge, as far out as it gets.
      if (v === undefined || !Number.isFinite(v)) return 1;
      const zv = (s.sign * (v - s.median)) / s.sigma;
      const u = 0.5 + (Number.isNaN(zv) ? 0 : zv) / (2 * cfg.zRange);
      return Math.max(0, Math.min(1, u));
    });
  }

  /** Reference mass of node `k`: see Forest on the lazy reset. */
  function refMass(f: Forest, k: number): number {
    const st = f.stamp[k]!;
    return st === windows ? f.r[k]! : st === windows - 1 ? f.l[k]! : 0;
  }

  function mass(u: number[]): number {
    const f = forest!;
    const limit = cfg.sizeLimit * cfg.windowSize;
    let s = 0;
    for (let t = 0; t < cfg.trees; t++) {
      const base = t * f.size;
      let i = 0;
      for (let depth = 0; ; depth++) {
        const k = base + i;
        const r = refMass(f, k);
        if (r < limit || depth === cfg.height) {
          s += r * 2 ** depth;
          break;
        }
        i = u[f.feature[k]!]! < f.split[k]! ? 2 * i + 1 : 2 * i + 2;
      }
    }
    return s;
  }

  function endWindow(): void {
    windows++; // every node's latest mass becomes its reference mass, lazily (see Forest)
    const masses = current.map(mass).sort((a, b) => a - b);
    refMedian = Math.max(masses[masses.length >> 1] ?? 1, 1e-12);
    current = [];
  }

  function insert(x: Record<string, number>): void {
    const f = forest!;
    const u = unit(x);
    for (let t = 0; t < cfg.trees; t++) {
      const base = t * f.size;
      let i = 0;
      for (let depth = 0; ; depth++) {
        const k = base + i;
        if (f.stamp[k] !== windows) {
          f.r[k] = f.stamp[k] === windows - 1 ? f.l[k]! : 0;
          f.l[k] = 0;
          f.stamp[k] = windows;
        }
        f.l[k]!++;
        if (depth === cfg.height) break;
        i = u[f.feature[k]!]! < f.split[k]! ? 2 * i + 1 : 2 * i + 2;
      }
    }
    current.push(u);
    if (current.length >= cfg.windowSize) endWindow();
  }

  return {
    get features() {
      return features;
    },
    learnOne(x) {
      if (forest) return insert(x);
      scaler.update(x);
      first.push({ ...x });
      if (first.length < cfg.windowSize) return;
      // The first window both sets the scaling and becomes the first reference window.
      plant();
      for (const p of first) insert(p);
      first = [];
    },
    scoreOne(x) {
      if (windows === 0 || features.length === 0) return 0;
      const s = mass(unit(x));
      return Math.min(cfg.maxScore, refMedian / Math.max(s, refMedian / cfg.maxScore));
    },
  };
}
