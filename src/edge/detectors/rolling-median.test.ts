import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RollingMedianMad } from './rolling-median.ts';

const med = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

test('rolling-median - exact on long windows when the MAD is refreshed on every update', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }), { minLength: 1, maxLength: 700 }), fc.integer({ min: 64, max: 400 }), (xs, size) => {
      const r = new RollingMedianMad(size, 0);
      for (const x of xs) r.update(x);
      const win = xs.slice(-size);
      const m = med(win);
      // `+ 0` folds -0 into 0: which signed zero a median of zeros returns is not the point.
      assert.equal(r.get().median + 0, m + 0);
      assert.equal(r.get().mad + 0, med(win.map((x) => Math.abs(x - m))) + 0);
    }),
    { numRuns: 60 },
  );
});

test('rolling-median - exact MAD on short windows full of ties, in both precisions', () => {
  // Few distinct values put many deviations on both sides of the median at equal distance: the
  // order statistic of the two runs of deviations must not depend on which side a tie is taken from.
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 70 }),
      fc.boolean(),
      (xs, size, float32) => {
        const r = new RollingMedianMad(size, 0, float32);
        for (const x of xs) r.update(x);
        const win = xs.slice(-size).map((x) => (float32 ? Math.fround(x) : x));
        const m = med(win);
        assert.equal(r.n, win.length);
        assert.equal(r.get().median + 0, m + 0);
        assert.equal(r.get().mad + 0, med(win.map((x) => Math.abs(x - m))) + 0);
      },
    ),
    { numRuns: 200 },
  );
});

test('rolling-median - the lazily refreshed MAD stays within 5% of the exact one on a stationary stream', () => {
  let s = 3;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const lazy = new RollingMedianMad(1000);
  const exact = new RollingMedianMad(1000, 0);
  for (let i = 0; i < 5000; i++) {
    const x = Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
    lazy.update(x);
    exact.update(x);
    if (i > 100) {
      const e = exact.get().mad;
      assert.ok(Math.abs(lazy.get().mad - e) <= 0.05 * e, `row ${i}: ${lazy.get().mad} vs ${e}`);
      assert.equal(lazy.get().median, exact.get().median);
    }
  }
});

test('rolling-median - single-precision storage evicts exactly and rounds to 7 digits', () => {
  const r = new RollingMedianMad(50, 0, true);
  for (let i = 0; i < 500; i++) r.update(1500 + 0.1 * (i % 7) + 1e-9 * i);
  assert.equal(r.n, 50);
  const m = r.get().median;
  assert.ok(Math.abs(m - 1500.3) < 1e-3, String(m));
});

test('rolling-median - exact on slowly moving values, where each search starts next to its answer (fast-check)', () => {
  // Autocorrelated values with ties (rounded to a coarse grid): the searches for the value
  // inserted and the one evicted start where the previous ones ended, a few ranks away.
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 600 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(0, 0.01, 0.5), (steps, size, grid) => {
      const r = new RollingMedianMad(size, 0);
      const xs: number[] = [];
      let level = 0;
      for (const d of steps) {
        level += d / 100 + 1e-3 * Math.sin(xs.length); // off the grid unless rounded to it
        const x = grid > 0 ? Math.round(level / grid) * grid : level;
        xs.push(x);
        r.update(x);
        const win = xs.slice(-size);
        const m = med(win);
        assert.equal(r.get().median + 0, m + 0);
        assert.equal(r.get().mad + 0, med(win.map((v) => Math.abs(v - m))) + 0);
      }
    }),
    { numRuns: 40 },
  );
});
