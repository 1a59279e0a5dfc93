import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { severityAt } from './degradation.ts';

test('degradation - severity is 0 at onset, 1 at failure, rising and accelerating in between', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 60_000, max: 1e9 }), fc.double({ min: 1, max: 8, noNaN: true }), (onset, life, growth) => {
      const failure = onset + life;
      assert.equal(severityAt(onset - 1, onset, failure, growth), 0);
      assert.equal(severityAt(onset, onset, failure, growth), 0);
      assert.equal(severityAt(failure, onset, failure, growth), 1);
      const s = [0.25, 0.5, 0.75].map((u) => severityAt(onset + u * life, onset, failure, growth));
      assert.ok(s[0]! < s[1]! && s[1]! < s[2]!, 'monotone');
      // Exponential type: slower than linear at first (convex), so the middle of life is below 0.5.
      assert.ok(s[1]! < 0.5 && s[0]! < 0.25, `convex: ${s.join(', ')}`);
      assert.ok(s[2]! - s[1]! > s[1]! - s[0]!, 'accelerating');
    }),
  );
});
