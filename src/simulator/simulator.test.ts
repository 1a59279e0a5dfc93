import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, FAULT_COMPONENT, MachineBirth, TelemetryWindow } from '../core/index.ts';
import { defaultPlant } from './default-plant.ts';
import { createSimulator } from './simulator.ts';
import { MACHINE_TYPES } from './machine-types.ts';
import { SIMULATED_FAULTS, faultAppliesTo } from './faults.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;

function rms(xs: number[]): number {
  return Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length);
}

function vib(w: TelemetryWindow): number[] {
  return w.channels.find((c) => c.name === 'vib_de')!.values;
}

describe('simulator', () => {
  test('simulator - births and windows validate, carry the channels of each machine type', () => {
    const sim = createSimulator({ plant: defaultPlant({ machines: 3 }), seed: 1, startMs: START_MS, faults: [] });
    assert.equal(sim.births.length, 3);
    for (const b of sim.births) assert.ok(MachineBirth.safeParse(b).success);
    const ws = sim.step();
    assert.equal(sim.nowMs, START_MS + 5 * 60_000, 'default interval is 5 min');
    assert.equal(ws.length, 3);
    const expected: Record<string, string[]> = {
      'centrifugal-pump': ['vib_de', 'speed', 'temp_bearing', 'pressure', 'flow', 'current'],
      'induction-motor': ['vib_de', 'phase_current', 'speed', 'temp_bearing', 'current', 'temp_winding'],
      fan: ['vib_de', 'phase_current', 'speed', 'temp_bearing', 'current'],
    };
    for (const w of ws) {
      assert.ok(TelemetryWindow.safeParse(w).success, 'window passes the wire schema');
      const birth = sim.births.find((b) => b.machine === w.machine)!;
      assert.deepEqual(w.channels.map((c) => c.name), expected[birth.machineType]);
      assert.deepEqual(w.channels.map((c) => c.name), birth.sensors.map((s) => s.channel), 'birth lists the same channels');
      assert.equal(vib(w).length, 4096);
      for (const c of w.channels.slice(1)) if (c.name !== 'phase_current') assert.equal(c.values.length, 1, `${c.name} is one window mean`);
      assert.equal(birth.ratedSpeedRpm, MACHINE_TYPES[birth.machineType].ratedSpeedRpm);
    }
  });

  test('simulator - speed stays within 2% of rated and bearing temperature is plausible over two days', () => {
    const sim = createSimulator({ plant: defaultPlant({ machines: 3 }), seed: 3, startMs: START_MS, windowIntervalMs: HOUR_MS / 2, faults: [] });
    const speeds = new Map<string, number[]>();
    for (let i = 0; i < 96; i++)
      for (const w of sim.step()) {
        const rated = sim.births.find((b) => b.machine === w.machine)!.ratedSpeedRpm;
        const rpm = w.channels.find((c) => c.name === 'speed')!.values[0]!;
        const temp = w.channels.find((c) => c.name === 'temp_bearing')!.values[0]!;
        assert.ok(Math.abs(rpm / rated - 1) <= 0.021, `${w.machine} at ${rpm} rpm`);
        assert.ok(temp > 25 && temp < 70, `${w.machine} bearing at ${temp} degC`);
        speeds.set(w.machine, [...(speeds.get(w.machine) ?? []), rpm]);
      }
    for (const [m, s] of speeds) assert.ok(Math.max(...s) - Math.min(...s) > 0.005 * s[0]!, `${m} speed varies with load`);
  });

  test('simulator - the same seed gives identical windows, a different seed different ones', () => {
    const plant = defaultPlant({ machines: 4, sites: 2 });
    const faults = [{ machine: 'pump-001', fault: 'bearing-outer-race' as const, onsetMs: START_MS, failureMs: START_MS + 2 * HOUR_MS }];
    const run = (seed: number) => {
      const sim = createSimulator({ plant, seed, startMs: START_MS, faults });
      return [sim.step(), sim.step(), sim.step()].flat();
    };
    const a = run(42);
    assert.deepEqual(run(42), a);
    const b = run(43);
    assert.equal(b.length, a.length);
    assert.notDeepEqual(vib(b[0]!), vib(a[0]!));
    assert.notDeepEqual(b[0]!.channels[1]!.values, a[0]!.channels[1]!.values);
  });

  test('simulator - a fault degrades to failure, then the machine stops publishing; ground truth records it', () => {
    const plant = defaultPlant({ machines: 2 });
    const onsetMs = START_MS + 2 * HOUR_MS;
    const failureMs = onsetMs + 20 * HOUR_MS;
    const sim = createSimulator({ plant, seed: 5, startMs: START_MS, windowIntervalMs: HOUR_MS / 4, faults: [{ machine: 'pump-001', fault: 'bearing-outer-race', onsetMs, failureMs }] });
    const pumpRms: { ts: number; rms: number }[] = [];
    let lastPumpTs = 0;
    while (sim.nowMs < failureMs + 4 * HOUR_MS) {
      const ws = sim.step();
      const pump = ws.find((w) => w.machine === 'pump-001');
      assert.ok(ws.some((w) => w.machine === 'motor-002'), 'the healthy machine keeps publishing');
      if (pump) {
        lastPumpTs = pump.ts;
        pumpRms.push({ ts: pump.ts, rms: rms(vib(pump)) });
      }
      if (sim.nowMs >= failureMs) assert.equal(pump, undefined, 'a failed machine publishes nothing');
    }
    assert.ok(lastPumpTs < failureMs && lastPumpTs >= failureMs - HOUR_MS / 4);
    const healthy = pumpRms.filter((p) => p.ts <= onsetMs).map((p) => p.rms);
    const late = pumpRms.filter((p) => p.ts >= failureMs - 2 * HOUR_MS).map((p) => p.rms);
    const mid = pumpRms.filter((p) => Math.abs(p.ts - (onsetMs + failureMs) / 2) <= HOUR_MS).map((p) => p.rms);
    const avg = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    assert.ok(avg(late) > 3 * avg(healthy), `late rms ${avg(late)} vs healthy ${avg(healthy)}`);
    assert.ok(avg(mid) < avg(late) / 2, 'damage accelerates towards the end');
    const [gt] = sim.groundTruth();
    assert.deepEqual(gt, {
      v: 1, id: `pump-001/bearing-outer-race/${onsetMs}`, kind: 'machine', channel: null,
      site: 'site-a', line: 'line-1', machine: 'pump-001', machineType: 'centrifugal-pump', fault: 'bearing-outer-race',
      component: 'drive-end-bearing', onsetMs, detectableMs: sim.groundTruth()[0]!.detectableMs, failureMs, failedAtMs: failureMs, repairedAtMs: null,
    });
    const { detectableMs } = sim.groundTruth()[0]!;
    assert.ok(detectableMs !== null && detectableMs > onsetMs && detectableMs < failureMs, 'detectable between onset and failure');
    // Repairing a failed machine brings it back, healthy.
    sim.repair('pump-001');
    const back = sim.step().find((w) => w.machine === 'pump-001');
    assert.ok(back, 'publishes again after repair');
    assert.ok(rms(vib(back)) < 1.5 * avg(healthy));
    assert.equal(sim.groundTruth()[0]!.repairedAtMs, sim.nowMs - HOUR_MS / 4);
  });

  test('simulator - repair() stops the fault: health resets and the machine never fails', () => {
    const plant = defaultPlant({ machines: 1 });
    const onsetMs = START_MS;
    const failureMs = onsetMs + 10 * HOUR_MS;
    const sim = createSimulator({ plant, seed: 9, startMs: START_MS, windowIntervalMs: HOUR_MS / 2, faults: [{ machine: 'pump-001', fault: 'misalignment', onsetMs, failureMs }] });
    let before: TelemetryWindow | undefined;
    while (sim.nowMs < failureMs - HOUR_MS) before = sim.step()[0];
    sim.repair('pump-001');
    const repairedAt = sim.nowMs;
    const after: TelemetryWindow[] = [];
    while (sim.nowMs < failureMs + 5 * HOUR_MS) after.push(...sim.step());
    assert.equal(after.length, 12, 'keeps publishing past the planned failure');
    assert.ok(rms(vib(after[0]!)) < rms(vib(before!)) / 2, 'vibration falls back after the repair');
    const gt = sim.groundTruth()[0]!;
    assert.equal(gt.repairedAtMs, repairedAt);
    assert.equal(gt.failedAtMs, null);
    assert.throws(() => sim.repair('no-such-machine'), ConfigError);
  });

  test('simulator - a fault on an unknown machine is a ConfigError', () => {
    assert.throws(
      () => createSimulator({ plant: defaultPlant({ machines: 1 }), seed: 1, startMs: START_MS, faults: [{ machine: 'ghost', fault: 'misalignment', onsetMs: 1, failureMs: 2 }] }),
      (e: unknown) => e instanceof ConfigError && /faults\.0\.machine/.test(e.message),
    );
  });

  test('simulator - every simulated fault mode degrades to failure on each machine type it applies to; ground truth names its component', () => {
    const plant = defaultPlant({ machines: 3 });
    const machines = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
    for (const fault of SIMULATED_FAULTS) {
      const targets = machines.filter((m) => faultAppliesTo(fault, m.type));
      const onsetMs = START_MS + HOUR_MS;
      const failureMs = onsetMs + 6 * HOUR_MS;
      const sim = createSimulator({ plant, seed: 3, startMs: START_MS, windowIntervalMs: HOUR_MS, faults: targets.map((m) => ({ machine: m.id, fault, onsetMs, failureMs })) });
      while (sim.nowMs < failureMs + 2 * HOUR_MS) {
        const ws = sim.step();
        for (const w of ws) assert.ok(TelemetryWindow.safeParse(w).success, `${fault}: window of ${w.machine} validates`);
        for (const m of targets) assert.equal(ws.some((w) => w.machine === m.id), sim.nowMs < failureMs, `${fault} on ${m.id} at +${(sim.nowMs - START_MS) / HOUR_MS} h`);
      }
      for (const gt of sim.groundTruth()) {
        assert.equal(gt.component, FAULT_COMPONENT[fault]);
        assert.equal(gt.failedAtMs, failureMs);
      }
    }
  });

  test('simulator - a fault on a machine type it cannot occur on (cavitation on a motor) is a ConfigError', () => {
    assert.throws(
      () => createSimulator({ plant: defaultPlant({ machines: 2 }), seed: 1, startMs: START_MS, faults: [{ machine: 'motor-002', fault: 'cavitation', onsetMs: 1, failureMs: 2 }] }),
      (e: unknown) => e instanceof ConfigError && /faults\.0\.fault/.test(e.message),
    );
  });
});
