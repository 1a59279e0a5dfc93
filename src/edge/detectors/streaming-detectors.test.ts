import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectorContract } from './detector.contract.ts';
import { createCusum } from './cusum.ts';
import { createHalfSpaceTrees } from './half-space-trees.ts';
import { createPcaMonitor } from './pca-monitor.ts';
import { createEnsemble, toUnitScore } from './ensemble.ts';
import { createRobustBaseline } from './robust-baseline.ts';
import { symmetricEigen } from './symmetric-eigen.ts';
import { gaussian } from '../features/synthetic.test-support.ts';

detectorContract('cusum', () => createCusum({ warmup: 20 }), 20);
detectorContract('half-space-trees', () => createHalfSpaceTrees({ windowSize: 40, trees: 10, height: 8, seed: 3 }), 40);
detectorContract('pca-monitor', () => createPcaMonitor({ warmup: 20, refitEvery: 10 }), 20);
detectorContract('pca-monitor (forgetting)', () => createPcaMonitor({ warmup: 20, refitEvery: 10, forgetting: 0.99 }), 20);
const members = () => [
  { name: 'baseline', detector: createRobustBaseline({ warmup: 10 }), warmup: 10 },
  { name: 'pca', detector: createPcaMonitor({ warmup: 10, refitEvery: 5 }), warmup: 10 },
];
detectorContract('ensemble (mean)', () => createEnsemble(members(), { minScores: 20 }), 30);
detectorContract('ensemble (max)', () => createEnsemble(members(), { minScores: 20, fusion: 'max' }), 30);

/** Two channels that move together (b ≈ 2a) with small independent noise. */
function correlated(i: number, seed: number): Record<string, number> {
  const g = gaussian(2, seed * 104729 + i);
  const a = 10 + g[0]!;
  return { a, b: 2 * a + 0.05 * g[1]! };
}

test('pca-monitor - a broken correlation scores high although each channel stays in range', () => {
  const pca = createPcaMonitor({ warmup: 50 });
  const base = createRobustBaseline({ warmup: 50 });
  for (let i = 0; i < 400; i++) {
    pca.learnOne(correlated(i, 1));
    base.learnOne(correlated(i, 1));
  }
  const broken = { a: 11, b: 18 }; // a +1σ, b −1σ: normal one by one, impossible together
  assert.ok(base.scoreOne(broken) < 2, `per-channel baseline ${base.scoreOne(broken)}`);
  assert.ok(pca.scoreOne(broken) > 10, `pca ${pca.scoreOne(broken)}`);
  assert.ok(pca.statistics(broken)!.q > 100, 'the residual Q carries it');
  assert.equal(pca.components, 1);
});

test('cusum - a 1σ shift too small for a pointwise z accumulates into a large score', () => {
  const d = createCusum({ warmup: 30 });
  for (let i = 0; i < 300; i++) d.learnOne({ f: gaussian(1, i)[0]! });
  let s = 0;
  for (let i = 0; i < 40; i++) s = d.scoreOne({ f: 1 + gaussian(1, 5000 + i)[0]! });
  assert.ok(s > 8, `cusum after 40 shifted points: ${s}`);
  assert.ok(d.sums().f!.upper > d.sums().f!.lower);
});

test('half-space-trees - seeded: same seed same scores, different seed different trees', () => {
  const run = (seed: number) => {
    const d = createHalfSpaceTrees({ windowSize: 50, trees: 5, height: 6, seed });
    for (let i = 0; i < 120; i++) d.learnOne(correlated(i, 2));
    return Array.from({ length: 20 }, (_, i) => d.scoreOne(correlated(i, 9)));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('symmetric-eigen - reconstructs the matrix from its eigenpairs', () => {
  const a = [
    [4, 1, 0.5],
    [1, 3, 0.2],
    [0.5, 0.2, 1],
  ];
  const { values, vectors } = symmetricEigen(a);
  assert.ok(values[0]! >= values[1]! && values[1]! >= values[2]!);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      const r = values.reduce((s, l, k) => s + l * vectors[k]![i]! * vectors[k]![j]!, 0);
      assert.ok(Math.abs(r - a[i]![j]!) < 1e-9, `(${i},${j}) ${r}`);
    }
});

test('ensemble - unit score is 0 at 0, 0.5 at the threshold, monotone and below 1', () => {
  assert.equal(toUnitScore(0, 3), 0);
  assert.ok(Math.abs(toUnitScore(3, 3) - 0.5) < 1e-12);
  assert.ok(toUnitScore(2, 3) < toUnitScore(4, 3));
  assert.ok(toUnitScore(1e9, 3) <= 1);
  assert.equal(toUnitScore(NaN, 3), 0);
});

test('ensemble - frozen calibration no longer moves with learned scores', () => {
  const e = createEnsemble([{ name: 'b', detector: createRobustBaseline({ warmup: 5 }), warmup: 5 }], { minScores: 10 });
  for (let i = 0; i < 60; i++) e.learnOne({ f: gaussian(1, i)[0]! });
  e.freezeCalibration();
  const before = e.scales().b;
  for (let i = 0; i < 60; i++) e.learnOne({ f: 5 * gaussian(1, 900 + i)[0]! });
  assert.equal(e.scales().b, before);
  assert.ok(before !== undefined && before > 0);
});
