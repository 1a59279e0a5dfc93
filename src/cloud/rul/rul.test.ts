import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPosterior, remainingLife, type HiPoint } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul, priorFor, recalibrated } from './rul.ts';
import { DEFAULT_DEGRADATION, estimateFromDraws, quantile } from './degradation.ts';
import { defaultOnsetPrior, priorRemainingLife } from './onset-prior.ts';
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

/** A gauge's readings every 20 min over [fromH, toH] hours of `t0`, HI = level(h) + seeded noise of sd NOISE_SD. */
function gauge(g: () => number, t0: number, fromH: number, toH: number, level: (h: number) => number) {
  const out: { atMs: number; hi: number; sd: number }[] = [];
  for (let h = fromH; h <= toH + 1e-9; h += 1 / 3) out.push({ atMs: Math.round(t0 + h * 3_600_000), hi: level(h) + NOISE_SD * g(), sd: NOISE_SD });
  return out;
}

/**
 * Onset-rate prior whose bound from a gauge at its noise level (2 sd = 0.04) is about a day:
 * ln(1/0.04)/c = 1 day, spread ±50 % (ln sd 0.5), as a fleet's or the shipped prior would give.
 */
const FLAT_ONSET_PRIOR = { rateMedianPerDay: Math.log(1 / 0.04), lnRateSd: 0.5, source: 'default' as const, curves: 10 };

/** Event times (h after detection) of the predicted median failure at each hourly update, and the estimates. */
function hourlyUpdates(seed: number, after: (h: number) => number, hours: number) {
  const g = rng(seed);
  const t0 = Date.UTC(2026, 0, 1);
  const what = { feature: 'x', failureLevel: 'y' };
  const prior = defaultPrior('cavitation');
  // A day of healthy history, the alarm at t0 with the gauge still within its noise.
  const readings = [...gauge(g, t0, -24, 0, () => 0)];
  const atDetection = estimateRul(readings, prior, t0, what, DEFAULT_DEGRADATION, FLAT_ONSET_PRIOR, t0)!;
  const updates = [];
  for (let k = 1; k <= hours; k++) {
    readings.push(...gauge(g, t0, k - 2 / 3, k, after));
    const r = estimateRul(readings, prior, t0 + k * 3_600_000, what, DEFAULT_DEGRADATION, FLAT_ONSET_PRIOR, t0)!;
    updates.push({ k, r, p50H: (r.summary.failureAtMs.p50 - t0) / 3_600_000 });
  }
  return { atDetection, p50H: (atDetection.summary.failureAtMs.p50 - t0) / 3_600_000, updates };
}

test('rul - a gauge flat within its noise over many updates keeps the predicted failure time in event time (survival-conditioned estimate at detection)', () => {
  for (const seed of [31, 32, 33]) {
    const { atDetection, p50H, updates } = hourlyUpdates(seed, () => 0, 10);
    const p10H = atDetection.summary.p10Days * 24;
    for (const u of updates) {
      assert.equal(u.r.heldFromMs, Date.UTC(2026, 0, 1), `seed ${seed} update ${u.k}: held from detection`);
      assert.ok(u.r.summary.medianDays > 0 && u.r.summary.p10Days > 0, `seed ${seed} update ${u.k}: no collapse to "failing now"`);
      // Survival to k h removes only the draws that failed before it: while k is below the detection's
      // 10 % quantile the median moves to at most its 55 % quantile, a few hours here; a bound restarted
      // at every update (the old behaviour) slid the failure by the full k hours.
      if (u.k < p10H) assert.ok(u.p50H >= p50H - 1e-6 && u.p50H - p50H < 3, `seed ${seed} update ${u.k}: median failure ${u.p50H.toFixed(1)} h against ${p50H.toFixed(1)} h at detection`);
    }
    const drift = updates.at(-1)!.p50H - p50H;
    assert.ok(drift < 0.5 * updates.length, `seed ${seed}: drift ${drift.toFixed(1)} h over ${updates.length} h`);
  }
});

test('rul - a gauge rising clear of its noise after detection pulls the predicted failure in (refit, not held)', () => {
  // The gauge at its noise level (0.04) at the alarm, then e^(t·ln 25/10 h): at 1 in 10 h.
  const rising = (h: number) => 0.04 * Math.exp((h * Math.log(25)) / 10);
  for (const seed of [31, 32, 33]) {
    const flat = hourlyUpdates(seed, () => 0, 6);
    const up = hourlyUpdates(seed, rising, 6);
    const last = up.updates.at(-1)!;
    assert.equal(last.r.heldFromMs, undefined, `seed ${seed}: refitted once the gauge moved`);
    const held = flat.updates.at(-1)!.p50H;
    console.log(`# seed ${seed}: median failure ${last.p50H.toFixed(1)} h rising, ${held.toFixed(1)} h flat, truth 10 h`);
    // The prior (a day from the noise level, ln sd 0.5) still weighs against a rate 2.4 times its median.
    assert.ok(last.p50H < held - 3, `seed ${seed}: rising ${last.p50H.toFixed(1)} h, flat ${held.toFixed(1)} h`);
    assert.ok(Math.abs(last.p50H - 10) < Math.abs(held - 10), `seed ${seed}: rising ${last.p50H.toFixed(1)} h is nearer the truth (10 h) than flat ${held.toFixed(1)} h`);
  }
});

test('rul - under a wide rate prior a flat gauge moves the predicted failure smoothly, never earlier, no flips between fits of noise', () => {
  // A rate prior spanning a factor of ~25 between its 10 and 90 % quantiles (the shipped lubrication
  // prior before its curves were pooled as random effects): survival then rules out the fast rates
  // and the held median moves later, but step by step; refits of the noise (the behaviour before)
  // jumped between an onset fit and the prior's bound (e.g. 107, 141, 20, 32 h).
  const onsetPrior = { rateMedianPerDay: Math.exp(1.6), lnRateSd: 1.35, source: 'default' as const, curves: 8 };
  for (const seed of [41, 42]) {
    const g = rng(seed);
    const t0 = Date.UTC(2026, 0, 1);
    const what = { feature: 'x', failureLevel: 'y' };
    const readings = gauge(g, t0, -24, 0, () => 0);
    const p50H = (asOfH: number) => {
      const r = estimateRul(readings, defaultPrior('lubrication-loss'), t0 + asOfH * 3_600_000, what, DEFAULT_DEGRADATION, onsetPrior, t0)!;
      if (asOfH > 0) assert.equal(r.heldFromMs, t0, `seed ${seed} at ${asOfH} h: held`);
      return (r.summary.failureAtMs.p50 - t0) / 3_600_000;
    };
    let last = p50H(0);
    for (let k = 2; k <= 30; k += 2) {
      readings.push(...gauge(g, t0, k - 5 / 3, k, () => 0));
      const now = p50H(k);
      assert.ok(now >= last - 0.5 && now - last <= 3 * 2, `seed ${seed}: ${last.toFixed(1)} h → ${now.toFixed(1)} h after 2 h more`);
      assert.ok(now > k, `seed ${seed}: failure still ahead at ${k} h`);
      last = now;
    }
  }
});

test('rul - a recalibrated prior reads the estimate at first detection at its PIT levels; identity levels change nothing; a refit after detection stays raw', () => {
  const g = rng(51);
  const t0 = Date.UTC(2026, 0, 1);
  const what = { feature: 'x', failureLevel: 'y' };
  // A day of healthy history, then a rise clear of noise over the last 4 h (the onset fit, not the bound).
  const readings = gauge(g, t0, -24, 0, (h) => (h > -4 ? 0.02 * Math.exp((h + 4) * 0.5) - 0.02 : 0));
  const raw = estimateRul(readings, defaultPrior('imbalance'), t0, what, DEFAULT_DEGRADATION, FLAT_ONSET_PRIOR)!;
  assert.ok(raw.onset && raw.recalibration === undefined);
  const identity = estimateRul(readings, defaultPrior('imbalance'), t0, what, DEFAULT_DEGRADATION, { ...FLAT_ONSET_PRIOR, recalibration: { p10: 0.1, p50: 0.5, p90: 0.9 } })!;
  for (const k of ['p10Days', 'medianDays', 'p90Days'] as const) assert.ok(Math.abs(identity.summary[k] - raw.summary[k]) < 1e-12, k);
  const levels = { p10: 0.2, p50: 0.4, p90: 0.8 };
  const r = estimateRul(readings, defaultPrior('imbalance'), t0, what, DEFAULT_DEGRADATION, { ...FLAT_ONSET_PRIOR, recalibration: levels })!;
  const d = raw.estimate.drawsDays;
  assert.equal(r.summary.medianDays, quantile(d, 0.4), 'the median is the raw 40 % quantile');
  assert.equal(r.summary.p10Days, quantile(d, 0.2));
  assert.equal(r.summary.p90Days, quantile(d, 0.8));
  assert.deepEqual(r.recalibration, levels);
  // An update whose gauge kept rising: refitted on more of the rise than the cases the levels come from, so raw.
  const later = [...readings, ...gauge(g, t0, 1 / 3, 3, (h) => 0.02 * Math.exp((h + 4) * 0.5) - 0.02)];
  const upd = estimateRul(later, defaultPrior('imbalance'), t0 + 3 * 3_600_000, what, DEFAULT_DEGRADATION, { ...FLAT_ONSET_PRIOR, recalibration: levels }, t0)!;
  assert.equal(upd.heldFromMs, undefined);
  assert.equal(upd.recalibration, undefined);
});

test('rul - a held estimate stays on the recalibrated distribution: at no elapsed time it is the detection estimate, later its survival-conditioned quantiles, ordered and never before now', () => {
  const z = rng(52);
  const draws = Array.from({ length: 4000 }, () => Math.exp(0.5 * z()));
  const e = estimateFromDraws(draws);
  const levels = { p10: 0.15, p50: 0.4, p90: 0.75 };
  const at0 = recalibrated(e, levels);
  assert.equal(at0.medianDays, quantile(e.drawsDays, 0.4));
  for (const s of [0.2, 0.6, 1, 1.5]) {
    const r = recalibrated(e, levels, s);
    assert.ok(r.p10Days >= 0 && r.p10Days <= r.medianDays && r.medianDays <= r.p90Days, `at ${s} d: ${r.p10Days}, ${r.medianDays}, ${r.p90Days}`);
    // Survival removes early failures: the failure time (now + remaining) is never before the one stated at detection.
    assert.ok(s + r.medianDays >= at0.medianDays - 1e-9, `at ${s} d: failure ${s + r.medianDays} d vs ${at0.medianDays} d`);
  }
});

test('rul - a gauge whose noise spans most of its failure range gives the rate prior\'s bound at first detection, not a fit of its noise', () => {
  // Discharge-pressure-like gauge: sd 0.4 of the span (3 sd past the failure level), flat over a day.
  const t0 = Date.UTC(2026, 0, 1);
  const what = { feature: 'x', failureLevel: 'y' };
  const bound = priorRemainingLife(FLAT_ONSET_PRIOR, { hi: 0, sd: 0.4 }, DEFAULT_DEGRADATION).medianDays;
  const medians: number[] = [];
  for (const seed of [61, 62, 63, 64]) {
    const g = rng(seed);
    const readings = Array.from({ length: 73 }, (_, i) => ({ atMs: Math.round(t0 + (i / 3 - 24) * 3_600_000), hi: 0.4 * g(), sd: 0.4 }));
    const r = estimateRul(readings, defaultPrior('cavitation'), t0, what, DEFAULT_DEGRADATION, FLAT_ONSET_PRIOR)!;
    assert.equal(r.onset, undefined, `seed ${seed}: no onset fitted to noise`);
    assert.equal(r.points, 0, `seed ${seed}: no readings used`);
    medians.push(r.summary.medianDays);
  }
  // The bound from the noise level (h0 = 0.5): ln 2 / c, the same whatever the noise drew.
  for (const m of medians) assert.ok(Math.abs(m - bound) < 1e-9, `median ${m} d against the bound ${bound} d`);
  // A quiet gauge (sd 0.02) with the same prior still reads its own history (the onset fit).
  const g = rng(65);
  const quiet = gauge(g, t0, -24, 0, (h) => (h > -4 ? 0.02 * Math.exp((h + 4) * 0.5) - 0.02 : 0));
  assert.ok(estimateRul(quiet, defaultPrior('cavitation'), t0, what, DEFAULT_DEGRADATION, FLAT_ONSET_PRIOR)!.onset);
});
