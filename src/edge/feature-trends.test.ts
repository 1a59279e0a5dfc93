import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FeatureTrend } from '../core/index.ts';
import { createFeatureTrends } from './feature-trends.ts';

const MIN = 60_000;

test('feature trends - the archive keeps recent windows as they came and older ones merged, within its bound', () => {
  const t = createFeatureTrends({ pointsPerTier: 8, merge: 4, tiers: 3 });
  const t0 = Date.UTC(2026, 0, 5);
  for (let i = 0; i < 1000; i++) t.update(t0 + i * 5 * MIN, 'b0', { 'vel.rmsMmS': i, 'accel.kurtosis': 3 });
  const s = t.summary('b0', t0 + 999 * 5 * MIN)['vel.rmsMmS']!;
  assert.ok(FeatureTrend.safeParse(s).success);
  assert.ok(s.levels.length <= 3 * 8, `${s.levels.length} points`);
  assert.deepEqual(s.windows.slice(-8), [1, 1, 1, 1, 1, 1, 1, 1], 'the newest tier: single windows');
  assert.equal(s.levels.at(-1), 999);
  assert.equal(s.tHours.at(-1), 0);
  assert.ok(s.windows[0]! === 16, 'the oldest tier: 4 × 4 windows');
  for (let i = 1; i < s.tHours.length; i++) assert.ok(s.tHours[i]! > s.tHours[i - 1]!, 'oldest first');
});

test('feature trends - a merged point is the median of its windows: one spike does not move it', () => {
  fc.assert(
    fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 0, max: 63 }), (level, spike) => {
      const t = createFeatureTrends({ pointsPerTier: 4, merge: 4, tiers: 2 });
      const clean = createFeatureTrends({ pointsPerTier: 4, merge: 4, tiers: 2 });
      for (let i = 0; i < 64; i++) {
        t.update(i * MIN, 'b0', { 'vel.rmsMmS': i === spike ? 1e6 : level });
        clean.update(i * MIN, 'b0', { 'vel.rmsMmS': level });
      }
      const a = t.summary('b0', 64 * MIN)['vel.rmsMmS']!;
      const b = clean.summary('b0', 64 * MIN)['vel.rmsMmS']!;
      // Merged points (windows > 1) agree; a raw point may hold the spike itself.
      return a.levels.every((v, i) => a.windows[i]! === 1 || v === b.levels[i]);
    }),
  );
});

test('feature trends - one history per operating regime, the least recently seen dropped beyond the bound', () => {
  const t = createFeatureTrends({ maxRegimes: 2 });
  t.update(0, 'b0', { 'vel.rmsMmS': 1 });
  t.update(MIN, 'b1', { 'vel.rmsMmS': 2 });
  t.update(2 * MIN, 'b0', { 'vel.rmsMmS': 1.1 });
  t.update(3 * MIN, 'b2', { 'vel.rmsMmS': 3 });
  assert.deepEqual(t.summary('b0', 3 * MIN)['vel.rmsMmS']!.levels.map((v) => Math.round(v * 10) / 10), [1, 1.1]);
  assert.deepEqual(t.summary('b1', 3 * MIN), {}, 'b1 was least recently seen');
  assert.equal(t.summary('b2', 3 * MIN)['vel.rmsMmS']!.levels.length, 1);
});
