// Drive-end acceleration waveform of one window: shaft harmonics + broadband noise + fault signals.
//
// Shaft harmonics: residual imbalance gives 1x, the always-present small asymmetries a little 2x
// and 3x; misalignment raises 2x strongly, 1x mildly and 3x a little (Piotrowski, Shaft Alignment
// Handbook, 3rd ed. 2006, ch. 3). Amplitudes are given as velocity (mm/s peak, the ISO 20816
// quantity) and converted to acceleration, a = 2 pi f v.
//
// Fault signals (bearing impacts, extra shaft orders, bubble collapses, contact noise) draw from
// their own random stream, so a fault leaves the healthy part of the signal sample for sample
// unchanged and a healthy twin is the same machine without the fault.
import { addImpacts, type ImpactTrain } from './bearing-impacts.ts';
import { addBubbleCollapses, addContactNoise, type BubbleCollapses, type ContactNoise } from './broadband.ts';
import type { Rng } from './rng.ts';

export type { ImpactTrain, LoadZoneModulation } from './bearing-impacts.ts';
export type { BubbleCollapses, ContactNoise } from './broadband.ts';

/** An extra line at a (possibly fractional) order of shaft speed. */
export interface OrderLine {
  /** Frequency in orders of shaft speed, e.g. 0.5, 4. */
  order: number;
  /** Velocity amplitude, mm/s peak. */
  mmS: number;
}

export interface VibrationParams {
  rateHz: number;
  shaftHz: number;
  /** Velocity amplitudes at 1x, 2x, 3x shaft speed, mm/s peak. */
  harmonicsMmS: readonly [number, number, number];
  /** Phases of 2x and 3x relative to 1x, rad: fixed per machine. */
  harmonicPhasesRad: readonly [number, number, number];
  /** Broadband acceleration noise, m/s2 RMS. */
  noiseRmsMs2: number;
  /** Bearing impacts, or null when the bearing is healthy. */
  impacts: ImpactTrain | null;
  /** Extra shaft-order lines (looseness); their phases are drawn per window, looseness phase is unsteady. */
  orderLines?: readonly OrderLine[];
  /** Bubble-collapse bursts (pump cavitation). */
  bubbles?: BubbleCollapses | null;
  /** High-frequency contact noise (bearing starved of lubricant). */
  contactNoise?: ContactNoise | null;
}

/** Jitter of harmonic phases between windows, rad: small load-dependent changes of the rotor's deflected shape. */
const PHASE_JITTER_RAD = 0.05;

/** Adds a sinusoid of `amp` m/s2 at `fHz` starting at `phaseRad` (sine phase) to `out`. */
function addSine(out: Float64Array, amp: number, fHz: number, phaseRad: number, dt: number): void {
  // Rotating phasor instead of n calls to sin: one complex multiply per sample.
  const n = out.length;
  const c = Math.cos(2 * Math.PI * fHz * dt), s = Math.sin(2 * Math.PI * fHz * dt);
  let re = Math.cos(phaseRad), im = Math.sin(phaseRad);
  for (let i = 0; i < n; i++) {
    out[i]! += amp * im;
    const r2 = re * c - im * s;
    im = re * s + im * c;
    re = r2;
  }
}

/**
 * Fills `out` with one window of drive-end acceleration, m/s2; deterministic given the rng states.
 * Fault signals draw from `faultRng` so a fault leaves the healthy part of the signal unchanged.
 */
export function synthesizeVibration(out: Float64Array, p: VibrationParams, rng: Rng, faultRng: Rng = rng): void {
  const n = out.length;
  const dt = 1 / p.rateHz;
  // The window starts at an arbitrary shaft angle: windows are snapshots minutes apart.
  const theta0 = 2 * Math.PI * rng.next();
  for (let i = 0; i < n; i++) out[i] = 0;
  for (let h = 0; h < 3; h++) {
    const vMmS = p.harmonicsMmS[h]!;
    if (vMmS <= 0) continue;
    const f = (h + 1) * p.shaftHz;
    const amp = (vMmS / 1000) * 2 * Math.PI * f; // m/s2 peak
    addSine(out, amp, f, (h + 1) * theta0 + p.harmonicPhasesRad[h]! + PHASE_JITTER_RAD * rng.normal(), dt);
  }
  const sigma = p.noiseRmsMs2;
  for (let i = 0; i < n; i++) out[i]! += sigma * rng.normal();
  for (const line of p.orderLines ?? []) {
    if (line.mmS <= 0) continue;
    const f = line.order * p.shaftHz;
    addSine(out, (line.mmS / 1000) * 2 * Math.PI * f, f, 2 * Math.PI * faultRng.next(), dt);
  }
  if (p.impacts && p.impacts.peakMs2 > 0) addImpacts(out, p.rateHz, p.shaftHz, p.impacts, faultRng, theta0);
  if (p.bubbles) addBubbleCollapses(out, p.rateHz, p.bubbles, faultRng);
  if (p.contactNoise) addContactNoise(out, p.rateHz, p.contactNoise, faultRng);
}
