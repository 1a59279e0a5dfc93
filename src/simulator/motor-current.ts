// One stator phase current of an induction motor, for motor current signature analysis (MCSA).
//
// A broken rotor bar makes the rotor field asymmetric: a backward-rotating field at slip
// frequency induces a stator current at (1 − 2s)·f, and the speed ripple it causes adds
// (1 + 2s)·f (Thomson & Fenger, "Current signature analysis to detect induction motor faults",
// IEEE Industry Applications Magazine 7(4), 2001; Bellini et al., "Quantitative evaluation of
// induction motor broken bars by means of electrical signature analysis", IEEE Trans. Ind. Appl.
// 37(5), 2001). A healthy cage leaves them more than 50 dB below the line; one to a few broken
// bars bring them to −45 … −35 dB, severe damage to −35 … −25 dB. Their amplitude is about
// proportional to the number of broken bars and to the load (no load: no rotor current, no sidebands).
import type { Rng } from './rng.ts';

/** Phase-current sampling rate, Hz: Nyquist 512 Hz covers the supply line and its 5th/7th harmonics. */
export const PHASE_CURRENT_RATE_HZ = 1024;
/** Samples per phase-current window: 8 s, so 0.125 Hz resolution separates sidebands 2sf ≈ 1 Hz off the line. */
export const PHASE_CURRENT_SAMPLES = 8192;
/** Lowest slip the model uses: an induction motor never reaches synchronous speed while motoring. */
export const MIN_SLIP = 0.002;

/** Healthy (manufacturing asymmetry) sideband level range, dB relative to the line (drawn per machine). */
export const HEALTHY_SIDEBAND_DB: [number, number] = [-60, -52];
/** Lower-sideband level at functional failure and rated load, dB (several adjacent bars broken). */
export const FAILED_SIDEBAND_DB = -28;
/** Upper over lower sideband amplitude: the speed-ripple sideband is weaker, depending on inertia (Bellini 2001). */
const UPPER_SIDEBAND_RATIO = 0.7;
/** Supply (inverter-free mains) voltage distortion: 5th and 7th harmonic currents, fraction of the line (IEC 61000-2-4 class 2 levels). */
const SUPPLY_HARMONICS: ReadonlyArray<[number, number]> = [[5, 0.02], [7, 0.012]];
/** Current transformer + ADC noise, fraction of the line amplitude (RMS). */
const SENSOR_NOISE_FRAC = 0.002;

export interface PhaseCurrentParams {
  supplyHz: number;
  /** Per-unit slip, > 0. */
  slip: number;
  /** RMS stator current, A. */
  rmsA: number;
  /** Stronger (lower) sideband amplitude relative to the line, linear (10^(dB/20)). */
  sidebandRatio: number;
  rateHz: number;
}

/** Slip from measured speed and the drive: 1 − rpm/sync, floored at MIN_SLIP. */
export function slipOf(rpm: number, supplyHz: number, poles: number): number {
  const syncRpm = (120 * supplyHz) / poles;
  return Math.max(MIN_SLIP, 1 - rpm / syncRpm);
}

/**
 * Lower-sideband amplitude ratio at severity s (0 healthy … 1 failed) and load (fraction of
 * rated): amplitude rises linearly from the healthy floor with the number of broken bars and
 * scales with load (rotor current).
 */
export function rotorBarSidebandRatio(s: number, load: number, healthyDb: number): number {
  const r0 = 10 ** (healthyDb / 20), r1 = 10 ** (FAILED_SIDEBAND_DB / 20);
  const l = Math.max(0.2, Math.min(1.1, load));
  return r0 + (r1 - r0) * Math.max(0, s) * l;
}

/** Fills `out` with one phase current (A): the line, the rotor-bar sidebands, supply harmonics and sensor noise. */
export function synthesizePhaseCurrent(out: Float64Array, p: PhaseCurrentParams, rng: Rng): void {
  const n = out.length;
  const dt = 1 / p.rateHz;
  const amp = p.rmsA * Math.SQRT2;
  for (let i = 0; i < n; i++) out[i] = 0;
  // The window starts at an arbitrary point of the mains cycle.
  const ph = 2 * Math.PI * rng.next();
  const lines: Array<[number, number, number]> = [
    [p.supplyHz, amp, ph],
    [(1 - 2 * p.slip) * p.supplyHz, amp * p.sidebandRatio, 2 * Math.PI * rng.next()],
    [(1 + 2 * p.slip) * p.supplyHz, amp * p.sidebandRatio * UPPER_SIDEBAND_RATIO, 2 * Math.PI * rng.next()],
  ];
  for (const [k, frac] of SUPPLY_HARMONICS) lines.push([k * p.supplyHz, amp * frac, 2 * Math.PI * rng.next()]);
  for (const [fHz, a, phase] of lines) {
    if (fHz >= p.rateHz / 2) continue;
    const c = Math.cos(2 * Math.PI * fHz * dt), sn = Math.sin(2 * Math.PI * fHz * dt);
    let re = Math.cos(phase), im = Math.sin(phase);
    for (let i = 0; i < n; i++) {
      out[i]! += a * im;
      const r2 = re * c - im * sn;
      im = re * sn + im * c;
      re = r2;
    }
  }
  const sigma = SENSOR_NOISE_FRAC * amp;
  for (let i = 0; i < n; i++) out[i]! += sigma * rng.normal();
}

/**
 * Pole-pass frequency, Hz: the broken bar's field passes each pole pair at slip frequency, so the
 * 1x vibration and torque are modulated at poles × slip × f (Thomson & Fenger 2001).
 */
export function polePassHz(slip: number, supplyHz: number, poles: number): number {
  return poles * slip * supplyHz;
}
