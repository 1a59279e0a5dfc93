import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, defaultPrior, estimateRul } from './rul.ts';
import { defaultOnsetPrior } from './onset-prior.ts';
import { normalDraws } from '../../core/prng.ts';

// An incident whose gauge stays within its noise after detection (the detector saw the fault, the
// gauge not yet): updates every 2 h refit on all readings so far.
const HOUR_MS = 3_600_000;
const NOISE_SD = 0.02;
const T0 = Date.UTC(2026, 0, 1);
const what = { feature: 'test.hi', failureLevel: 'test' };
const prior = defaultPrior('lubrication-loss');
const onsetPrior = defaultOnsetPrior('lubrication-loss')!;

function noisyReadings(seed: number, n: number) {
  const g = normalDraws(seed);
  return Array.from({ length: n }, (_, i) => ({ atMs: T0 + i * 2 * HOUR_MS, hi: 0.5 * NOISE_SD * g(), sd: NOISE_SD }));
}

/** Predicted failure (event time) at each of `n` updates, with or without the detection time. */
function failures(seed: number, n: number, survivalAware: boolean, rate = onsetPrior) {
  const rs = noisyReadings(seed, n + 1);
  return rs.map((r, i) => estimateRul(rs.slice(0, i + 1), prior, r.atMs, what, undefined, rate, survivalAware ? T0 : undefined)!.summary.failureAtMs);
}

// A fleet-like prior (spread 0.3 in ln c) whose bound from detection is ~2.5 days: 20 h of survival
// removes hardly any of its mass, so the predicted failure must stay put.
const tight = { ...onsetPrior, rateMedianPerDay: 1.3, lnRateSd: 0.3 };

test('a gauge within noise: the predicted failure does not slide later with every update', () => {
  for (const seed of [1, 2, 3]) {
    const m = failures(seed, 10, true, tight).map((f) => f.p50);
    // 10 updates 2 h apart: restarting the bound would move the failure ~20 h later.
    for (const at of m) assert.ok(Math.abs(at - m[0]!) <= 3 * HOUR_MS, `seed ${seed}: ${((at - m[0]!) / HOUR_MS).toFixed(1)} h from the first`);
  }
});

test('without the detection time (the old refit) the same sequence drifts by the update spacing: the test can fail', () => {
  const m = failures(1, 10, false, tight).map((f) => f.p50);
  assert.ok(m[m.length - 1]! - m[0]! > 15 * HOUR_MS);
});

test('the shipped (wide) prior: each update gives the detection bound truncated at the time survived', () => {
  // Failure times from detection F; at elapsed t the event-time median is F⁻¹(F(t) + (1 − F(t))/2).
  const [first, ...later] = failures(2, 10, true);
  const atDetection = estimateRul([noisyReadings(2, 1)[0]!], prior, T0, what, undefined, onsetPrior)!.estimate;
  for (const [i, f] of later.entries()) {
    const tDays = ((i + 1) * 2 * HOUR_MS) / DAY_MS;
    const survived = 1 - atDetection.failureProbWithin(tDays);
    const byMedian = atDetection.failureProbWithin((f.p50 - T0) / DAY_MS);
    // Half of the surviving mass fails before the median (to the draws' resolution and the noise sd's recalibration).
    assert.ok(Math.abs(byMedian - (1 - survived / 2)) < 0.05, `update ${i + 1}: ${byMedian} vs ${1 - survived / 2}`);
    assert.ok(f.p10 > T0 + tDays * DAY_MS, 'no failure predicted before the time already survived');
  }
  assert.ok(first!.p50 > T0);
});

test('first detection: bit-identical with or without the detection time', () => {
  const rs = noisyReadings(7, 1);
  const a = estimateRul(rs, prior, T0, what, undefined, onsetPrior);
  const b = estimateRul(rs, prior, T0, what, undefined, onsetPrior, T0);
  assert.deepEqual(b!.summary, a!.summary);
  assert.equal(b!.estimate.failureProbWithin(1), a!.estimate.failureProbWithin(1));
});

test('a sustained rise after detection hands over to the onset model; a single spike does not', () => {
  // Enough readings at the healthy level for the onset model to be fitted (onset-fit.ts).
  const rs = noisyReadings(4, 10);
  const spike = [...rs, { atMs: T0 + 20 * HOUR_MS, hi: 0.2, sd: NOISE_SD }];
  const one = estimateRul(spike, prior, T0 + 20 * HOUR_MS, what, undefined, onsetPrior, T0)!;
  assert.equal(one.onset, undefined);
  const rise = [...spike, { atMs: T0 + 22 * HOUR_MS, hi: 0.3, sd: NOISE_SD }];
  const two = estimateRul(rise, prior, T0 + 22 * HOUR_MS, what, undefined, onsetPrior, T0)!;
  assert.ok(two.onset !== undefined);
});
