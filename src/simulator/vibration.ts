// Drive-end acceleration waveform of one window: shaft harmonics + broadband noise + bearing impacts.
//
// Shaft harmonics: residual imbalance gives 1x, the always-present small asymmetries a little 2x
// and 3x; misalignment raises 2x strongly, 1x mildly and 3x a little (Piotrowski, Shaft Alignment
// Handbook, 3rd ed. 2006, ch. 3). Amplitudes are given as velocity (mm/s peak, the ISO 20816
// quantity) and converted to acceleration, a = 2 pi f v.
//
// Outer-race fault: each rolling element striking the spall excites the housing resonance, a
// damped sinusoid; impacts repeat at BPFO with 1–2% random jitter from rolling-element slip, which
// is why the raw spectrum smears and envelope analysis is needed (Randall & Antoni, "Rolling
// element bearing diagnostics — a tutorial", MSSP 25, 2011, sec. 2.1).
import type { Rng } from './rng.ts';

export interface ImpactTrain {
  /** Impact rate in orders of shaft speed (BPFO / shaft frequency). */
  orders: number;
  /** Peak acceleration of one impact, m/s2. */
  peakMs2: number;
  /** Natural frequency of the excited resonance, Hz. */
  resonanceHz: number;
  /** Damping ratio of that resonance. */
  damping: number;
  /** Standard deviation of the interval between impacts, as a fraction of the mean (slip). */
  slipSd: number;
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
}

/** Jitter of harmonic phases between windows, rad: small load-dependent changes of the rotor's deflected shape. */
const PHASE_JITTER_RAD = 0.05;
/** Impact-to-impact amplitude scatter (fraction): the load on each rolling element differs a little. */
const IMPACT_AMPLITUDE_SD = 0.1;
/** An impact's ring-down is cut when its envelope falls below this fraction of its peak. */
const RING_DOWN_FLOOR = 1e-3;

/**
 * Fills `out` with one window of drive-end acceleration, m/s2; deterministic given the rng states.
 * Impacts draw from their own stream so a fault leaves the healthy part of the signal unchanged.
 */
export function synthesizeVibration(out: Float64Array, p: VibrationParams, rng: Rng, impactRng: Rng = rng): void {
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
    const phase = (h + 1) * theta0 + p.harmonicPhasesRad[h]! + PHASE_JITTER_RAD * rng.normal();
    // Rotating phasor instead of n calls to sin: one complex multiply per sample.
    const c = Math.cos(2 * Math.PI * f * dt), s = Math.sin(2 * Math.PI * f * dt);
    let re = Math.cos(phase), im = Math.sin(phase);
    for (let i = 0; i < n; i++) {
      out[i]! += amp * im;
      const r2 = re * c - im * s;
      im = re * s + im * c;
      re = r2;
    }
  }
  const sigma = p.noiseRmsMs2;
  for (let i = 0; i < n; i++) out[i]! += sigma * rng.normal();
  if (p.impacts && p.impacts.peakMs2 > 0) addImpacts(out, p.rateHz, p.shaftHz, p.impacts, impactRng);
}

function addImpacts(out: Float64Array, rateHz: number, shaftHz: number, t: ImpactTrain, rng: Rng): void {
  const n = out.length;
  const periodS = 1 / (t.orders * shaftHz);
  const wn = 2 * Math.PI * t.resonanceHz;
  const decay = t.damping * wn; // 1/s
  const wd = wn * Math.sqrt(1 - t.damping * t.damping);
  const ringS = -Math.log(RING_DOWN_FLOOR) / decay;
  const dt = 1 / rateHz;
  const stepDecay = Math.exp(-decay * dt);
  const c = Math.cos(wd * dt) * stepDecay, s = Math.sin(wd * dt) * stepDecay;
  // Start before the window so that it opens on the tail of an earlier impact.
  let tImpact = -ringS + periodS * rng.next();
  const endS = n * dt;
  while (tImpact < endS) {
    const amp = t.peakMs2 * Math.max(0, 1 + IMPACT_AMPLITUDE_SD * rng.normal());
    let k = Math.max(0, Math.ceil(tImpact * rateHz));
    const lead = k * dt - tImpact; // fractional-sample timing keeps the jitter exact
    const kEnd = Math.min(n, Math.ceil((tImpact + ringS) * rateHz));
    const e0 = amp * Math.exp(-decay * lead);
    let re = e0 * Math.cos(wd * lead), im = e0 * Math.sin(wd * lead);
    for (; k < kEnd; k++) {
      out[k]! += im;
      const r2 = re * c - im * s;
      im = re * s + im * c;
      re = r2;
    }
    const jitter = Math.max(-3, Math.min(3, rng.normal())) * t.slipSd;
    tImpact += periodS * (1 + jitter);
  }
}
