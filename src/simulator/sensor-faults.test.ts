import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, TelemetryWindow, type SensorFaultType } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { planSensorFaults, SensorFaultRates, type SensorFaultInjection } from './sensor-fault-plan.ts';
import { createSimulator } from './simulator.ts';
import { bandRms } from './spectra.test-support.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const ONSET_MS = START_MS + 2 * HOUR_MS;
const END_MS = START_MS + 6 * HOUR_MS;

const plant = (): PlantConfig =>
  PlantConfig.parse({
    sampling: { vibrationRateHz: 10240, vibrationSamples: 2048 },
    sites: [{ id: 'site-a', lines: [{ id: 'line-1', machines: [{ id: 'pump-001', type: 'centrifugal-pump' }, { id: 'fan-002', type: 'fan' }] }] }],
  });

/** Runs 8 h with and without the sensor faults: the same seed, so the clean run is the healthy twin. */
function twin(sensorFaults: SensorFaultInjection[]) {
  const run = (sf: SensorFaultInjection[]) => {
    const sim = createSimulator({ plant: plant(), seed: 4, startMs: START_MS, faults: [], sensorFaults: sf });
    const ws: TelemetryWindow[] = [];
    for (let i = 0; i < (8 * HOUR_MS) / sim.windowIntervalMs; i++) ws.push(...sim.step());
    return { sim, ws };
  };
  return { faulty: run(sensorFaults), clean: run([]) };
}
const values = (w: TelemetryWindow | undefined, ch: string) => w?.channels.find((c) => c.name === ch)?.values;
const rms = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
const inFault = (w: TelemetryWindow) => w.ts >= ONSET_MS && w.ts < END_MS;
const one = (kind: SensorFaultType, channel: string, machine = 'pump-001'): SensorFaultInjection[] => [{ machine, channel, kind, onsetMs: ONSET_MS, endMs: END_MS }];

/** The machine stays healthy: every other channel and machine is sample for sample the healthy twin. */
function assertOthersUntouched(faulty: TelemetryWindow[], clean: TelemetryWindow[], machine: string, channel: string) {
  assert.equal(faulty.length, clean.length);
  faulty.forEach((w, i) => {
    const c = clean[i]!;
    assert.equal(w.machine, c.machine);
    for (const ch of c.channels) if (!(w.machine === machine && ch.name === channel)) assert.deepEqual(values(w, ch.name), ch.values, `${w.machine}/${ch.name} untouched`);
  });
}

test('sensor faults - dropout removes the channel from windows during the fault, then it returns', () => {
  const { faulty, clean } = twin(one('dropout', 'pressure'));
  const pump = faulty.ws.filter((w) => w.machine === 'pump-001');
  assert.ok(pump.filter(inFault).every((w) => values(w, 'pressure') === undefined), 'missing in the fault');
  assert.ok(pump.filter((w) => !inFault(w)).every((w) => values(w, 'pressure') !== undefined), 'present outside');
  for (const w of faulty.ws) assert.ok(TelemetryWindow.safeParse(w).success, 'valid window');
  assertOthersUntouched(faulty.ws, clean.ws, 'pump-001', 'pressure');
  assert.deepEqual(faulty.sim.groundTruth().map((t) => [t.kind, t.fault, t.channel, t.onsetMs, t.failureMs, t.detectableMs]), [['sensor', 'dropout', 'pressure', ONSET_MS, END_MS, null]]);
});

test('sensor faults - stuck freezes a scalar at its last good value and a waveform at its last good block', () => {
  for (const channel of ['temp_bearing', 'vib_de']) {
    const { faulty, clean } = twin(one('stuck', channel));
    const pump = faulty.ws.filter((w) => w.machine === 'pump-001');
    const lastGood = pump.filter((w) => w.ts < ONSET_MS).at(-1)!;
    const during = pump.filter(inFault);
    assert.ok(during.length > 10, 'windows in the fault');
    for (const w of during) assert.deepEqual(values(w, channel), values(lastGood, channel), `${channel} frozen`);
    const cleanDuring = clean.ws.filter((w) => w.machine === 'pump-001' && inFault(w));
    assert.ok(cleanDuring.some((w) => values(w, channel)![0] !== values(lastGood, channel)![0]), 'the real value moved meanwhile');
    assertOthersUntouched(faulty.ws, clean.ws, 'pump-001', channel);
  }
});

test('sensor faults - drift adds an offset that grows linearly with time', () => {
  const { faulty, clean } = twin(one('drift', 'temp_bearing'));
  const diff = faulty.ws
    .filter((w) => w.machine === 'pump-001' && inFault(w))
    .map((w, i) => ({ hours: (w.ts - ONSET_MS) / HOUR_MS, d: values(w, 'temp_bearing')![0]! - values(clean.ws.filter((c) => c.machine === 'pump-001' && inFault(c))[i], 'temp_bearing')![0]! }));
  assert.ok(diff.at(-1)!.d > 2, `drifted ${diff.at(-1)!.d} K in 4 h`);
  for (const { hours, d } of diff) assert.ok(Math.abs(d - diff.at(-1)!.d * (hours / diff.at(-1)!.hours)) < 1e-9, 'linear in time');
  assertOthersUntouched(faulty.ws, clean.ws, 'pump-001', 'temp_bearing');
});

test('sensor faults - spike puts isolated large outliers in a few waveform samples and in some scalar windows', () => {
  const { faulty, clean } = twin([...one('spike', 'vib_de'), ...one('spike', 'current', 'fan-002')]);
  const cleanOf = (w: TelemetryWindow) => clean.ws.find((c) => c.machine === w.machine && c.ts === w.ts)!;
  for (const w of faulty.ws.filter((w) => w.machine === 'pump-001' && inFault(w))) {
    const x = values(w, 'vib_de')!, y = values(cleanOf(w), 'vib_de')!;
    const changed = x.flatMap((v, i) => (v !== y[i] ? [i] : []));
    assert.ok(changed.length >= 1 && changed.length <= 3, `${changed.length} samples changed`);
    for (const i of changed) assert.ok(Math.abs(x[i]! - y[i]!) > 8 * rms(y), 'a large outlier');
  }
  const fanDuring = faulty.ws.filter((w) => w.machine === 'fan-002' && inFault(w));
  const outliers = fanDuring.filter((w) => Math.abs(values(w, 'current')![0]! - values(cleanOf(w), 'current')![0]!) > 2);
  assert.ok(outliers.length >= 5 && outliers.length < fanDuring.length * 0.6, `${outliers.length} of ${fanDuring.length} windows spiked`);
});

test('sensor faults - a loose mount lowers the mounted resonance (high frequencies attenuated) and adds rattle not locked to shaft speed', () => {
  const { faulty, clean } = twin(one('loose-mount', 'vib_de'));
  const pairs = faulty.ws.filter((w) => w.machine === 'pump-001' && inFault(w)).map((w) => [values(w, 'vib_de')!, values(clean.ws.find((c) => c.machine === w.machine && c.ts === w.ts), 'vib_de')!] as const);
  // Above 4 kHz (> 2.6 x the highest mount resonance) a second-order low-pass has cut >= 17 dB.
  const hf = (x: number[]) => bandRms(x, 10240, 4000, 5000);
  const kurt = (x: readonly number[]) => {
    const m = x.reduce((s, v) => s + v, 0) / x.length;
    const v2 = x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
    return x.reduce((s, v) => s + (v - m) ** 4, 0) / x.length / (v2 * v2);
  };
  for (const [loose, firm] of pairs) {
    assert.ok(hf([...loose]) < 0.3 * hf([...firm]), `high frequencies attenuated: ${hf([...loose])} vs ${hf([...firm])}`);
  }
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  assert.ok(mean(pairs.map(([l]) => kurt(l))) > mean(pairs.map(([, f]) => kurt(f))) + 1, 'rattle impacts make it impulsive');
  // Not shaft-locked: the rattle (loose minus its own low-passed shaft part is hard to separate), so
  // check the impacts' arrival: peaks above 4 RMS come at irregular intervals (CV of intervals > 0.5).
  const intervals: number[] = [];
  for (const [l] of pairs) {
    const r = rms(l);
    let last = -1;
    for (let i = 1; i < l.length - 1; i++)
      if (Math.abs(l[i]!) > 4 * r && Math.abs(l[i]!) >= Math.abs(l[i - 1]!) && Math.abs(l[i]!) >= Math.abs(l[i + 1]!)) {
        if (last >= 0 && i - last > 20) intervals.push(i - last);
        if (last < 0 || i - last > 20) last = i;
      }
  }
  assert.ok(intervals.length > 20, `${intervals.length} rattle intervals`);
  const mi = mean(intervals);
  const cv = Math.sqrt(mean(intervals.map((d) => (d - mi) ** 2))) / mi;
  assert.ok(cv > 0.5, `intervals irregular: CV ${cv}`);
  assertOthersUntouched(faulty.ws, clean.ws, 'pump-001', 'vib_de');
  assert.ok(faulty.sim.groundTruth().every((t) => t.kind === 'sensor'), 'the machine itself stays healthy');
});

test('sensor faults - bad injections are ConfigErrors naming the field', () => {
  const bad = (f: Partial<SensorFaultInjection>, field: string) =>
    assert.throws(() => createSimulator({ plant: plant(), seed: 1, startMs: START_MS, faults: [], sensorFaults: [{ ...one('drift', 'flow')[0]!, ...f }] }), (e: Error) => e instanceof ConfigError && e.message.includes(field));
  bad({ machine: 'nope' }, 'sensorFaults.0.machine');
  bad({ channel: 'nope' }, 'sensorFaults.0.channel');
  bad({ kind: 'melted' as SensorFaultType }, 'sensorFaults.0.kind');
  bad({ kind: 'loose-mount' }, 'sensorFaults.0.kind');
  bad({ endMs: ONSET_MS }, 'sensorFaults.0.endMs');
});

test('sensor faults - the planner is deterministic, follows the rate, and only puts loose mounts on waveforms', () => {
  const machines = Array.from({ length: 200 }, (_, i) => ({ id: `fan-${i}`, type: 'fan' }));
  const p = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines }] }] });
  const births = createSimulator({ plant: p, seed: 1, startMs: START_MS, faults: [] }).births;
  const rates = SensorFaultRates.parse({ perMachinePerWeek: 1 });
  const plan = planSensorFaults({ births, rates, seed: 3, startMs: START_MS, horizonMs: 7 * 24 * HOUR_MS });
  assert.deepEqual(plan, planSensorFaults({ births, rates, seed: 3, startMs: START_MS, horizonMs: 7 * 24 * HOUR_MS }));
  assert.ok(plan.length > 200 - 3 * Math.sqrt(200) && plan.length < 200 + 3 * Math.sqrt(200), `${plan.length} faults, expected ~200`);
  assert.deepEqual(new Set(plan.map((f) => f.kind)), new Set(['dropout', 'stuck', 'drift', 'spike', 'loose-mount']));
  assert.ok(plan.filter((f) => f.kind === 'loose-mount').every((f) => f.channel === 'vib_de'), 'loose mounts on accelerometers');
  assert.ok(plan.every((f) => f.endMs - f.onsetMs >= HOUR_MS && f.endMs - f.onsetMs <= 12 * HOUR_MS), 'durations in range');
  assert.deepEqual(planSensorFaults({ births, rates: SensorFaultRates.parse({}), seed: 3, startMs: START_MS, horizonMs: HOUR_MS }), [], 'default rate 0');
  // Every planned fault is accepted by the simulator.
  createSimulator({ plant: p, seed: 1, startMs: START_MS, faults: [], sensorFaults: plan });
  fc.assert(
    fc.property(fc.double({ min: -10, max: 100, noNaN: true }), fc.double({ min: -5, max: 1000, noNaN: true }), (rate, hi) => {
      try {
        planSensorFaults({ births: births.slice(0, 2), rates: { perMachinePerWeek: rate, durationHours: [1, hi], kinds: ['drift'] }, seed: 1, startMs: START_MS, horizonMs: HOUR_MS });
        assert.ok(rate >= 0 && rate <= 50 && hi >= 1 && hi <= 720, `accepted rate ${rate} hi ${hi}`);
      } catch (e) {
        assert.ok(e instanceof ConfigError && /perMachinePerWeek|durationHours/.test(e.message), (e as Error).message);
      }
    }),
    { numRuns: 100 },
  );
});
