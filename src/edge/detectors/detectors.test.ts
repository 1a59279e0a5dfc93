import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectorContract } from './detector.contract.ts';
import { createRobustBaseline } from './robust-baseline.ts';
import { createThresholdFilter } from './threshold-filter.ts';
import { RollingMedianMad } from './rolling-median.ts';

detectorContract('robust-baseline (top-k RMS)', () => createRobustBaseline({ warmup: 24 }), 24);
detectorContract('robust-baseline (max)', () => createRobustBaseline({ warmup: 10, aggregate: 'max' }), 10);
detectorContract('threshold-filter over robust-baseline', () => createThresholdFilter(createRobustBaseline({ warmup: 24 }), { threshold: 6 }), 24);

function bruteMedian(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

test('rolling-median - median and MAD match a brute-force computation over the window', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 40 }), (xs, size) => {
      const r = new RollingMedianMad(size);
      for (const x of xs) r.update(x);
      const win = xs.slice(-size);
      const m = bruteMedian(win);
      const got = r.get();
      assert.equal(got.n, win.length);
      assert.equal(got.median, m);
      assert.equal(got.mad, bruteMedian(win.map((x) => Math.abs(x - m))));
    }),
    { numRuns: 200 },
  );
});

test('robust-baseline - a constant feature is floored, not infinite', () => {
  const d = createRobustBaseline({ warmup: 5 });
  for (let i = 0; i < 10; i++) d.learnOne({ speed: 1500 });
  assert.equal(d.scoreOne({ speed: 1500 }), 0);
  const s = d.scoreOne({ speed: 1515 }); // 1% off a constant = 1 floor σ
  assert.ok(Number.isFinite(s) && s > 0.5 && s < 1, String(s));
});

test('robust-baseline - baseline reports median and MAD per feature', () => {
  const d = createRobustBaseline({ warmup: 3 });
  for (const v of [1, 2, 3, 4, 100]) d.learnOne({ f: v });
  assert.deepEqual(d.baseline(), { f: { median: 3, mad: 1 } });
});

test('threshold-filter - a lasting anomaly is not learned, so it keeps scoring high', () => {
  const raw = createRobustBaseline({ warmup: 10, windowSize: 50 });
  const filtered = createThresholdFilter(createRobustBaseline({ warmup: 10, windowSize: 50 }), { threshold: 5 });
  for (let i = 0; i < 30; i++) {
    const x = { f: 10 + (i % 5) * 0.1, g: 1 + (i % 3) * 0.01 };
    raw.learnOne(x);
    filtered.learnOne(x);
  }
  const anomaly = { f: 20, g: 1.5 };
  for (let i = 0; i < 60; i++) {
    raw.scoreOne(anomaly);
    raw.learnOne(anomaly);
    filtered.scoreOne(anomaly);
    filtered.learnOne(anomaly);
  }
  assert.ok(raw.scoreOne(anomaly) < 1, `unfiltered detector absorbed the anomaly: ${raw.scoreOne(anomaly)}`);
  assert.ok(filtered.scoreOne(anomaly) > 20, `filtered: ${filtered.scoreOne(anomaly)}`);
  assert.equal(filtered.isAnomaly(filtered.scoreOne(anomaly)), true);
  assert.equal(filtered.isAnomaly(1), false);
});
