import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPosterior, remainingLife, type HiPoint } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul, priorFor } from './rul.ts';
import { healthIndicator } from './health-indicator.ts';
import { outerRaceEvidence } from '../fixtures.ts';

/** Seeded normal draws for synthetic paths. */
function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

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
  for (const seed of [11, 12, 13]) {
    const { medianError, coverage, prior } = runPaths(seed, 40, 10);
    assert.equal(prior.source, 'fleet');
    assert.ok(medianError < 0.2, `seed ${seed}: median relative error ${medianError.toFixed(3)}`);
    // An 80 % interval should cover about 80 % of the truths; allow sampling scatter on 40 paths.
    assert.ok(coverage >= 0.65, `seed ${seed}: coverage ${coverage}`);
  }
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

test('rul - health indicator is 0 at the healthy level and grows with the defect line', () => {
  const ev = outerRaceEvidence();
  const base = { ...ev.baseline, 'env.bpfoRatio': { median: 1.3, mad: 0.1 } };
  const healthy = healthIndicator('bearing-outer-race', { ...ev, envelopeDefectRatios: { ...ev.envelopeDefectRatios, bpfo: 1.3 }, baseline: base })!;
  const faulty = healthIndicator('bearing-outer-race', { ...ev, baseline: base })!;
  assert.ok(Math.abs(healthy.hi) < 1e-9);
  assert.ok(faulty.hi > 0.5 && faulty.hi < 1, `hi ${faulty.hi}`);
  assert.equal(healthIndicator('unknown', ev), undefined);
  assert.equal(healthIndicator('bearing-outer-race', ev), undefined, 'no healthy level, no HI');
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
