import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulberry32 } from '../../core/index.ts';
import { detectorContract } from './detector.contract.ts';
import { createRobustBaseline } from './robust-baseline.ts';

const gauss = (u: () => number) => () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

detectorContract('robust-baseline (streaming estimator)', () => createRobustBaseline({ warmup: 24, estimator: 'streaming' }), 24);

test('robust baseline streaming - scores as the window estimator does on a stationary stream', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 30, max: 2000 }), fc.double({ min: -8, max: 8, noNaN: true }), (seed, learned, k) => {
      const g = gauss(mulberry32(seed));
      const win = createRobustBaseline({ warmup: 24 });
      const str = createRobustBaseline({ warmup: 24, estimator: 'streaming' });
      for (let i = 0; i < learned; i++) {
        const x = { 'vel.rmsMmS': 2 + 0.1 * g(), 'accel.kurtosis': 3 + 0.3 * g() };
        win.learnOne(x);
        str.learnOne(x);
      }
      const x = { 'vel.rmsMmS': 2 + 0.1 * k, 'accel.kurtosis': 3 };
      const zw = win.zScores(x)['vel.rmsMmS']!;
      const zs = str.zScores(x)['vel.rmsMmS']!;
      // Both estimate the same median and MAD, each with sampling noise (a few % of σ at hundreds of values).
      assert.ok(Math.abs(zs - zw) <= 0.15 + 0.15 * Math.abs(zw), `streaming z ${zs.toFixed(2)} vs window ${zw.toFixed(2)} after ${learned}`);
    }),
    { numRuns: 40 },
  );
});

test('robust baseline streaming - an impulsiveness feature is still scaled by its own upper tail', () => {
  const u = mulberry32(3);
  const g = gauss(u);
  const det = createRobustBaseline({ warmup: 24, aggregate: 'max', estimator: 'streaming' });
  // Healthy: mostly quiet, 3 % impulsive bursts (a gear mesh's healthy spectral kurtosis).
  const healthy = () => (u() < 0.03 ? 8 + 4 * u() : 0.5 + 0.2 * g());
  for (let i = 0; i < 2000; i++) det.learnOne({ 'env.sk': healthy(), 'vel.rmsMmS': 2 + 0.1 * g() });
  const burst = det.zScores({ 'env.sk': 10, 'vel.rmsMmS': 2 })['env.sk']!;
  assert.ok(burst < 6, `a burst as big as the healthy ones scores ${burst.toFixed(1)} (MAD alone would give ~30)`);
  assert.ok(det.zScores({ 'env.sk': 60 })['env.sk']! > 10, 'a fault far beyond the tail is far out');
  assert.ok(det.zScores({ 'env.sk': -1 })['env.sk']! > 4, 'below the median the MAD scale stands');
});

test('robust baseline streaming - the learned baseline (evidence) reports median and MAD per feature', () => {
  const g = gauss(mulberry32(8));
  const det = createRobustBaseline({ warmup: 24, estimator: 'streaming' });
  for (let i = 0; i < 1000; i++) det.learnOne({ 'scalar.pressure': 4 + 0.2 * g() });
  const b = det.baseline()['scalar.pressure']!;
  assert.ok(Math.abs(b.median - 4) < 0.05, `median ${b.median}`);
  assert.ok(Math.abs(1.4826 * b.mad - 0.2) < 0.04, `σ from MAD ${1.4826 * b.mad}`);
});
