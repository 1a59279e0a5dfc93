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
      assert.equal(fastMedian(xs), sortedMedian(xs));
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
