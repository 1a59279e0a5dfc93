// Physics of the vibration waveform, checked the way a vibration analyst would: envelope analysis
// for the bearing fault, order amplitudes for misalignment.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import FFT from 'fft.js';
import { bearingDefectOrders, type MachineType, type TelemetryWindow } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { createSimulator } from './simulator.ts';
import type { FaultInjection } from './ground-truth.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const RESONANCE_HZ = 3200;

function channel(w: TelemetryWindow, name: string): number[] {
  const c = w.channels.find((ch) => ch.name === name);
  assert.ok(c, `window has channel ${name}`);
  return c.values;
}

/** Last window before failure of a machine (fault from START, failure after 24 h), or of its healthy twin. */
function lateWindow(type: MachineType, fault: FaultInjection['fault'] | null, seed = 7): TelemetryWindow {
  const plant = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'm-1', type, resonanceHz: RESONANCE_HZ }] }] }] });
  const faults = fault ? [{ machine: 'm-1', fault, onsetMs: START_MS, failureMs: START_MS + 24 * HOUR_MS }] : [];
  const sim = createSimulator({ plant, seed, startMs: START_MS, windowIntervalMs: HOUR_MS / 2, faults });
  let last: TelemetryWindow | undefined;
  for (let i = 0; i < 47; i++) last = sim.step()[0]; // 23.5 h: severity ~0.9
  assert.ok(last);
  return last;
}

function bpfoHz(type: MachineType, w: TelemetryWindow): number {
  const plant = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'm-1', type }] }] }] });
  const sim = createSimulator({ plant, seed: 1, startMs: START_MS, faults: [] });
  return bearingDefectOrders(sim.births[0]!.bearing).bpfo * (channel(w, 'speed')[0]! / 60);
}

/** Zero-padding of the envelope FFT: 4x finer bins, so a 58 Hz fan BPFO is resolved to well under 2%. */
const ENVELOPE_PAD = 4;

/**
 * Envelope spectrum as an analyst computes it: FFT band-pass around the resonance, Hilbert
 * envelope (analytic signal), then a Hann-windowed, zero-padded FFT of the envelope.
 * Returns magnitudes with bin spacing rateHz / (n * ENVELOPE_PAD).
 */
function envelopeSpectrum(x: number[], rateHz: number, loHz: number, hiHz: number): Float64Array {
  const n = x.length;
  const fft = new FFT(n);
  const spec = fft.createComplexArray() as number[];
  fft.realTransform(spec, x);
  fft.completeSpectrum(spec);
  const analytic = fft.createComplexArray() as number[];
  for (let k = 0; k < n; k++) {
    const f = (k * rateHz) / n;
    // Positive frequencies in the band, doubled; everything else (and all negative ones) zero.
    const keep = k > 0 && k < n / 2 && f >= loHz && f <= hiHz ? 2 : 0;
    analytic[2 * k] = spec[2 * k]! * keep;
    analytic[2 * k + 1] = spec[2 * k + 1]! * keep;
  }
  const z = fft.createComplexArray() as number[];
  fft.inverseTransform(z, analytic);
  const m = n * ENVELOPE_PAD;
  const env = new Array<number>(m).fill(0);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i] = Math.hypot(z[2 * i]!, z[2 * i + 1]!);
  mean /= n;
  for (let i = 0; i < n; i++) env[i] = (env[i]! - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const padded = new FFT(m);
  const e = padded.createComplexArray() as number[];
  padded.realTransform(e, env);
  const mag = new Float64Array(m / 2);
  for (let k = 0; k < m / 2; k++) mag[k] = Math.hypot(e[2 * k]!, e[2 * k + 1]!);
  return mag;
}

/** Amplitude spectrum (Hann window), for order amplitudes. */
function amplitudeSpectrum(x: number[]): Float64Array {
  const n = x.length;
  const fft = new FFT(n);
  const w = x.map((v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)));
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, w);
  const mag = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) mag[k] = (4 / n) * Math.hypot(out[2 * k]!, out[2 * k + 1]!);
  return mag;
}

/** Largest value in [loHz, hiHz] and its frequency refined by parabolic interpolation. */
function peakIn(mag: Float64Array, binHz: number, loHz: number, hiHz: number): { freqHz: number; amp: number } {
  let best = Math.max(1, Math.ceil(loHz / binHz));
  for (let k = best; k <= Math.min(mag.length - 2, Math.floor(hiHz / binHz)); k++) if (mag[k]! > mag[best]!) best = k;
  const [a, b, c] = [mag[best - 1]!, mag[best]!, mag[best + 1]!];
  const delta = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return { freqHz: (best + delta) * binHz, amp: b };
}

function median(xs: ArrayLike<number>): number {
  const s = Array.from(xs).sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

describe('simulator vibration', () => {
  for (const type of ['centrifugal-pump', 'induction-motor', 'fan'] as const) {
    test(`vibration - outer-race fault on ${type} shows BPFO in the envelope spectrum, healthy does not`, () => {
      const faulty = lateWindow(type, 'bearing-outer-race');
      const healthy = lateWindow(type, null);
      const rateHz = faulty.channels[0]!.rateHz;
      const n = channel(faulty, 'vib_de').length;
      const binHz = rateHz / (n * ENVELOPE_PAD);
      const bpfo = bpfoHz(type, faulty);
      const envF = envelopeSpectrum(channel(faulty, 'vib_de'), rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
      const envH = envelopeSpectrum(channel(healthy, 'vib_de'), rateHz, RESONANCE_HZ - 600, RESONANCE_HZ + 600);
      // The strongest envelope line from 10 Hz up to 1.5x BPFO (below the 2nd harmonic) is the BPFO fundamental.
      const top = peakIn(envF, binHz, 10, 1.5 * bpfo);
      assert.ok(Math.abs(top.freqHz - bpfo) / bpfo < 0.02, `envelope peak ${top.freqHz.toFixed(2)} Hz vs BPFO ${bpfo.toFixed(2)} Hz`);
      const noiseF = median(envF.subarray(Math.ceil(10 / binHz), Math.floor(600 / binHz)));
      assert.ok(top.amp / noiseF > 10, `BPFO line ${top.amp.toFixed(1)} stands ${(top.amp / noiseF).toFixed(1)}x above the median`);
      // Healthy twin: at BPFO the envelope spectrum is no higher than its own noise floor allows.
      const atH = peakIn(envH, binHz, bpfo * 0.98, bpfo * 1.02);
      const noiseH = median(envH.subarray(Math.ceil(10 / binHz), Math.floor(600 / binHz)));
      assert.ok(atH.amp / noiseH < 5, `healthy envelope at BPFO is ${(atH.amp / noiseH).toFixed(1)}x its median`);
    });
  }

  for (const type of ['centrifugal-pump', 'induction-motor', 'fan'] as const) {
    test(`vibration - misalignment on ${type} raises 2x strongly and 1x mildly`, () => {
      const faulty = lateWindow(type, 'misalignment');
      const healthy = lateWindow(type, null);
      const order = (w: TelemetryWindow, k: number): number => {
        const x = channel(w, 'vib_de');
        const binHz = w.channels[0]!.rateHz / x.length;
        const f = (k * channel(w, 'speed')[0]!) / 60;
        return peakIn(amplitudeSpectrum(x), binHz, f - 2 * binHz, f + 2 * binHz).amp;
      };
      const ratio2 = order(faulty, 2) / order(healthy, 2);
      const ratio1 = order(faulty, 1) / order(healthy, 1);
      assert.ok(ratio2 > 5, `2x grew ${ratio2.toFixed(2)} times`);
      assert.ok(ratio1 > 1.05 && ratio1 < ratio2, `1x grew ${ratio1.toFixed(2)} times (2x: ${ratio2.toFixed(2)})`);
    });
  }
});
