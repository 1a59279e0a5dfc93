import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectorContract } from './detector.contract.ts';
import { ChannelLayout, isAbsent } from './channel-layout.ts';
import { createChannelBaseline } from './channel-baseline.ts';
import { createRobustBaseline, type RobustBaselineConfig } from './robust-baseline.ts';
import { ChannelStandardizer } from './robust-standardizer.ts';
import { createCusum } from './cusum.ts';
import { createHalfSpaceTrees } from './half-space-trees.ts';
import { createPcaMonitor } from './pca-monitor.ts';
import { createEnsemble } from './ensemble.ts';
import type { Detector, VectorDetector } from './detector.ts';

detectorContract('channel-baseline (top-k RMS)', () => createChannelBaseline({ warmup: 24 }), 24);
detectorContract('channel-baseline (max)', () => createChannelBaseline({ warmup: 10, aggregate: 'max' }), 10);

// Streams with what real files and feeds have: channels that appear late, absent cells, NaN and
// ±Infinity, dB levels and impulsiveness features (their own σ rules), a level shift.
const NAMES = ['a', 'b_db', 'env.kurtosis', 'scalar.temp1.residual', 'c'];
const cell = fc.oneof(
  { weight: 20, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e300) },
);
const stream = fc.array(fc.tuple(fc.array(fc.option(cell, { freq: 8 }), { minLength: NAMES.length, maxLength: NAMES.length }), fc.integer({ min: 0, max: 4 })), { minLength: 40, maxLength: 160 }).map((rows) =>
  rows.map(([cells, late], i) => {
    const x: Record<string, number> = {};
    cells.forEach((v, k) => {
      if (v !== null && (k < 2 || i > 10 * k + late)) x[NAMES[k]!] = v + (i > 100 ? 20 : 0);
    });
    return x;
  }),
);

/** Scores each row, then learns it (the stack's order), through the Record API. */
function prequential(d: Detector, rows: Record<string, number>[]): number[] {
  return rows.map((x) => {
    const s = d.scoreOne(x);
    d.learnOne(x);
    return s;
  });
}

/** The same through the numeric fast path on a layout shared by the caller. */
function prequentialVector(d: VectorDetector, layout: ChannelLayout, rows: Record<string, number>[]): number[] {
  let row: Float64Array | undefined;
  return rows.map((x) => {
    row = layout.fromRecord(x, row);
    const s = d.scoreVector(row);
    d.learnVector(row);
    return s;
  });
}

test('channel-layout - absent channels read NaN, non-numbers +∞, new channels are appended', () => {
  const layout = new ChannelLayout();
  const r1 = layout.fromRecord({ a: 1, b: NaN });
  assert.deepEqual([...r1], [1, Infinity]);
  const r2 = layout.fromRecord({ c: -Infinity, a: 2 }, r1);
  assert.deepEqual(layout.names, ['a', 'b', 'c']);
  assert.equal(r2[0], 2);
  assert.ok(isAbsent(r2[1]!));
  assert.equal(r2[2], -Infinity);
  assert.deepEqual(layout.toRecord(r2), { a: 2, c: -Infinity });
});

for (const cfg of [{ warmup: 12 }, { warmup: 8, aggregate: 'max' }, { warmup: 8, topK: 3, windowSize: 30 }, { warmup: 8, ignore: ['env.'] }] as RobustBaselineConfig[]) {
  test(`channel-baseline - scores as the robust baseline, row for row (${JSON.stringify(cfg)}, fast-check)`, () => {
    fc.assert(
      fc.property(stream, (rows) => {
        const layout = new ChannelLayout();
        const want = prequential(createRobustBaseline(cfg), rows);
        assert.deepEqual(prequentialVector(createChannelBaseline(cfg, layout), layout, rows), want);
        assert.deepEqual(prequential(createChannelBaseline(cfg), rows), want);
      }),
      { numRuns: 60 },
    );
  });
}

test('vector path - CUSUM, Half-Space Trees and PCA score the same through either API (fast-check)', () => {
  const makers: [string, (l: ChannelLayout) => VectorDetector][] = [
    ['cusum', (l) => createCusum({ warmup: 10, windowSize: 40 }, l)],
    ['hst', (l) => createHalfSpaceTrees({ windowSize: 20, trees: 5, height: 6, seed: 4 }, l)],
    ['pca', (l) => createPcaMonitor({ warmup: 10, refitEvery: 7, forgetting: 0.99 }, l)],
  ];
  fc.assert(
    fc.property(stream, (rows) => {
      for (const [name, make] of makers) {
        const layout = new ChannelLayout();
        assert.deepEqual(prequentialVector(make(layout), layout, rows), prequential(make(new ChannelLayout()), rows), name);
      }
    }),
    { numRuns: 40 },
  );
});

test('vector path - a CUSUM reading the baseline\'s reference scores as one with its own (fast-check)', () => {
  fc.assert(
    fc.property(stream, (rows) => {
      const own = createCusum({ warmup: 10, windowSize: 50 });
      const layout = new ChannelLayout();
      const ref = new ChannelStandardizer(layout, 50);
      const baseline = createChannelBaseline({ warmup: 10, windowSize: 50 }, layout, ref);
      const cusum = createCusum({ warmup: 10, windowSize: 50 }, layout, ref);
      let row: Float64Array | undefined;
      // Finite rows: a non-number is read by the baseline only, which can move when the shared
      // MAD is refreshed (the stack's input, from toSeries, has none).
      for (const x of rows.filter((r) => Object.values(r).every(Number.isFinite))) {
        row = layout.fromRecord(x, row);
        baseline.scoreVector(row);
        assert.equal(cusum.scoreVector(row), own.scoreOne(x));
        baseline.learnVector(row);
        cusum.learnVector(row);
        own.learnOne(x);
      }
      assert.deepEqual(cusum.sums(), own.sums());
    }),
    { numRuns: 40 },
  );
});

test('vector path - the ensemble fuses the same through either API, learning only some rows', () => {
  const make = (l: ChannelLayout) =>
    createEnsemble(
      [
        { name: 'baseline', detector: createChannelBaseline({ warmup: 10 }, l), warmup: 10 },
        { name: 'pca', detector: createPcaMonitor({ warmup: 10, refitEvery: 5 }, l), warmup: 10 },
        { name: 'hst', detector: createHalfSpaceTrees({ windowSize: 16, trees: 4, height: 5 }, l), warmup: 16 },
      ],
      { minScores: 8 },
      l,
    );
  fc.assert(
    fc.property(stream, fc.integer({ min: 2, max: 5 }), (rows, every) => {
      const a = make(new ChannelLayout());
      const layout = new ChannelLayout();
      const b = make(layout);
      let row: Float64Array | undefined;
      rows.forEach((x, i) => {
        row = layout.fromRecord(x, row);
        assert.equal(b.scoreVector(row), a.scoreOne(x));
        assert.deepEqual(b.lastScores(), a.lastScores());
        if (i % every !== 0) {
          a.learnOne(x);
          b.learnVector(row);
        }
        if (i === 80) {
          a.freezeCalibration();
          b.freezeCalibration();
        }
      });
    }),
    { numRuns: 30 },
  );
});
