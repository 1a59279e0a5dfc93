import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createScoreCalibration } from './score-calibration.ts';

test('score calibration - not armed until minScores healthy scores were seen', () => {
  const c = createScoreCalibration(6, { minScores: 10 });
  for (let i = 0; i < 9; i++) c.update(1);
  assert.equal(c.armed, false);
  c.update(1);
  assert.equal(c.armed, true);
});

test('score calibration - a quiet machine keeps the absolute threshold (scale 1)', () => {
  const c = createScoreCalibration(6, { minScores: 20, refreshEvery: 1 });
  for (let i = 0; i < 200; i++) c.update(1 + (i % 10) / 10); // healthy scores 1..1.9
  assert.equal(c.scale, 1);
  assert.equal(c.normalize(7), 7);
});

test('score calibration - a noisy machine gets its threshold at margin × its own q-quantile', () => {
  const c = createScoreCalibration(6, { minScores: 20, refreshEvery: 1, quantile: 0.99, margin: 1.5 });
  // Healthy scores 0..7.99 evenly: p99 ≈ 7.92, so an alarm should need ≈ 11.9 raw.
  for (let i = 0; i < 500; i++) c.update((i % 100) * 0.08);
  assert.ok(Math.abs(c.scale - (1.5 * 7.92) / 6) < 0.02, `scale ${c.scale}`);
  assert.ok(c.normalize(11) < 6 && c.normalize(12.5) > 6);
});

test('score calibration - property: scale ≥ 1 and finite for any finite scores', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (scores) => {
      const c = createScoreCalibration(6, { minScores: 1, refreshEvery: 1 });
      for (const s of scores) c.update(s);
      c.update(NaN);
      assert.ok(c.scale >= 1 && Number.isFinite(c.scale));
    }),
  );
});
