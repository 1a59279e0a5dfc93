import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ThermalModel } from './thermal-model.ts';
import { mulberry32 } from './prng.ts';

/**
 * A first-order system T[k] = a·T[k−1] + (1 − a)·T_ss(regime[k]) + noise under random starts,
 * stops and setpoints; regressors are the regime one-hot. Returns the model and its residuals.
 */
function run(tauWindows: number, seed: number, windows: number, heat: (k: number) => number = () => 0) {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const steady = [20, 60, 54]; // stopped, full speed, 0.85 setpoint (°C)
  const a = Math.exp(-1 / tauWindows);
  const model = new ThermalModel(3);
  const x = new Float64Array(3);
  let regime = 0;
  let left = 0;
  let t = 20;
  const residuals: number[] = [];
  for (let k = 0; k < windows; k++) {
    if (--left <= 0) {
      regime = Math.floor(u() * 3);
      left = 3 + Math.floor(-2 * tauWindows * Math.log(1 - u()));
    }
    t = a * t + (1 - a) * (steady[regime]! + (regime > 0 ? heat(k) : 0));
    x.fill(0);
    x[regime] = 1;
    const r = model.step(t + 0.1 * normal(), x);
    model.learnLast();
    residuals.push(r);
  }
  return { model, residuals };
}

test('thermal model - the time constant estimate converges on the true τ within 20% (property)', () => {
  fc.assert(
    fc.property(fc.double({ min: 3, max: 40, noNaN: true }), fc.integer({ min: 1, max: 1_000_000 }), (tau, seed) => {
      const { model } = run(tau, seed, 1500);
      const err = Math.abs(model.tauWindows - tau) / tau;
      assert.ok(err < 0.2, `τ ${tau.toFixed(1)} windows estimated ${model.tauWindows.toFixed(1)} (${(err * 100).toFixed(0)}%)`);
    }),
    { numRuns: 40 },
  );
});

test('thermal model - healthy transients leave residuals at the sensor noise; a slow extra heat source leaves a growing positive residual', () => {
  const tau = 18; // a 90-min sump at 5-min windows
  const healthy = run(tau, 7, 2000).residuals.slice(500);
  const rms = Math.sqrt(healthy.reduce((s, r) => s + r * r, 0) / healthy.length);
  assert.ok(rms < 0.3, `healthy residual RMS ${rms.toFixed(3)} K (noise 0.1 K, steps of 40 K)`);
  // +10 K of steady rise growing over the last 500 windows, learned over as if healthy (the worst case).
  const faulty = run(tau, 7, 2000, (k) => Math.max(0, (k - 1500) / 50)).residuals;
  const late = faulty.slice(1900).filter(Number.isFinite);
  const mean = late.reduce((s, r) => s + r, 0) / late.length;
  assert.ok(mean > 10 * rms && mean > 1, `fault residual mean ${mean.toFixed(2)} K vs healthy RMS ${rms.toFixed(3)} K`);
});

test('thermal model - seeding a new regime starts it at the current temperature; a reset forgets the state only', () => {
  const m = new ThermalModel(2);
  m.seed(1, [0, 1], 42);
  assert.ok(Math.abs(m.steady([0, 1]) - 42) < 1e-9);
  assert.ok(Number.isNaN(m.step(40, [0, 1])), 'the first sample has nothing to predict from');
  assert.ok(Number.isFinite(m.step(40.5, [0, 1])));
  assert.equal(m.learnLast(), true);
  assert.equal(m.learnLast(), false, 'a step is learned at most once');
  m.reset();
  assert.ok(Number.isNaN(m.step(41, [0, 1])));
  assert.equal(m.n, 1);
  assert.ok(Number.isNaN(m.step(Number.NaN, [0, 1])));
});
