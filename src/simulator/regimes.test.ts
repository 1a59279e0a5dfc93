import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryWindow } from '../core/index.ts';
import { PlantConfig, loadPlantYaml } from './config.ts';
import { ambientC } from './operating.ts';
import { CONTINUOUS_REGIMES, RegimeConfig, TWO_SHIFT_REGIMES, inProduction, resolveRegime, speedSetpointAt } from './regimes.ts';
import { createSimulator } from './simulator.ts';
import { STANDSTILL_VIBRATION_RMS_MS2 } from './standstill.ts';

// 2024-01-01 is a Monday.
const MON_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

const rms = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const sd = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, v) => s + (v - mean(xs)) ** 2, 0) / (xs.length - 1));
const scalar = (w: TelemetryWindow, name: string) => w.channels.find((c) => c.name === name)!.values[0]!;
const vibRms = (w: TelemetryWindow) => rms(w.channels.find((c) => c.name === 'vib_de')!.values);

function plantWith(regimes: object, machines = [{ id: 'pump-001', type: 'centrifugal-pump' }, { id: 'fan-002', type: 'fan' }]): PlantConfig {
  return PlantConfig.parse({ sampling: { vibrationRateHz: 10240, vibrationSamples: 1024 }, regimes, sites: [{ id: 'site-a', lines: [{ id: 'line-1', machines }] }] });
}

test('regimes - the shift calendar has production 06-22 UTC on weekdays, stops nights and weekends, and wraps past midnight', () => {
  const r = RegimeConfig.parse(TWO_SHIFT_REGIMES);
  assert.equal(inProduction(r, MON_MS + 5 * HOUR_MS + 59 * MIN_MS), false, 'Monday 05:59');
  assert.equal(inProduction(r, MON_MS + 6 * HOUR_MS), true, 'Monday 06:00');
  assert.equal(inProduction(r, MON_MS + 21 * HOUR_MS + 59 * MIN_MS), true, 'Monday 21:59');
  assert.equal(inProduction(r, MON_MS + 22 * HOUR_MS), false, 'Monday 22:00');
  assert.equal(inProduction(r, MON_MS + 5 * 24 * HOUR_MS + 12 * HOUR_MS), false, 'Saturday noon');
  assert.equal(inProduction(r, MON_MS + 6 * 24 * HOUR_MS + 12 * HOUR_MS), false, 'Sunday noon');
  const night = RegimeConfig.parse({ shiftStartHourUtc: 22, shiftEndHourUtc: 6, workdays: [1] });
  assert.equal(inProduction(night, MON_MS + 23 * HOUR_MS), true, 'Monday 23:00 on the Monday night shift');
  assert.equal(inProduction(night, MON_MS + 24 * HOUR_MS + 5 * HOUR_MS), true, 'Tuesday 05:00 still the Monday shift');
  assert.equal(inProduction(night, MON_MS + 24 * HOUR_MS + 23 * HOUR_MS), false, 'Tuesday night: not a workday');
  assert.equal(inProduction(night, MON_MS + 5 * HOUR_MS), false, 'Monday 05:00 belongs to the Sunday shift');
  const always = RegimeConfig.parse({});
  assert.deepEqual(always, RegimeConfig.parse(CONTINUOUS_REGIMES));
  for (let h = 0; h < 24 * 7; h += 5) assert.equal(inProduction(always, MON_MS + h * HOUR_MS), true);
});

test('regimes - product changes switch among the setpoints at random times within a shift, the same for any sampling', () => {
  const r = RegimeConfig.parse({ ...TWO_SHIFT_REGIMES, speedSetpoints: [1, 0.85, 0.7], setpointChangesPerShift: 3 });
  const seen = new Set<number>();
  let changes = 0;
  for (let day = 0; day < 5; day++) {
    let prev: number | null = null;
    for (let t = MON_MS + day * 24 * HOUR_MS + 6 * HOUR_MS; t < MON_MS + day * 24 * HOUR_MS + 22 * HOUR_MS; t += MIN_MS) {
      const sp = speedSetpointAt(r, 7, 'site-a/line-1', t);
      assert.ok(r.speedSetpoints.includes(sp), `setpoint ${sp}`);
      seen.add(sp);
      if (prev !== null && sp !== prev) changes++;
      prev = sp;
    }
  }
  assert.equal(seen.size, 3, 'every setpoint is used over a week');
  assert.equal(changes, 5 * 3, 'three changes a shift, each to a different setpoint');
  // Random times, not a grid: the change times differ from day to day.
  const changeMinute = (day: number) => {
    const base = MON_MS + day * 24 * HOUR_MS + 6 * HOUR_MS;
    for (let m = 1; m < 16 * 60; m++) if (speedSetpointAt(r, 7, 'site-a/line-1', base + m * MIN_MS) !== speedSetpointAt(r, 7, 'site-a/line-1', base)) return m;
    return -1;
  };
  assert.notEqual(changeMinute(0), changeMinute(1));
  assert.equal(speedSetpointAt(r, 7, 'site-a/line-1', MON_MS + 10 * HOUR_MS), speedSetpointAt(r, 7, 'site-a/line-1', MON_MS + 10 * HOUR_MS), 'deterministic');
  assert.equal(speedSetpointAt(RegimeConfig.parse({}), 7, 'x', MON_MS), 1, 'one setpoint: fixed speed');
});

test('regimes - a line overrides its site, a site the plant, field by field (YAML)', () => {
  const p = loadPlantYaml(`
regimes: { shiftStartHourUtc: 6, shiftEndHourUtc: 22, speedSetpoints: [1, 0.9] }
sites:
  - id: s1
    regimes: { workdays: [1, 2, 3] }
    lines:
      - id: l1
        regimes: { speedSetpoints: [0.8] }
        machines: [{ id: m1, type: fan }]
      - id: l2
        machines: [{ id: m2, type: fan }]
`);
  const s = p.sites[0]!;
  const l1 = resolveRegime(p.regimes, s.regimes, s.lines[0]!.regimes);
  const l2 = resolveRegime(p.regimes, s.regimes, s.lines[1]!.regimes);
  assert.deepEqual(l1, { shiftStartHourUtc: 6, shiftEndHourUtc: 22, workdays: [1, 2, 3], speedSetpoints: [0.8], setpointChangesPerShift: 0 });
  assert.deepEqual(l2.speedSetpoints, [1, 0.9]);
  assert.deepEqual(l2.workdays, [1, 2, 3]);
  assert.deepEqual(loadPlantYaml('sites: [{ id: s, lines: [{ id: l, machines: [{ id: m, type: fan }] }] }]').regimes, RegimeConfig.parse({}), 'no regimes: around the clock');
});

test('regimes - a stopped machine keeps publishing: speed 0, vibration at the noise floor, current 0, temperature cooling to ambient', () => {
  const sim = createSimulator({ plant: plantWith(TWO_SHIFT_REGIMES), seed: 5, startMs: MON_MS + 12 * HOUR_MS, faults: [] });
  const byMachine = new Map<string, TelemetryWindow[]>();
  // Monday 12:00 -> Tuesday 06:00: running until 22:00, then a night at standstill.
  for (let i = 0; i < (18 * HOUR_MS) / sim.windowIntervalMs; i++)
    for (const w of sim.step()) byMachine.set(w.machine, [...(byMachine.get(w.machine) ?? []), w]);
  for (const [machine, ws] of byMachine) {
    assert.equal(ws.length, (18 * HOUR_MS) / sim.windowIntervalMs, `${machine} publishes every window, stopped or not`);
    for (const w of ws) assert.ok(TelemetryWindow.safeParse(w).success, 'valid window');
    const running = ws.filter((w) => w.ts < MON_MS + 22 * HOUR_MS);
    const stopped = ws.filter((w) => w.ts >= MON_MS + 22 * HOUR_MS && w.ts < MON_MS + 30 * HOUR_MS);
    assert.ok(running.every((w) => scalar(w, 'speed') > 500), 'running at speed in the shift');
    assert.ok(stopped.every((w) => scalar(w, 'speed') < 3), 'speed 0 at standstill');
    for (const w of stopped) assert.ok(Math.abs(vibRms(w) - STANDSTILL_VIBRATION_RMS_MS2) < 0.2 * STANDSTILL_VIBRATION_RMS_MS2, 'noise floor');
    assert.ok(Math.min(...running.map(vibRms)) > 20 * STANDSTILL_VIBRATION_RMS_MS2, 'running is far above the floor');
    const currentName = ws[0]!.channels.some((c) => c.name === 'current') ? 'current' : null;
    if (currentName) assert.ok(stopped.every((w) => scalar(w, currentName) < 0.1), 'no current at standstill');
    // Temperature: above ambient while running, then falls monotonically (give or take RTD noise) to within 1 K of ambient after 8 h (16 time constants).
    const temps = stopped.map((w) => scalar(w, 'temp_bearing'));
    assert.ok(temps[0]! > ambientC(22, stopped[0]!.ts) + 5, 'warm when it stops');
    // Falls over the first 2 h (4 time constants); afterwards it follows the ambient's daily swing.
    for (let i = 6; i <= 24; i += 6) assert.ok(temps[i]! < temps[i - 6]! - 0.5, `cooling: ${temps[i]} after ${temps[i - 6]}`);
    const last = stopped[stopped.length - 1]!;
    assert.ok(Math.abs(scalar(last, 'temp_bearing') - ambientC(22, last.ts)) < 1, 'cooled to ambient');
  }
});

test('regimes - a naive z-score detector flags a start/stop and a speed-setpoint change although the machine is healthy', () => {
  const z = (baseline: number[], x: number) => Math.abs(x - mean(baseline)) / sd(baseline);
  // Start/stop: 20 running windows before 22:00 against the first standstill window.
  const sim = createSimulator({ plant: plantWith(TWO_SHIFT_REGIMES), seed: 9, startMs: MON_MS + 20 * HOUR_MS, faults: [] });
  const ws: TelemetryWindow[] = [];
  for (let i = 0; i < 36; i++) ws.push(...sim.step().filter((w) => w.machine === 'pump-001'));
  const before = ws.filter((w) => w.ts < MON_MS + 22 * HOUR_MS).map(vibRms);
  const after = ws.find((w) => w.ts >= MON_MS + 22 * HOUR_MS)!;
  assert.ok(z(before, vibRms(after)) > 3, `stop: z ${z(before, vibRms(after))}`);

  // A speed-setpoint change inside a shift: vibration RMS moves with speed (accelerations scale with frequency).
  const regime = { shiftStartHourUtc: 0, shiftEndHourUtc: 24, workdays: [0, 1, 2, 3, 4, 5, 6], speedSetpoints: [1, 0.7], setpointChangesPerShift: 1 };
  const sim2 = createSimulator({ plant: plantWith(regime), seed: 9, startMs: MON_MS, faults: [] });
  const pump: TelemetryWindow[] = [];
  for (let i = 0; i < (24 * HOUR_MS) / sim2.windowIntervalMs; i++) pump.push(...sim2.step().filter((w) => w.machine === 'pump-001'));
  const k = pump.findIndex((w, i) => i > 0 && Math.abs(scalar(w, 'speed') - scalar(pump[i - 1]!, 'speed')) > 300);
  assert.ok(k >= 20, `a setpoint change with 20 windows before it (at ${k})`);
  const base = pump.slice(k - 20, k);
  assert.ok(z(base.map(vibRms), vibRms(pump[k]!)) > 3, `setpoint: vibration z ${z(base.map(vibRms), vibRms(pump[k]!))}`);
  assert.ok(z(base.map((w) => scalar(w, 'speed')), scalar(pump[k]!, 'speed')) > 3, 'setpoint: speed z');
  assert.deepEqual(sim2.groundTruth(), [], 'no fault was injected: the change is normal operation');
});

test('regimes - a machine fault progresses by its own clock through stops and fails on schedule', () => {
  const onsetMs = MON_MS + 8 * HOUR_MS;
  const failureMs = MON_MS + 23 * HOUR_MS; // during the night stop
  const sim = createSimulator({ plant: plantWith(TWO_SHIFT_REGIMES), seed: 2, startMs: MON_MS + 6 * HOUR_MS, faults: [{ machine: 'fan-002', fault: 'imbalance', onsetMs, failureMs }] });
  const fan: TelemetryWindow[] = [];
  while (sim.nowMs < MON_MS + 30 * HOUR_MS) fan.push(...sim.step().filter((w) => w.machine === 'fan-002'));
  assert.equal(sim.groundTruth()[0]!.failedAtMs, failureMs, 'fails at its scheduled time, stopped or not');
  assert.deepEqual(sim.takeEvents().map((e) => [e.kind, e.machine, e.atMs]), [['breakdown', 'fan-002', failureMs]]);
  assert.ok(fan.every((w) => w.ts < failureMs), 'a broken machine publishes nothing, not even standstill');
  const oneX = (w: TelemetryWindow) => vibRms(w);
  const early = fan.filter((w) => w.ts < onsetMs).map(oneX);
  const late = fan.filter((w) => w.ts > MON_MS + 20 * HOUR_MS && w.ts < MON_MS + 22 * HOUR_MS).map(oneX);
  assert.ok(mean(late) > 1.5 * mean(early), `imbalance grew during the shift: ${mean(late)} vs ${mean(early)}`);
});
