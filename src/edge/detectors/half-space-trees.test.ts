import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ChannelLayout } from './channel-layout.ts';
import { createHalfSpaceTrees, type HalfSpaceTreesConfig } from './half-space-trees.ts';
import { mulberry32 } from './prng.ts';
import { ChannelStandardizer } from './robust-standardizer.ts';

/**
 * Half-Space Trees as the paper states them (Tan, Ting & Liu 2011, Algorithms 1–3): full
 * heap-ordered trees, every window point counted down to full height when its window ends
 * (r ← l), a score walking down until the reference mass is below the size limit. Same tree
 * draws, scaling and score as half-space-trees.ts, none of its shortcuts (counting only readable
 * nodes, the bounding boxes that settle one-sided splits, the packed readable forest).
 */
function paperHst(config: Required<Omit<HalfSpaceTreesConfig, 'seed'>> & { seed: number }, layout: ChannelLayout) {
  const { trees, height, windowSize: W, sizeLimit, zRange, maxScore } = config;
  const rand = mulberry32(config.seed);
  const scaler = new ChannelStandardizer(layout, W);
  const size = 2 ** (height + 1) - 1;
  const limit = sizeLimit * W;
  let channel: number[] = [];
  let median: number[] = [];
  let sigma: number[] = [];
  let feature: number[] = [];
  let split: number[] = [];
  let r: number[] = [];
  let window: number[][] = [];
  let first: Float64Array[] = [];
  let planted = false;
  let windows = 0;
  let refMedian = 1;
  const unit = (x: Float64Array) =>
    channel.map((c, i) => {
      const v = c < x.length ? x[c]! : NaN;
      if (!Number.isFinite(v)) return 1;
      const zv = ((median[i]! < 0 ? -1 : 1) * (v - median[i]!)) / sigma[i]!;
      return Math.max(0, Math.min(1, 0.5 + (Number.isNaN(zv) ? 0 : zv) / (2 * zRange)));
    });
  const build = (base: number, i: number, depth: number, lo: number[], hi: number[]): void => {
    const f = Math.floor(rand() * lo.length);
    const s = (lo[f]! + hi[f]!) / 2;
    feature[base + i] = f;
    split[base + i] = s;
    if (depth < height) {
      build(base, 2 * i + 1, depth + 1, lo, hi.map((h, k) => (k === f ? s : h)));
      build(base, 2 * i + 2, depth + 1, lo.map((l, k) => (k === f ? s : l)), hi);
    }
  };
  const mass = (u: number[]) => {
    let s = 0;
    for (let t = 0; t < trees; t++) {
      let i = 0;
      for (let depth = 0; ; depth++) {
        const m = r[t * size + i]!;
        if (m < limit || depth === height) {
          s += m * 2 ** depth;
          break;
        }
        i = u[feature[t * size + i]!]! < split[t * size + i]! ? 2 * i + 1 : 2 * i + 2;
      }
    }
    return s;
  };
  const insert = (x: Float64Array) => {
    window.push(unit(x));
    if (window.length < W) return;
    windows++;
    r = new Array<number>(size * trees).fill(0);
    for (const u of window)
      for (let t = 0; t < trees; t++)
        for (let i = 0, depth = 0; ; depth++) {
          r[t * size + i]!++;
          if (depth === height) break;
          i = u[feature[t * size + i]!]! < split[t * size + i]! ? 2 * i + 1 : 2 * i + 2;
        }
    const masses = Float64Array.from(window, mass).sort();
    refMedian = Math.max(masses[W >> 1] ?? 1, 1e-12);
    window = [];
  };
  return {
    learn(x: Float64Array) {
      if (planted) return insert(x);
      scaler.update(x);
      first.push(Float64Array.from(x));
      if (first.length < W) return;
      channel = [...scaler.order];
      median = channel.map((c) => scaler.median(c));
      sigma = channel.map((c) => scaler.sigma(c));
      feature = new Array<number>(size * trees).fill(0);
      split = new Array<number>(size * trees).fill(0);
      for (let t = 0; t < trees; t++) {
        const lo: number[] = [];
        const hi: number[] = [];
        for (let i = 0; i < channel.length; i++) {
          const s = rand();
          const h = 2 * Math.max(s, 1 - s);
          lo.push(s - h);
          hi.push(s + h);
        }
        build(t * size, 0, 0, lo, hi);
      }
      planted = true;
      for (const p of first) insert(p);
      first = [];
    },
    score(x: Float64Array) {
      if (windows === 0 || channel.length === 0) return 0;
      return Math.min(maxScore, refMedian / Math.max(mass(unit(x)), refMedian / maxScore));
    },
  };
}

test('half-space-trees - scores the paper\'s full-height counting would, to the bit (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.record({
        trees: fc.integer({ min: 1, max: 6 }),
        height: fc.integer({ min: 1, max: 9 }),
        windowSize: fc.integer({ min: 8, max: 40 }),
        sizeLimit: fc.constantFrom(0, 0.05, 0.1, 0.3),
        zRange: fc.constantFrom(2, 8),
        maxScore: fc.constant(1000),
        seed: fc.integer({ min: 0, max: 1000 }),
      }),
      // Rows of 1–4 channels: autocorrelated like process signals, a level shift, some cells absent or not numbers.
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      (config, channels, dataSeed) => {
        const u = mulberry32(dataSeed);
        const names = Array.from({ length: channels }, (_, c) => `ch${c}`);
        const level = new Array<number>(channels).fill(0);
        const rows = Array.from({ length: 160 }, (_, i) => {
          const x: Record<string, number> = {};
          names.forEach((n, c) => {
            level[c] = 0.9 * level[c]! + (u() - 0.5);
            const roll = u();
            if (roll < 0.02) return; // absent
            x[n] = roll < 0.03 ? NaN : (c - 1.5) * 10 + level[c]! + (i > 120 && c === 0 ? 4 : 0);
          });
          return x;
        });
        const layout = new ChannelLayout();
        const fast = createHalfSpaceTrees(config, layout);
        const paperLayout = new ChannelLayout();
        const paper = paperHst(config, paperLayout);
        let row: Float64Array | undefined;
        let paperRow: Float64Array | undefined;
        rows.forEach((x, i) => {
          row = layout.fromRecord(x, row);
          paperRow = paperLayout.fromRecord(x, paperRow);
          assert.equal(fast.scoreVector(row), paper.score(paperRow), `row ${i}`);
          fast.learnVector(row);
          paper.learn(paperRow);
        });
      },
    ),
    { numRuns: 150 },
  );
});
