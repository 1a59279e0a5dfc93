// The five machine types: what each announces in its birth and publishes, that every defect and
// mesh frequency it can produce lies below the Nyquist frequency it is sampled at, and that the
// new types are as deterministic and as diagnosable by envelope analysis as the old ones.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MachineBirth, MachineType, TelemetryWindow, bearingDefectOrders } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { defaultPlant } from './default-plant.ts';
import { CHANNEL_UNITS, MACHINE_TYPES, RESONANCE_RANGE_HZ } from './machine-types.ts';
import { createSimulator } from './simulator.ts';
import { ENVELOPE_PAD, START_MS, HOUR_MS, channel, defectHz, envelopeSpectrum, median, peakIn, windows } from './spectra.test-support.ts';

const EXPECTED_CHANNELS: Record<MachineType, string[]> = {
  'centrifugal-pump': ['vib_de', 'speed', 'temp_bearing', 'pressure', 'flow', 'current'],
  'induction-motor': ['vib_de', 'phase_current', 'speed', 'temp_bearing', 'current', 'temp_winding'],
  fan: ['vib_de', 'phase_current', 'speed', 'temp_bearing', 'current'],
  'cnc-spindle': ['vib_de', 'speed', 'temp_bearing', 'spindle_load', 'tool_wear'],
  gearbox: ['vib_de', 'speed', 'temp_bearing', 'temp_oil'],
};

describe('machine types', () => {
  test('machine types - births of all five types validate, carry drive/gear, and list exactly the channels each window has', () => {
    const sim = createSimulator({ plant: defaultPlant({ machines: 5 }), seed: 2, startMs: START_MS, faults: [] });
    assert.deepEqual(new Set(sim.births.map((b) => b.machineType)), new Set(MachineType.options));
    const ws = sim.step();
    for (const b of sim.births) {
      assert.ok(MachineBirth.safeParse(b).success, `${b.machineType} birth validates`);
      assert.deepEqual(b.sensors.map((s) => s.channel), EXPECTED_CHANNELS[b.machineType]);
      for (const s of b.sensors) assert.equal(s.unit, CHANNEL_UNITS[s.channel as keyof typeof CHANNEL_UNITS], `${s.channel} unit`);
      assert.equal(b.drive !== undefined, b.machineType !== 'cnc-spindle', `${b.machineType}: induction drive announced`);
      assert.equal(b.gear !== undefined, b.machineType === 'gearbox');
      const w = ws.find((x) => x.machine === b.machine)!;
      assert.ok(TelemetryWindow.safeParse(w).success, `${b.machineType} window validates`);
      assert.deepEqual(w.channels.map((c) => [c.name, c.unit, c.rateHz]), b.sensors.map((s) => [s.channel, s.unit, s.rateHz]));
      for (const c of w.channels) assert.equal(c.values.length > 1, b.sensors.find((s) => s.channel === c.name)!.kind === 'waveform');
    }
    const spindle = sim.births.find((b) => b.machineType === 'cnc-spindle')!;
    assert.equal(spindle.sensors[0]!.rateHz, 25600, 'spindle vibration at its type rate');
    const phase = sim.births.find((b) => b.machineType === 'induction-motor')!.sensors.find((s) => s.channel === 'phase_current')!;
    assert.equal(phase.rateHz, 1024);
    assert.equal(ws.find((w) => w.machine === sim.births.find((b) => b.machineType === 'induction-motor')!.machine)!.channels[1]!.values.length, 8192);
  });

  test('machine types - every bearing defect line (+1x sideband), the 3rd gear mesh harmonic and the resonance lie below Nyquist at +2% speed', () => {
    for (const type of MachineType.options) {
      const spec = MACHINE_TYPES[type];
      const rateHz = spec.vibrationRateHz ?? 10240;
      const nyquist = rateHz / 2;
      const fr = (1.02 * spec.ratedSpeedRpm) / 60;
      const o = bearingDefectOrders(spec.bearing);
      const highest = Math.max(o.bpfo, o.bpfi + 1, 2 * o.bsf + o.ftf, spec.gear ? 3 * spec.gear.inputTeeth + 2 : 0) * fr;
      assert.ok(highest < 0.8 * nyquist, `${type}: ${highest.toFixed(0)} Hz vs Nyquist ${nyquist}`);
      const [, resHi] = spec.resonanceRangeHz ?? RESONANCE_RANGE_HZ;
      assert.ok(resHi < 0.8 * nyquist, `${type}: resonance up to ${resHi} Hz`);
    }
  });

  test('machine types - the same seed gives identical windows for all five types with the new faults; another seed differs', () => {
    const plant = defaultPlant({ machines: 5 });
    const ids = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
    const byType = (t: MachineType) => ids.find((m) => m.type === t)!.id;
    const faults = [
      { machine: byType('induction-motor'), fault: 'broken-rotor-bar' as const, onsetMs: START_MS, failureMs: START_MS + 6 * HOUR_MS },
      { machine: byType('gearbox'), fault: 'gear-tooth-wear' as const, onsetMs: START_MS, failureMs: START_MS + 6 * HOUR_MS },
      { machine: byType('cnc-spindle'), fault: 'tool-wear' as const, onsetMs: START_MS, failureMs: START_MS + 6 * HOUR_MS },
    ];
    const run = (seed: number) => {
      const sim = createSimulator({ plant, seed, startMs: START_MS, windowIntervalMs: HOUR_MS, faults });
      return [sim.step(), sim.step(), sim.step()].flat();
    };
    const a = run(4);
    assert.deepEqual(run(4), a);
    assert.notDeepEqual(run(5), a);
  });

  for (const [type, resonanceHz, halfBandHz] of [['cnc-spindle', 7500, 2500], ['gearbox', 3200, 600]] as const) {
    test(`vibration - outer-race fault on ${type} shows BPFO in the envelope spectrum, healthy does not`, () => {
      const faulty = windows(type, 'bearing-outer-race', 7, 47, resonanceHz).at(-1)!;
      const healthy = windows(type, null, 7, 47, resonanceHz).at(-1)!;
      const bpfo = defectHz(type, faulty).bpfo;
      const line = (w: TelemetryWindow) => {
        const x = channel(w, 'vib_de');
        const rateHz = w.channels[0]!.rateHz;
        const binHz = rateHz / (x.length * ENVELOPE_PAD);
        const mag = envelopeSpectrum(x, rateHz, resonanceHz - halfBandHz, resonanceHz + halfBandHz);
        const floor = median(mag.subarray(Math.ceil(5 / binHz), Math.floor((1.5 * bpfo) / binHz)));
        return { peak: peakIn(mag, binHz, 0.97 * bpfo, 1.03 * bpfo), floor };
      };
      const f = line(faulty), h = line(healthy);
      assert.ok(Math.abs(f.peak.freqHz / bpfo - 1) < 0.02, `${type}: envelope peak ${f.peak.freqHz.toFixed(1)} Hz vs BPFO ${bpfo.toFixed(1)}`);
      assert.ok(f.peak.amp > 5 * f.floor, 'BPFO stands above the envelope floor');
      assert.ok(h.peak.amp < 3 * h.floor, 'healthy shows no BPFO line');
    });
  }

  test('machine types - a machine may override its vibration rate; a plant YAML type list accepts the new types', () => {
    const plant = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'g', type: 'gearbox', vibrationRateHz: 25600 }, { id: 'c', type: 'cnc-spindle' }] }] }] });
    const sim = createSimulator({ plant, seed: 1, startMs: START_MS, faults: [] });
    assert.deepEqual(sim.births.map((b) => b.sensors[0]!.rateHz), [25600, 25600]);
  });
});
