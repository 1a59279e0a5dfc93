import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRobustBaseline, isImpulsiveness } from './robust-baseline.ts';
import { mulberry32 } from '../../core/index.ts';

/** Standard normal deviates from a seeded uniform stream (Box–Muller). */
function gauss(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

test('robust baseline tail - an impulsiveness feature with a heavy healthy tail is scaled by its own upper tail', () => {
  const u = mulberry32(3);
  const g = gauss(u);
  const det = createRobustBaseline({ warmup: 24, aggregate: 'max' });
  // Healthy: mostly quiet, 3 % impulsive bursts (a gear mesh's healthy spectral kurtosis).
  const healthy = () => (u() < 0.03 ? 8 + 4 * u() : 0.5 + 0.2 * g());
  for (let i = 0; i < 400; i++) det.learnOne({ 'env.sk': healthy(), 'vel.rmsMmS': 2 + 0.1 * g() });
  const burst = det.zScores({ 'env.sk': 10, 'vel.rmsMmS': 2 })['env.sk']!;
  assert.ok(burst < 6, `a burst as big as the healthy ones scores ${burst.toFixed(1)} (MAD alone would give ~30)`);
  // Far beyond the learned tail is still far out.
  const fault = det.zScores({ 'env.sk': 60, 'vel.rmsMmS': 2 })['env.sk']!;
  assert.ok(fault > 10, `a fault far beyond the tail scores ${fault.toFixed(1)}`);
  // Below the median the MAD scale stands (a falling kurtosis is not the tail).
  assert.ok(det.zScores({ 'env.sk': -1 })['env.sk']! > 4);
});

test('robust baseline tail - property: a Gaussian feature scores the same whether or not it is named as impulsiveness', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: -6, max: 6, noNaN: true }), (seed, k) => {
      const g = gauss(mulberry32(seed));
      const a = createRobustBaseline({ warmup: 24 });
      const b = createRobustBaseline({ warmup: 24 });
      for (let i = 0; i < 500; i++) {
        const x = 5 + g();
        a.learnOne({ 'accel.kurtosis': x });
        b.learnOne({ 'accel.level': x });
      }
      const za = a.zScores({ 'accel.kurtosis': 5 + k })['accel.kurtosis']!;
      const zb = b.zScores({ 'accel.level': 5 + k })['accel.level']!;
      // q99 − median ≈ 2.326 σ for Gaussian data: the tail scale changes z by sampling noise only.
      assert.ok(Math.abs(za - zb) <= 0.25 * Math.max(1, zb), `kurtosis-named z ${za.toFixed(2)} vs ${zb.toFixed(2)}`);
    }),
    { numRuns: 25 },
  );
  assert.ok(isImpulsiveness('env.sk') && isImpulsiveness('accel.kurtosis') && isImpulsiveness('accel.crest') && !isImpulsiveness('vel.rmsMmS'));
});
