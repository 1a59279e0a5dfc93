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

test('score calibration - with a target false-alarm rate per machine-month, healthy windows reach the threshold at about that rate', async () => {
  const { createRobustBaseline } = await import('./robust-baseline.ts');
  const { mulberry32 } = await import('./prng.ts');
  const u = mulberry32(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  // Healthy simulated features: 8 channels of Gaussian noise around a level, scored by the robust baseline.
  const row = () => Object.fromEntries(Array.from({ length: 8 }, (_, j) => [`f${j}`, 10 + j + normal()]));
  const base = createRobustBaseline({ warmup: 50 });
  for (let i = 0; i < 500; i++) base.learnOne(row());
  const windowMs = 5 * 60_000; // 8,640 windows per 30-day month
  for (const target of [20, 100]) {
    const c = createScoreCalibration(6, { falseAlarmsPerMonth: target, minScale: 1e-6, minScores: 100, memory: 500, refreshEvery: 1 });
    c.setWindowMs(windowMs);
    for (let i = 0; i < 500; i++) c.update(base.scoreOne(row()));
    const months = 20;
    let over = 0;
    for (let i = 0; i < months * 8640; i++) if (c.normalize(base.scoreOne(row())) >= 6) over++;
    const rate = over / months;
    assert.ok(rate > target / 2 && rate < target * 2, `target ${target}/month, measured ${rate.toFixed(1)}/month (threshold ${c.threshold.toFixed(2)})`);
  }
});

test('score calibration - tail threshold: empirical inside the data, exponential beyond it', async () => {
  const { tailThreshold } = await import('./score-calibration.ts');
  // Exponential(1) quantiles: P(X > x) = e^-x, so the 1e-4 tail is at ln(1e4) ≈ 9.21.
  const sorted = Array.from({ length: 1000 }, (_, i) => -Math.log(1 - (i + 0.5) / 1000));
  assert.ok(Math.abs(tailThreshold(sorted, 0.5, 0.9) - Math.LN2) < 0.01);
  const t = tailThreshold(sorted, 1e-4, 0.9);
  assert.ok(Math.abs(t - Math.log(1e4)) < 0.5, `extrapolated ${t}`);
});
