import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_GROWTH, drawGrowth, faultSeverityAt, lifeFractionAtSeverity, severityAt } from './degradation.ts';
import { createRng } from './rng.ts';

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

test('degradation - growth is drawn per injection: deterministic per stream, spread like Paris-law constants, within [2, 7]', () => {
  const a = Array.from({ length: 400 }, (_, i) => drawGrowth(createRng(1, `m-${i}`, 'onset', 'bearing-outer-race')));
  assert.deepEqual(Array.from({ length: 400 }, (_, i) => drawGrowth(createRng(1, `m-${i}`, 'onset', 'bearing-outer-race'))), a, 'same seed, same growth');
  assert.ok(a.every((g) => g >= 2 && g <= 7));
  const sorted = [...a].sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.floor(q * sorted.length)]!;
  const p10 = at(0.1), p50 = at(0.5), p90 = at(0.9);
  assert.ok(Math.abs(p50 - DEFAULT_GROWTH) < 0.2, `median ${p50}`);
  assert.ok(p90 / p10 > 1.4, `spread p10 ${p10.toFixed(2)} p90 ${p90.toFixed(2)}`);
});

test('degradation - lifeFractionAtSeverity inverts faultSeverityAt for the exponential and the tool-wear paths', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 2, max: 7, noNaN: true }), fc.constantFrom('bearing-inner-race' as const, 'tool-wear' as const), (u, growth, kind) => {
      const s = faultSeverityAt(kind, u * 1e6, 0, 1e6, growth);
      assert.ok(Math.abs(lifeFractionAtSeverity(kind, s, growth) - u) < 1e-6, `${kind} u ${u}`);
    }),
  );
  // Tool wear is past its fast break-in early: a tenth of the life already gives a large share of the wear.
  assert.ok(faultSeverityAt('tool-wear', 0.1, 0, 1) > severityAt(0.1, 0, 1) + 0.2);
});
