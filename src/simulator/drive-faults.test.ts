// Physics of the drive-train fault modes, checked the way an analyst would read the published
// data: motor current signature for broken rotor bars, the gear mesh and its sidebands for tooth
// wear, flank wear and spindle load for tool wear. Each compares a faulty machine with its healthy
// twin (same seed, no fault: the same process, sample for sample).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearingDefectOrders, type MachineType, type TelemetryWindow } from '../core/index.ts';
import { vibrationParams, type MachineAcoustics } from './fault-signatures.ts';
import { MACHINE_TYPES } from './machine-types.ts';
import { createRng } from './rng.ts';
import { synthesizeVibration } from './vibration.ts';
import { MIN_SLIP } from './motor-current.ts';
import { amplitudeSpectrum, channel, peakIn, shaftHz, windows } from './spectra.test-support.ts';
import { VB_FAILURE_MM, flankWearMm, toolWearShape } from './tool-wear.ts';

const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Slip from the window's tachometer and the type's drive. */
function slipOf(type: MachineType, w: TelemetryWindow): number {
  const d = MACHINE_TYPES[type].drive!;
  return Math.max(MIN_SLIP, 1 - (channel(w, 'speed')[0]! * d.poles) / (120 * d.supplyHz));
}

interface Sidebands {
  lowerHz: number;
  upperHz: number;
  /** Stronger sideband relative to the supply line, dB. */
  levelDb: number;
  expectedLowerHz: number;
  expectedUpperHz: number;
}

/** Rotor-bar sidebands of a window's phase current, searched ±30% of 2sf around the expected place. */
function sidebands(type: MachineType, w: TelemetryWindow): Sidebands {
  const x = channel(w, 'phase_current');
  const rate = w.channels.find((c) => c.name === 'phase_current')!.rateHz;
  const binHz = rate / x.length;
  const mag = amplitudeSpectrum(x);
  const f = MACHINE_TYPES[type].drive!.supplyHz;
  const s = slipOf(type, w);
  const off = 2 * s * f;
  const line = peakIn(mag, binHz, f - 0.3, f + 0.3);
  const lo = peakIn(mag, binHz, f - 1.3 * off, f - 0.7 * off);
  const hi = peakIn(mag, binHz, f + 0.7 * off, f + 1.3 * off);
  return { lowerHz: lo.freqHz, upperHz: hi.freqHz, levelDb: db(Math.max(lo.amp, hi.amp) / line.amp), expectedLowerHz: (1 - 2 * s) * f, expectedUpperHz: (1 + 2 * s) * f };
}

describe('drive-train fault physics', () => {
  for (const type of ['induction-motor', 'fan'] as const) {
    test(`fault physics - broken rotor bars on ${type}: phase-current sidebands at (1 ± 2s)·f within 2%, growing from below −50 dB to −35…−25 dB`, () => {
      const faulty = windows(type, 'broken-rotor-bar', 5, 47);
      const healthy = windows(type, null, 5, 47);
      const late = sidebands(type, faulty.at(-1)!);
      assert.ok(Math.abs(late.lowerHz / late.expectedLowerHz - 1) < 0.02, `lower ${late.lowerHz.toFixed(2)} Hz vs ${late.expectedLowerHz.toFixed(2)}`);
      assert.ok(Math.abs(late.upperHz / late.expectedUpperHz - 1) < 0.02, `upper ${late.upperHz.toFixed(2)} Hz vs ${late.expectedUpperHz.toFixed(2)}`);
      // Stricter: the offset from the line (2sf, ~1–2 Hz) itself is right to 10% (about one bin).
      const f = MACHINE_TYPES[type].drive!.supplyHz;
      const offset = f - late.lowerHz, expectedOffset = f - late.expectedLowerHz;
      assert.ok(Math.abs(offset - expectedOffset) < Math.max(0.1 * expectedOffset, 0.15), `2sf ${offset.toFixed(2)} vs ${expectedOffset.toFixed(2)} Hz`);
      assert.ok(late.levelDb > -35 && late.levelDb < -25, `late sideband ${late.levelDb.toFixed(1)} dB`);
      for (const w of [healthy[3]!, healthy.at(-1)!]) {
        const h = sidebands(type, w).levelDb;
        assert.ok(h < -50, `healthy sideband ${h.toFixed(1)} dB`);
      }
      const levels = [2, 16, 30, 46].map((i) => sidebands(type, faulty[i]!).levelDb);
      for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! > levels[i - 1]!, `sideband grows with severity: ${levels.map((l) => l.toFixed(1)).join(', ')} dB`);
    });

    test(`fault physics - broken rotor bars on ${type}: 1x vibration modulated at pole-pass frequency, scalar current follows load`, () => {
      // The pole-pass sidebands sit 1–4 Hz from 1x: a 0.4 s window cannot resolve them, a 16 s record can.
      const spec = MACHINE_TYPES[type];
      const d = spec.drive!;
      const rateHz = 1024, n = 16384, fr = spec.ratedSpeedRpm / 60;
      const slip = 1 - spec.ratedSpeedRpm / ((120 * d.supplyHz) / d.poles);
      const fpp = d.poles * slip * d.supplyHz;
      const m: MachineAcoustics = {
        // Quiet background (noise 0.005 m/s2) so the healthy reference shows the absence of sidebands, not the noise floor.
        spec: { ...spec, noiseRmsMs2: 0.005 }, rateHz, ratedSpeedRpm: spec.ratedSpeedRpm, defects: bearingDefectOrders(spec.bearing), healthy1xMmS: 1.5,
        phases: [0, 0, 0], resonanceHz: 3000, damping: 0.05, slipSd: 0.01,
      };
      const side = (s: number) => {
        const x = new Float64Array(n);
        synthesizeVibration(x, vibrationParams(m, fr, s > 0 ? 'broken-rotor-bar' : undefined, s, { polePassHz: fpp }), createRng(1, 'v'), createRng(1, 'f'));
        const mag = amplitudeSpectrum(Array.from(x));
        const binHz = rateHz / n;
        const one = peakIn(mag, binHz, fr - 0.3, fr + 0.3);
        const lo = peakIn(mag, binHz, fr - fpp - 0.3, fr - fpp + 0.3), hi = peakIn(mag, binHz, fr + fpp - 0.3, fr + fpp + 0.3);
        return { ratio: Math.min(lo.amp, hi.amp) / one.amp, loHz: lo.freqHz, hiHz: hi.freqHz };
      };
      const late = side(0.9), early = side(0.2), none = side(0);
      assert.ok(Math.abs(late.loHz - (fr - fpp)) < 0.1 && Math.abs(late.hiHz - (fr + fpp)) < 0.1, `sidebands at 1x ± ${fpp.toFixed(2)} Hz: ${late.loHz.toFixed(2)}, ${late.hiHz.toFixed(2)}`);
      assert.ok(none.ratio < 0.01 && early.ratio > 2 * none.ratio && late.ratio > 2 * early.ratio, `ratios ${none.ratio.toFixed(3)}, ${early.ratio.toFixed(3)}, ${late.ratio.toFixed(3)}`);
      const faulty = windows(type, 'broken-rotor-bar', 5, 47).at(-1)!;
      const healthy = windows(type, null, 5, 47).at(-1)!;
      const ratio = channel(faulty, 'current')[0]! / channel(healthy, 'current')[0]!;
      assert.ok(ratio > 0.98 && ratio < 1.05, `scalar current stays with load (+${((ratio - 1) * 100).toFixed(1)}% from extra rotor losses)`);
    });
  }

  test('fault physics - gear tooth wear: mesh at 23 x input shaft with 3 harmonics; shaft-rate sidebands grow; oil heats', () => {
    const faulty = windows('gearbox', 'gear-tooth-wear', 9, 47);
    const healthy = windows('gearbox', null, 9, 47);
    const g = MACHINE_TYPES.gearbox.gear!;
    const read = (w: TelemetryWindow) => {
      const x = channel(w, 'vib_de');
      const binHz = w.channels[0]!.rateHz / x.length;
      const mag = amplitudeSpectrum(x);
      const fr = shaftHz(w);
      const fo = (fr * g.inputTeeth) / g.outputTeeth;
      const at = (fHz: number) => peakIn(mag, binHz, fHz - 1.2 * binHz, fHz + 1.2 * binHz);
      const mesh = [1, 2, 3].map((h) => at(h * g.inputTeeth * fr));
      // As the edge computes gear_sideband_db: stronger of ±input/±output sideband per harmonic, mean over the first two, dB re the harmonic.
      const sb = [1, 2].map((h) => {
        const m = h * g.inputTeeth * fr;
        return db(Math.max(...[m - fr, m + fr, m - fo, m + fo].map((f) => at(f).amp)) / mesh[h - 1]!.amp);
      });
      const floor = [...mag].sort((a, b) => a - b)[Math.floor(mag.length / 2)]!;
      return { mesh, meshHz: g.inputTeeth * fr, sidebandDb: (sb[0]! + sb[1]!) / 2, floor };
    };
    const h = read(healthy.at(-1)!);
    assert.ok(Math.abs(h.mesh[0]!.freqHz / h.meshHz - 1) < 0.01, `mesh ${h.mesh[0]!.freqHz.toFixed(1)} Hz vs ${h.meshHz.toFixed(1)}`);
    for (const m of h.mesh) assert.ok(m.amp > 20 * h.floor, `healthy mesh harmonic at ${m.freqHz.toFixed(0)} Hz stands above the floor`);
    assert.ok(h.sidebandDb < -20, `healthy sidebands ${h.sidebandDb.toFixed(1)} dB`);
    const levels = [4, 20, 34, 46].map((i) => read(faulty[i]!).sidebandDb);
    for (let i = 1; i < levels.length; i++) assert.ok(levels[i]! > levels[i - 1]!, `sidebands grow: ${levels.map((l) => l.toFixed(1)).join(', ')} dB`);
    assert.ok(levels.at(-1)! > -12, `worn sidebands ${levels.at(-1)!.toFixed(1)} dB`);
    const late = read(faulty.at(-1)!);
    assert.ok(late.mesh[1]!.amp > 1.5 * h.mesh[1]!.amp, '2nd mesh harmonic grows with wear');
    const oil = (w: TelemetryWindow) => channel(w, 'temp_oil')[0]!;
    assert.ok(oil(faulty.at(-1)!) > oil(healthy.at(-1)!) + 5, `oil ${oil(faulty.at(-1)!).toFixed(1)} vs ${oil(healthy.at(-1)!).toFixed(1)} degC`);
    assert.ok(Math.abs(oil(faulty[0]!) - oil(healthy[0]!)) < 0.5, 'same oil temperature at onset');
  });

  test('tool wear - the three-stage curve: monotone, fast break-in, linear middle, accelerating end at VB 0.3 mm', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 2, max: 7, noNaN: true }), (a, b, growth) => {
        const [u1, u2] = a < b ? [a, b] : [b, a];
        assert.ok(toolWearShape(u1, growth) <= toolWearShape(u2, growth) + 1e-12);
      }),
    );
    for (const growth of [2, 4, 7]) {
      assert.equal(flankWearMm(0, 0.04, growth), 0.04);
      assert.ok(Math.abs(flankWearMm(1, 0.04, growth) - VB_FAILURE_MM) < 1e-12);
      const rate = (u: number) => (toolWearShape(u + 0.05, growth) - toolWearShape(u, growth)) / 0.05;
      assert.ok(rate(0) > 1.5 * rate(0.4), `break-in faster than the linear stage (growth ${growth})`);
      assert.ok(rate(0.95) > 1.5 * rate(0.4), `end faster than the linear stage (growth ${growth})`);
    }
  });

  test('fault physics - tool wear on cnc-spindle: tool_wear estimate rises to ~300 um, spindle load and tooth-pass vibration rise', () => {
    const faulty = windows('cnc-spindle', 'tool-wear', 4, 47);
    const healthy = windows('cnc-spindle', null, 4, 47);
    const mean = (ws: TelemetryWindow[], ch: string) => ws.reduce((s, w) => s + channel(w, ch)[0]!, 0) / ws.length;
    const thirds = [faulty.slice(1, 10), faulty.slice(18, 27), faulty.slice(38, 47)].map((ws) => mean(ws, 'tool_wear'));
    assert.ok(thirds[0]! < thirds[1]! && thirds[1]! < thirds[2]!, `tool wear rises: ${thirds.map((t) => t.toFixed(0)).join(', ')} um`);
    assert.ok(thirds[2]! > 200 && thirds[2]! < 320, `late VB ${thirds[2]!.toFixed(0)} um`);
    assert.ok(mean(healthy, 'tool_wear') < 80, 'a healthy tool stays near its broken-in wear');
    const load = (ws: TelemetryWindow[]) => mean(ws, 'spindle_load');
    assert.ok(load(faulty.slice(40)) > 1.3 * load(healthy.slice(40)), `spindle load ${load(faulty.slice(40)).toFixed(1)} vs ${load(healthy.slice(40)).toFixed(1)} %`);
    const tpf = (w: TelemetryWindow) => {
      const x = channel(w, 'vib_de');
      const binHz = w.channels[0]!.rateHz / x.length;
      const f = MACHINE_TYPES['cnc-spindle'].cutter!.flutes * shaftHz(w);
      return peakIn(amplitudeSpectrum(x), binHz, f - 1.2 * binHz, f + 1.2 * binHz).amp;
    };
    assert.ok(tpf(faulty.at(-1)!) > 1.3 * tpf(healthy.at(-1)!), 'tooth-pass vibration rises with wear');
  });
});
