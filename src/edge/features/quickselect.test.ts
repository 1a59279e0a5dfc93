import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fastMedian, selectInPlace } from './quickselect.ts';

const sortedMedian = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

test('quickselect - median equals the sorted median and leaves the input untouched', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { maxLength: 300 }), (xs) => {
      const copy = [...xs];
      // === rather than Object.is: of [0, -0, 0] either zero is the median.
      const [got, want] = [fastMedian(xs), sortedMedian(xs)];
      assert.ok(got === want, `median ${got}, sorted median ${want}`);
      assert.deepEqual(xs, copy);
    }),
    { numRuns: 300 },
  );
});

test('quickselect - k-th smallest of many ties and sorted runs', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 200 }), fc.nat(), (xs, k0) => {
      const k = k0 % xs.length;
      const a = Float64Array.from(xs);
      assert.equal(selectInPlace(a, xs.length, k), [...xs].sort((p, q) => p - q)[k]);
    }),
    { numRuns: 300 },
  );
  const ramp = Float64Array.from({ length: 5000 }, (_, i) => 5000 - i);
  assert.equal(selectInPlace(ramp, 5000, 2500), 2501);
});

test('quickselect - large blocks (the sampled Floyd–Rivest path) give the sorted order statistic', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 601, max: 5000 }), fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 3, 1e6), fc.nat(),
      (n, seed, levels, k0) => {
        // `levels` 0: continuous values; otherwise integers in [−levels, levels] (many ties).
        let s = seed >>> 0;
        const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        const xs = Array.from({ length: n }, () => (levels === 0 ? u() - 0.5 : Math.round((2 * u() - 1) * levels) + 0)); // + 0: no −0, which equals 0 but not to assert
        const sorted = [...xs].sort((p, q) => p - q);
        const k = k0 % n;
        assert.equal(selectInPlace(Float64Array.from(xs), n, k), sorted[k]);
        assert.equal(fastMedian(xs), sortedMedian(xs));
      },
    ),
    { numRuns: 150 },
  );
  const ramp = Float64Array.from({ length: 5000 }, (_, i) => i % 2 ? i : 5000 - i);
  assert.equal(fastMedian(ramp), sortedMedian([...ramp]));
});
