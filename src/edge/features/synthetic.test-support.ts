// Synthetic signals for the feature and agent tests (seeded, so a failure reproduces).
import type { MachineBirth, TelemetryWindow } from '../../core/index.ts';
import { mulberry32 } from '../detectors/prng.ts';

/** Deterministic uniform generator in [0, 1): the detectors' own PRNG. */
export const rng = mulberry32;

/** Standard normal samples (Box–Muller). */
export function gaussian(n: number, seed: number, sigma = 1): number[] {
  const u = rng(seed);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = sigma * r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = sigma * r * Math.sin(th);
  }
  return out;
}

/** A·sin(2πft) sampled at rateHz. */
export function tone(n: number, rateHz: number, fHz: number, amplitude: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * fHz * i) / rateHz + phase));
}

/** Impacts repeating at `repeatHz`, each ringing a resonance at `resonanceHz` that decays in ~1 ms. */
export function bearingImpacts(n: number, rateHz: number, repeatHz: number, resonanceHz: number, amplitude: number): number[] {
  const out = new Array<number>(n).fill(0);
  const decayS = 0.0008;
  for (let t0 = 0.003; t0 < n / rateHz; t0 += 1 / repeatHz) {
    const i0 = Math.ceil(t0 * rateHz);
    for (let i = i0; i < Math.min(n, i0 + Math.ceil(8 * decayS * rateHz)); i++) {
      const t = i / rateHz - t0;
      out[i]! += amplitude * Math.exp(-t / decayS) * Math.sin(2 * Math.PI * resonanceHz * t);
    }
  }
  return out;
}

/** Element-wise sum of equally long signals. */
export function add(...xs: number[][]): number[] {
  return xs[0]!.map((_, i) => xs.reduce((s, x) => s + x[i]!, 0));
}

/** A pump with a 6205 bearing (BPFO ≈ 3.58 orders), as the simulator announces it. */
export const testBirth: MachineBirth = {
  v: 1,
  site: 's1',
  line: 'l1',
  machine: 'p1',
  machineType: 'centrifugal-pump',
  ratedSpeedRpm: 1500,
  bearing: { designation: '6205', rollingElements: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
  sensors: [
    { channel: 'vib_de', unit: 'm/s2', rateHz: 10240, kind: 'waveform' },
    { channel: 'speed', unit: 'rpm', rateHz: 1, kind: 'scalar' },
    { channel: 'temp_bearing', unit: 'degC', rateHz: 1, kind: 'scalar' },
  ],
};

/** A window of `vib` at 10240 Hz plus speed and temperature. */
export function windowOf(vib: number[], opts: { seq?: number; ts?: number; rpm?: number; tempC?: number; rateHz?: number } = {}): TelemetryWindow {
  return {
    v: 1,
    site: testBirth.site,
    line: testBirth.line,
    machine: testBirth.machine,
    seq: opts.seq ?? 0,
    ts: opts.ts ?? 1_700_000_000_000,
    channels: [
      { name: 'vib_de', unit: 'm/s2', rateHz: opts.rateHz ?? 10240, values: vib },
      { name: 'speed', unit: 'rpm', rateHz: 1, values: [opts.rpm ?? 1500] },
      { name: 'temp_bearing', unit: 'degC', rateHz: 1, values: [opts.tempC ?? 45] },
    ],
  };
}
