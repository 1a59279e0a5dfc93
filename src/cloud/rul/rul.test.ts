import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPosterior, remainingLife, type HiPoint } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul, priorFor } from './rul.ts';
import { healthIndicator } from './health-indicator.ts';
import { outerRaceEvidence } from '../fixtures.ts';
import { normalDraws } from '../../core/prng.ts';

/** Seeded normal draws for synthetic paths. */
const rng = normalDraws;

const NOISE_SD = 0.02;
const STEP_DAYS = 0.25;
const DETECT_HI = 0.2;

/**
 * One unit of a population: HI(t) = b·exp(c·t) + noise, failing where the noise-free HI reaches 1.
 * Returns its noisy readings from first detection (HI ≥ 0.2) to failure and the true failure time.
 */
function path(g: () => number) {
  const c = 0.12 + 0.015 * g(); // per day
  const b = 0.005 * Math.exp(0.3 * g());
  const failDays = Math.log(1 / b) / c;
  const readings: { tDays: number; hi: number }[] = [];
  let detected: number | undefined;
  for (let t = 0; t < failDays; t += STEP_DAYS) {
    const hi = b * Math.exp(c * t) + NOISE_SD * g();
    if (detected === undefined && hi >= DETECT_HI) detected = t;
    if (detected !== undefined) readings.push({ tDays: t, hi });
  }
  return { readings, detectedDays: detected ?? failDays, failDays };
}

/** Past curves, as the case library holds them: days since detection, HI, sd. */
function fleet(g: () => number, n: number): HiPoint[][] {
  return Array.from({ length: n }, () => {
    const p = path(g);
    return p.readings.filter((_, i) => i % 2 === 0).map((r) => ({ tDays: r.tDays - p.detectedDays, hi: r.hi, sd: NOISE_SD }));
  });
}

/** RUL at first detection for `n` new units against a fleet prior: relative errors and interval coverage. */
function runPaths(seed: number, n: number, curves: number) {
  const g = rng(seed);
  const prior = curves > 0 ? priorFor('bearing-outer-race', fleet(g, curves)) : defaultPrior('bearing-outer-race');
  const errors: number[] = [];
  let covered = 0;
  for (let i = 0; i < n; i++) {
    const p = path(g);
    const first = p.readings[0]!;
    const t0 = Date.UTC(2026, 0, 1) + first.tDays * DAY_MS;
    const r = estimateRul([{ atMs: t0, hi: first.hi, sd: NOISE_SD }], prior, t0, { feature: 'env.bpfoRatio', failureLevel: 'test' })!;
    const truth = p.failDays - p.detectedDays;
    errors.push(Math.abs(r.summary.medianDays - truth) / truth);
    if (r.summary.p10Days <= truth && truth <= r.summary.p90Days) covered++;
  }
  errors.sort((a, b) => a - b);
  return { medianError: errors[Math.floor(n / 2)]!, coverage: covered / n, prior };
}

test('rul - at first detection with a fleet prior the median RUL is within 20 % and the 10-90 % interval covers the truth', () => {
  let covered = 0;
  for (const seed of [11, 12, 13]) {
    const { medianError, coverage, prior } = runPaths(seed, 40, 10);
    assert.equal(prior.source, 'fleet');
    assert.ok(medianError < 0.2, `seed ${seed}: median relative error ${medianError.toFixed(3)}`);
    covered += coverage / 3;
  }
  // An 80 % interval should cover about 80 % of the truths; pooled over 120 paths its sampling sd is about 0.04.
  assert.ok(covered >= 0.7, `coverage ${covered.toFixed(3)}`);
});

test('rul - one known path: the interval covers its failure time and updates narrow it', () => {
  const g = rng(5);
  const prior = priorFor('bearing-outer-race', fleet(g, 8));
  const p = path(g);
  const t0 = Date.UTC(2026, 0, 1);
  const at = (tDays: number) => t0 + (tDays - p.detectedDays) * DAY_MS;
  const truthAt = at(p.failDays);
  const readings = p.readings.map((r) => ({ atMs: at(r.tDays), hi: r.hi, sd: NOISE_SD }));
  const first = estimateRul(readings.slice(0, 1), prior, readings[0]!.atMs, { feature: 'x', failureLevel: 'y' })!.summary;
  assert.ok(first.failureAtMs.p10 <= truthAt && truthAt <= first.failureAtMs.p90, 'first interval covers the failure');
  const k = Math.min(readings.length - 1, 12); // three days of readings later
  const later = estimateRul(readings.slice(0, k + 1), prior, readings[k]!.atMs, { feature: 'x', failureLevel: 'y' })!.summary;
  assert.ok(later.failureAtMs.p10 <= truthAt && truthAt <= later.failureAtMs.p90, 'updated interval covers the failure');
  assert.ok(later.failureAtMs.p90 - later.failureAtMs.p10 < first.failureAtMs.p90 - first.failureAtMs.p10, 'more readings, narrower interval');
});

test('rul - no degradation in the readings gives a long remaining life, not a failure', () => {
  const flat: HiPoint[] = Array.from({ length: 20 }, (_, i) => ({ tDays: i, hi: 0.2, sd: 0.01 }));
  const est = remainingLife(fitPosterior(flat, defaultPrior('imbalance')), 19);
  assert.ok(est.medianDays > 200, `median ${est.medianDays}`);
});

test('rul - bearing health indicator is 0 at the healthy level and grows with the impacts\' share of the acceleration', () => {
  const ev = outerRaceEvidence();
  const base = { ...ev.baseline, 'accel.rmsMs2': { median: 1.0, mad: 0.05 } };
  const at = (rms: number) => healthIndicator('bearing-outer-race', { ...ev, features: { ...ev.features, 'accel.rmsMs2': rms }, baseline: base })!;
  assert.ok(Math.abs(at(1.0).hi) < 1e-9);
  // Impacts of amplitude f add in power: r.m.s. √(1 + f²); the HI is f over the failure level's √(10² − 1).
  for (const f of [0.5, 2, 6]) assert.ok(Math.abs(at(Math.hypot(1, f)).hi - f / Math.sqrt(99)) < 1e-9, `f ${f}`);
  assert.ok(at(1.9).hi > 0 && at(1.9).hi < 1);
  const noBase = { ...ev.baseline };
  delete noBase['accel.rmsMs2'];
  assert.equal(healthIndicator('unknown', ev), undefined);
  assert.equal(healthIndicator('bearing-outer-race', { ...ev, baseline: noBase }), undefined, 'no healthy level, no HI');
});

test('rul - measured error figures (informative)', () => {
  const withFleet = [21, 22, 23, 24, 25].map((s) => runPaths(s, 40, 10));
  const withDefault = [21, 22, 23].map((s) => runPaths(s, 40, 0));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `# rul fleet prior: median rel. error ${med(withFleet.map((r) => r.medianError)).toFixed(3)}, coverage ${med(withFleet.map((r) => r.coverage)).toFixed(2)};` +
      ` default prior: median rel. error ${med(withDefault.map((r) => r.medianError)).toFixed(3)}, coverage ${med(withDefault.map((r) => r.coverage)).toFixed(2)}`,
  );
  assert.ok(med(withFleet.map((r) => r.medianError)) < med(withDefault.map((r) => r.medianError)) + 0.05);
});
