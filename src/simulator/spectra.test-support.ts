// Shared by the vibration tests: a faulty machine late in its life and its healthy twin, and the
// spectra a vibration analyst would compute from their windows (fft.js, test code only).
import assert from 'node:assert/strict';
import FFT from 'fft.js';
import { bearingDefectOrders, type DefectOrders, type FaultType, type MachineType, type TelemetryWindow } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { createSimulator } from './simulator.ts';

export const START_MS = Date.UTC(2024, 0, 1);
export const HOUR_MS = 3_600_000;
/** Housing resonance pinned for the tests, Hz: the band-pass of the envelope analysis centres on it. */
export const RESONANCE_HZ = 3200;

/** The values of a window's channel (asserts it exists). */
export function channel(w: TelemetryWindow, name: string): number[] {
  const c = w.channels.find((ch) => ch.name === name);
  assert.ok(c, `window has channel ${name}`);
  return c.values;
}

/** Last window before failure of a machine (fault from START, failure after 24 h), or of its healthy twin. */
export function lateWindow(type: MachineType, fault: FaultType | null, seed = 7): TelemetryWindow {
  return windows(type, fault, seed, 47).at(-1)!; // 23.5 h: severity ~0.9
}

/** The first `count` half-hourly windows of a one-machine plant with `fault` from START to failure after 24 h. */
export function windows(type: MachineType, fault: FaultType | null, seed: number, count: number, resonanceHz = RESONANCE_HZ): TelemetryWindow[] {
  const plant = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'm-1', type, resonanceHz }] }] }] });
  const faults = fault ? [{ machine: 'm-1', fault, onsetMs: START_MS, failureMs: START_MS + 24 * HOUR_MS }] : [];
  const sim = createSimulator({ plant, seed, startMs: START_MS, windowIntervalMs: HOUR_MS / 2, faults });
  const out: TelemetryWindow[] = [];
  for (let i = 0; i < count; i++) {
    const w = sim.step()[0];
    assert.ok(w, `window ${i} published`);
    out.push(w);
  }
  return out;
}

/** Defect frequencies of the default bearing of `type`, Hz, at the shaft speed the window measured. */
export function defectHz(type: MachineType, w: TelemetryWindow): DefectOrders {
  const plant = PlantConfig.parse({ sites: [{ id: 's', lines: [{ id: 'l', machines: [{ id: 'm-1', type }] }] }] });
  const sim = createSimulator({ plant, seed: 1, startMs: START_MS, faults: [] });
  const o = bearingDefectOrders(sim.births[0]!.bearing);
  const fr = shaftHz(w);
  return { bpfo: o.bpfo * fr, bpfi: o.bpfi * fr, bsf: o.bsf * fr, ftf: o.ftf * fr };
}

/** Shaft frequency from the window's tachometer, Hz. */
export function shaftHz(w: TelemetryWindow): number {
  return channel(w, 'speed')[0]! / 60;
}

/** Zero-padding of the envelope FFT: 4x finer bins, so a 58 Hz fan BPFO is resolved to well under 2%. */
export const ENVELOPE_PAD = 4;

/**
 * Envelope spectrum as an analyst computes it: FFT band-pass around the resonance, Hilbert
 * envelope (analytic signal), then a Hann-windowed, zero-padded FFT of the envelope.
 * Returns magnitudes with bin spacing rateHz / (n * ENVELOPE_PAD).
 */
export function envelopeSpectrum(x: number[], rateHz: number, loHz: number, hiHz: number): Float64Array {
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

/** Amplitude spectrum (Hann window), peak amplitude per bin, bin spacing rateHz / n. */
export function amplitudeSpectrum(x: number[]): Float64Array {
  const n = x.length;
  const fft = new FFT(n);
  const w = x.map((v, i) => v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)));
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, w);
  const mag = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) mag[k] = (4 / n) * Math.hypot(out[2 * k]!, out[2 * k + 1]!);
  return mag;
}

/** RMS of the signal's content between loHz and hiHz (Parseval over the unwindowed FFT), same unit as x. */
export function bandRms(x: number[], rateHz: number, loHz: number, hiHz: number): number {
  const n = x.length;
  const fft = new FFT(n);
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, x);
  let sum = 0;
  for (let k = 1; k < n / 2; k++) {
    const f = (k * rateHz) / n;
    if (f >= loHz && f <= hiHz) sum += out[2 * k]! ** 2 + out[2 * k + 1]! ** 2;
  }
  return Math.sqrt((2 * sum) / (n * n));
}

/** Largest value in [loHz, hiHz] and its frequency refined by parabolic interpolation. */
export function peakIn(mag: Float64Array, binHz: number, loHz: number, hiHz: number): { freqHz: number; amp: number } {
  let best = Math.max(1, Math.ceil(loHz / binHz));
  for (let k = best; k <= Math.min(mag.length - 2, Math.floor(hiHz / binHz)); k++) if (mag[k]! > mag[best]!) best = k;
  const [a, b, c] = [mag[best - 1]!, mag[best]!, mag[best + 1]!];
  const delta = a - 2 * b + c === 0 ? 0 : (0.5 * (a - c)) / (a - 2 * b + c);
  return { freqHz: (best + delta) * binHz, amp: b };
}

/** Median of the values. */
export function median(xs: ArrayLike<number>): number {
  const s = Array.from(xs).sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}
