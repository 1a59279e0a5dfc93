import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulberry32 } from './prng.ts';
import { RollingMedianMad } from './rolling-median.ts';
import { EXACT_VALUES, StreamingMedianMad } from './streaming-median.ts';

const gauss = (u: () => number) => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

test('streaming-median - every estimate stays within the range of the values learned', () => {
  fc.assert(
    fc.property(fc.array(finite, { minLength: 1, maxLength: 400 }), fc.integer({ min: 8, max: 600 }), (xs, size) => {
      const s = new StreamingMedianMad(size, 0.99);
      for (const x of xs) s.update(x);
      const lo = Math.min(...xs);
      const hi = Math.max(...xs);
      const { median, mad, n } = s.get();
      assert.equal(n, xs.length);
      assert.ok(median >= lo && median <= hi, `median ${median} outside [${lo}, ${hi}]`);
      assert.ok(mad >= 0 && mad <= hi - lo, `mad ${mad} outside [0, ${hi - lo}]`);
      const q = s.quantile(0.99);
      assert.ok(q >= lo && q <= hi, `q99 ${q} outside [${lo}, ${hi}]`);
    }),
    { numRuns: 200 },
  );
});

test('streaming-median - exact order statistics while the first values are kept', () => {
  fc.assert(
    fc.property(fc.array(finite, { minLength: 1, maxLength: EXACT_VALUES - 1 }), (xs) => {
      const s = new StreamingMedianMad(500, 0.99);
      const exact = new RollingMedianMad(500, 0);
      for (const x of xs) {
        s.update(x);
        exact.update(x);
      }
      assert.deepEqual(s.get(), exact.get());
      assert.equal(s.quantile(0.99), exact.quantile(0.99));
    }),
  );
});

test('streaming-median - non-finite values are ignored', () => {
  const s = new StreamingMedianMad(100);
  for (let i = 0; i < 200; i++) s.update(i % 3 === 0 ? NaN : i % 3 === 1 ? Infinity : 5);
  assert.deepEqual(s.get(), { median: 5, mad: 0, n: Array.from({ length: 200 }, (_, i) => i % 3 === 2).filter(Boolean).length });
});

test('streaming-median - converges to the true median, MAD and 0.99-quantile of a stationary stream', () => {
  fc.assert(
    // σ at least 1 % of |μ|: below that the estimator's least step (1e-3·|median|, under the
    // baseline's least σ of 1 % of |median|) sets its noise, not σ.
    fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 1e-2, max: 1e3, noNaN: true }), (seed, mu, relSigma) => {
      const sigma = relSigma * Math.max(1, Math.abs(mu));
      const u = mulberry32(seed);
      const s = new StreamingMedianMad(500, 0.99);
      for (let i = 0; i < 3000; i++) s.update(mu + sigma * gauss(u));
      const { median, mad } = s.get();
      // Standard errors for a 500-value window: median 0.056σ, MAD ~4 %, q99 0.17σ; bounds at ~5 SE.
      assert.ok(Math.abs(median - mu) < 0.3 * sigma, `median ${median} vs ${mu}`);
      assert.ok(Math.abs((1.4826 * mad) / sigma - 1) < 0.2, `σ from MAD ${1.4826 * mad} vs ${sigma}`);
      assert.ok(Math.abs(s.quantile(0.99) - (mu + 2.326 * sigma)) < 0.9 * sigma, `q99 ${s.quantile(0.99)}`);
    }),
    { numRuns: 30 },
  );
});

test('streaming-median - 30 % gross outliers move the median no further than the window median moves', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.double({ min: 20, max: 1e6, noNaN: true }), (seed, far) => {
      const u = mulberry32(seed);
      const s = new StreamingMedianMad(500);
      const window = new RollingMedianMad(500, 0);
      for (let i = 0; i < 3000; i++) {
        const x = u() < 0.3 ? far * (1 + u()) : gauss(u);
        s.update(x);
        window.update(x);
      }
      // 30 % above the inliers put the median at their 0.714-quantile (0.57σ), whatever their size.
      const { median, mad } = s.get();
      assert.ok(Math.abs(median - window.get().median) < 0.3, `median ${median} vs window ${window.get().median}`);
      assert.ok(median < 1.2, `median ${median} pulled towards outliers at ${far}`);
      assert.ok(mad < 2, `MAD ${mad} pulled towards outliers at ${far}`);
    }),
    { numRuns: 30 },
  );
});

test('streaming-median - follows a lasting step within a few window lengths', () => {
  const u = mulberry32(11);
  const s = new StreamingMedianMad(500);
  for (let i = 0; i < 2000; i++) s.update(gauss(u));
  // A window of 500 has absorbed a step entirely 250 values later; the estimate, with a time
  // constant of 250 values, is past half way (1 − 1/e of it for a small step).
  for (let i = 0; i < 250; i++) s.update(3 + gauss(u));
  assert.ok(s.get().median > 1.5, `after 250 values ${s.get().median}`);
  for (let i = 0; i < 750; i++) s.update(3 + gauss(u));
  assert.ok(Math.abs(s.get().median - 3) < 0.3, `after 1000 values ${s.get().median}`);
});

test('streaming-median - a constant stream gives MAD 0 and keeps its value; one that then varies is followed', () => {
  const s = new StreamingMedianMad(200);
  for (let i = 0; i < 500; i++) s.update(-60);
  assert.deepEqual(s.get(), { median: -60, mad: 0, n: 500 });
  const u = mulberry32(5);
  for (let i = 0; i < 3000; i++) s.update(-50 + gauss(u));
  assert.ok(Math.abs(s.get().median + 50) < 0.5, String(s.get().median));
  assert.ok(Math.abs(1.4826 * s.get().mad - 1) < 0.3, String(s.get().mad));
});
