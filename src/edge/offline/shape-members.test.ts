import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { select } from './shape-members.ts';

test('shape members - quickselect returns the k-th smallest value, as a sort would (fast-check)', () => {
  const values = fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, 1, 2)), { minLength: 1, maxLength: 300 });
  fc.assert(
    fc.property(values, fc.double({ min: 0, max: 1, noNaN: true }), (v, q) => {
      const k = Math.min(v.length - 1, Math.floor(q * v.length));
      const sorted = Float64Array.from(v).sort();
      const got = select(Float64Array.from(v), k);
      assert.ok(got === sorted[k], `${got} vs ${sorted[k]}`); // === : −0 and 0 are the same order statistic
    }),
    { numRuns: 300 },
  );
});
