import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mulberry32 } from '../core/prng.ts';
import { createDriftCusum } from './drift-cusum.ts';
import { createRobustBaseline } from './detectors/robust-baseline.ts';
import { cusumArl0, cusumLimit, createResidualCusum } from './detectors/residual-cusum.ts';
import { createMachineMonitor } from './machine-monitor.ts';
import { createThermalPlant, thermalBirth } from './features/thermal-plant.test-support.ts';

const HIGH = 6;
const WINDOW_MS = 5 * 60_000;
const DAY = 288; // 5-min windows
const FEATURE = 'scalar.temp_bearing.residual';

/** AR(1) noise with lag-1 correlation `rho` and marginal σ `sigma` (a thermal residual's slow wander). */
function ar1(seed: number, rho: number, sigma: number) {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  let x = 0;
  return () => (x = rho * x + Math.sqrt(1 - rho * rho) * sigma * normal());
}

/**
 * A residual fed through a regime baseline and the drift member as the monitor does: a window is
 * learned while neither score is near the alarm. Returns the first window (≥ from) at which each
 * would raise (3 windows in a row at or above `high`), and the member's largest score.
 */
function chartRun(residual: (i: number) => number, windows: number, from = 0) {
  const baseline = createRobustBaseline();
  const member = createDriftCusum(HIGH);
  let cusumRun = 0;
  let levelRun = 0;
  let cusumAt: number | undefined;
  let levelAt: number | undefined;
  let maxScore = 0;
  for (let i = 0; i < windows; i++) {
    const scored = { [FEATURE]: residual(i) };
    const drift = member.step({ baseline, medians: baseline.baseline(), scored, settled: baseline.warm, windowMs: WINDOW_MS });
    // The level baseline alone, at its uncalibrated threshold (a calibration only raises it).
    const level = baseline.scoreOne(scored);
    cusumRun = drift >= HIGH ? cusumRun + 1 : 0;
    levelRun = level >= HIGH ? levelRun + 1 : 0;
    if (i >= from) {
      maxScore = Math.max(maxScore, drift);
      if (cusumRun >= 3 && cusumAt === undefined) cusumAt = i;
      if (levelRun >= 3 && levelAt === undefined) levelAt = i;
    }
    if (Math.max(drift, level) < 5) {
      baseline.learnOne(scored);
      member.learn();
    }
  }
  return { cusumAt, levelAt, maxScore };
}

test('drift cusum - Siegmund limit: h inverts the run length, and Montgomery\'s h = 5, k = 0.5 gives ARL0 ≈ 930 one-sided (465 two-sided)', () => {
  assert.ok(Math.abs(cusumArl0(0.5, 5) - 938) < 10, `${cusumArl0(0.5, 5)}`);
  for (const arl of [100, 1e4, 1e6]) assert.ok(Math.abs(cusumArl0(0.25, cusumLimit(0.25, arl)) / arl - 1) < 1e-6);
  // A month of 5-min windows, two sides, one feature, 0.5 false alarms a month: far above h = 5.
  const chart = createResidualCusum();
  chart.advance({ a: 0 }, WINDOW_MS);
  assert.ok(chart.limit > 10, `h = ${chart.limit}`);
});

test('drift cusum - a slow ramp in a thermal residual is raised, and hours before the level baseline would raise it', () => {
  const start = 3 * DAY;
  const leads: number[] = [];
  for (const seed of [1, 2, 3, 4, 5]) {
    const noise = ar1(seed, 0.9, 0.3);
    // +0.5 K/h from `start` (a bearing losing its lubricant), on a residual wandering ±0.3 K.
    const r = chartRun((i) => noise() + (i >= start ? ((i - start) / 12) * 0.5 : 0), start + DAY);
    assert.ok(r.cusumAt !== undefined && r.cusumAt >= start, `seed ${seed}: cusum raised at ${r.cusumAt}`);
    const levelAt = r.levelAt ?? start + DAY;
    assert.ok(r.cusumAt < levelAt, `seed ${seed}: cusum at ${r.cusumAt}, level at ${r.levelAt}`);
    leads.push((levelAt - r.cusumAt) / 12);
  }
  leads.sort((a, b) => a - b);
  assert.ok(leads[2]! >= 1, `median head start ${leads[2]} h (${leads})`);
});

test('drift cusum - a stationary residual keeps the chart bounded and below the alarm (property)', () => {
  let alarms = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.double({ min: 0.05, max: 5, noNaN: true }), fc.double({ min: -50, max: 80, noNaN: true }), (seed, rho, sigma, level) => {
      const noise = ar1(seed, rho, sigma);
      const r = chartRun(() => level + noise(), 2 * DAY, DAY / 2);
      runs++;
      if (r.cusumAt !== undefined) alarms++;
      // The sums are capped (maxSumFactor × h): the score never exceeds twice the threshold.
      assert.ok(r.maxScore <= 2 * HIGH + 1e-9, `score ${r.maxScore}`);
    }),
    { numRuns: 60 },
  );
  // 60 runs of 1.5 days are 3 machine-months: at the 0.5/month target, ~1.5 alarms would be expected.
  assert.ok(alarms <= 2, `${alarms} of ${runs} stationary runs alarmed`);
});

test('drift cusum - windows that are not settled are held, not charted', () => {
  const baseline = createRobustBaseline();
  const member = createDriftCusum(HIGH);
  const noise = ar1(7, 0.5, 0.2);
  for (let i = 0; i < 200; i++) {
    const scored = { [FEATURE]: noise() };
    member.step({ baseline, medians: baseline.baseline(), scored, settled: baseline.warm, windowMs: WINDOW_MS });
    baseline.learnOne(scored);
    member.learn();
  }
  const before = member.chart().features[FEATURE]!;
  for (let i = 0; i < 50; i++) member.step({ baseline, medians: baseline.baseline(), scored: { [FEATURE]: 30 }, settled: false, windowMs: WINDOW_MS });
  assert.deepEqual(member.chart().features[FEATURE], before, 'a settling machine 30 K off does not move the sums');
  const s = member.step({ baseline, medians: baseline.baseline(), scored: { [FEATURE]: 30 }, settled: true, windowMs: WINDOW_MS });
  assert.ok(s > 0 && s < HIGH, `one settled window far out moves the chart but cannot raise it alone (${s})`);
});

test('drift cusum - load and setpoint steps that the thermal model follows raise nothing through the monitor', () => {
  let maxDrift = 0;
  for (const seed of [1, 2, 3]) {
    // A start, stop or setpoint change every ~2 h, a random load: the sump lags 90 min behind.
    const plant = createThermalPlant({ seed, meanRunWindows: 24 });
    const monitor = createMachineMonitor(thermalBirth);
    let charted = 0;
    for (let i = 0; i < 5 * DAY; i++) {
      const r = monitor.observe(plant.next());
      assert.ok(r.ok);
      const d = r.value.driftScore ?? 0;
      if (d > 0) charted++;
      maxDrift = Math.max(maxDrift, d);
      assert.ok(!(r.value.transition?.kind === 'raised' && d >= HIGH), `seed ${seed} window ${i}: the drift member raised`);
    }
    assert.ok(charted > 0, `seed ${seed}: the residuals were charted`);
  }
  assert.ok(maxDrift < HIGH / 2, `largest drift score ${maxDrift}`);
});
