// Synthetic vibration recordings with the physics of each fault, for the diagnosis tests (seeded).
// Bearing faults: impacts at the defect frequency with random 1–2 % slip between impacts (McFadden
// & Smith 1984; Randall & Antoni 2011, sec. 2), each ringing a structural resonance; inner-race
// impacts amplitude-modulated at 1x as the defect passes through the load zone; ball impacts at
// 2×BSF (a spall strikes both races) modulated at the cage speed FTF. Every signal also carries
// Gaussian noise and 1x/2x shaft components; the impacts sit below the noise in the raw signal.
import { bearingDefectOrders, type BearingGeometry } from '../../core/index.ts';
import { rng } from './synthetic.test-support.ts';

/** SKF 6205 as on the Case Western Reserve University test rig's drive end. */
export const BEARING_6205: BearingGeometry = { designation: '6205', rollingElements: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 };

export type SyntheticFault = 'normal' | 'outer_race' | 'inner_race' | 'rolling_element' | 'imbalance' | 'misalignment' | 'looseness';

export interface FaultSignalOptions {
  fault: SyntheticFault;
  rateHz: number;
  rpm: number;
  seconds?: number;
  seed?: number;
  /** Resonance excited by the impacts (Hz). */
  resonanceHz?: number;
  /** Peak impact amplitude (the noise has σ = 1 at 48 kHz, σ = 0.5 at 12 kHz). */
  impactToNoise?: number;
}

/** A recording of `seconds` at `rateHz` with the given fault (arbitrary unit). */
export function faultSignal(o: FaultSignalOptions): Float64Array {
  const { rateHz, rpm, fault } = o;
  const seconds = o.seconds ?? 4;
  const n = Math.round(seconds * rateHz);
  const u = rng(o.seed ?? 1);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const x = new Float64Array(n);
  // Noise of equal spectral density at every rate (σ = 1 at 48 kHz), as an accelerometer's floor is.
  const sigma = Math.sqrt(rateHz / 48_000);
  for (let i = 0; i < n; i++) x[i] = sigma * normal();
  const fs = rpm / 60;
  const orders = bearingDefectOrders(BEARING_6205);
  const p1 = 2 * Math.PI * u();
  const p2 = 2 * Math.PI * u();
  // Shaft components in acceleration: a healthy machine's residual imbalance and alignment.
  let a1 = 0.3;
  let a2 = 0.2;
  if (fault === 'imbalance') a1 = 6;
  if (fault === 'misalignment') {
    a1 = 0.4;
    a2 = 3;
  }
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    x[i]! += a1 * Math.sin(2 * Math.PI * fs * t + p1) + a2 * Math.sin(2 * Math.PI * 2 * fs * t + p2);
  }
  if (fault === 'misalignment') addTone(x, rateHz, 3 * fs, 1.2, u());
  if (fault === 'looseness') {
    // Mechanical looseness: a truncated (rectified) response rich in running-speed harmonics and half orders.
    // Velocity of the k-th harmonic falls as k^-0.5 (acceleration rises as √k).
    for (let k = 1; k <= 10; k++) addTone(x, rateHz, k * fs, 0.8 * Math.sqrt(k), u());
    for (const h of [0.5, 1.5, 2.5, 3.5]) addTone(x, rateHz, h * fs, 0.3 * Math.sqrt(h), u());
  }
  const defect: Record<string, { hz: number; mod?: { hz: number; depth: number } } | undefined> = {
    outer_race: { hz: orders.bpfo * fs },
    inner_race: { hz: orders.bpfi * fs, mod: { hz: fs, depth: 0.8 } },
    rolling_element: { hz: 2 * orders.bsf * fs, mod: { hz: orders.ftf * fs, depth: 0.8 } },
  };
  const d = defect[fault];
  if (d) addImpacts(x, rateHz, d.hz, o.resonanceHz ?? 3200, o.impactToNoise ?? 1.6, d.mod, u);
  return x;
}

function addTone(x: Float64Array, rateHz: number, fHz: number, amplitude: number, phase01: number): void {
  for (let i = 0; i < x.length; i++) x[i]! += amplitude * Math.sin((2 * Math.PI * fHz * i) / rateHz + 2 * Math.PI * phase01);
}

/** Impacts at mean rate `repeatHz` with 1.5 % random slip per interval, each ringing `resonanceHz` (decay 0.5 ms). */
function addImpacts(x: Float64Array, rateHz: number, repeatHz: number, resonanceHz: number, amplitude: number, mod: { hz: number; depth: number } | undefined, u: () => number): void {
  const decayS = 0.0005;
  const ring = Math.ceil(8 * decayS * rateHz);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const duration = x.length / rateHz;
  const modPhase = 2 * Math.PI * u();
  for (let t0 = u() / repeatHz; t0 < duration; t0 += (1 + 0.015 * normal()) / repeatHz) {
    const gain = mod ? 1 - mod.depth / 2 + (mod.depth / 2) * Math.cos(2 * Math.PI * mod.hz * t0 + modPhase) : 1;
    const i0 = Math.ceil(t0 * rateHz);
    for (let i = i0; i < Math.min(x.length, i0 + ring); i++) {
      const t = i / rateHz - t0;
      x[i]! += amplitude * gain * Math.exp(-t / decayS) * Math.sin(2 * Math.PI * resonanceHz * t);
    }
  }
}
