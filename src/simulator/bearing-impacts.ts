// Bearing defect impacts: each rolling-element strike on a spall excites the housing resonance, a
// damped sinusoid; strikes repeat at the defect frequency with 1–2% random jitter from
// rolling-element slip, which is why the raw spectrum smears and envelope analysis is needed
// (Randall & Antoni, "Rolling element bearing diagnostics — a tutorial", MSSP 25, 2011, sec. 2.1).
// A defect that moves through the load zone (inner race with the shaft, a ball with the cage) is
// struck harder inside it than outside: its impacts are amplitude-modulated at that rotation rate
// (ibid. sec. 2.1 and fig. 3), which puts sidebands at ±1x (inner race) or ±FTF (ball) around the
// defect line of the envelope spectrum.
import type { Rng } from './rng.ts';
import { addRing } from './ring.ts';

/** Once-per-rotation amplitude modulation of the impacts by the load zone. */
export interface LoadZoneModulation {
  /** Modulation rate in orders of shaft speed: 1 for an inner-race defect, FTF for a ball. */
  orders: number;
  /** Modulation depth in [0, 1]: 1 gives (1 + cos)/2, impacts vanish opposite the load zone. */
  depth: number;
  /** True when the defect turns with the shaft, so its angle is locked to the 1x phase; else the phase is random per window. */
  shaftLocked: boolean;
}

export interface ImpactTrain {
  /** Impact rate in orders of shaft speed (e.g. BPFO / shaft frequency). */
  orders: number;
  /** Peak acceleration of one impact, m/s2. */
  peakMs2: number;
  /** Natural frequency of the excited resonance, Hz. */
  resonanceHz: number;
  /** Damping ratio of that resonance. */
  damping: number;
  /** Standard deviation of the interval between impacts, as a fraction of the mean (slip). */
  slipSd: number;
  /** Impact-to-impact amplitude scatter (fraction); default IMPACT_AMPLITUDE_SD. */
  amplitudeSd?: number;
  /** Load-zone modulation, or absent for a stationary defect in the load zone (outer race). */
  modulation?: LoadZoneModulation;
}

/** Impact-to-impact amplitude scatter (fraction): the load on each rolling element differs a little. */
export const IMPACT_AMPLITUDE_SD = 0.1;
/** An impact's ring-down is cut when its envelope falls below this fraction of its peak. */
const RING_DOWN_FLOOR = 1e-3;

/** Adds an impact train to `out` (m/s2); `theta0Rad` is the shaft angle at the window start. */
export function addImpacts(out: Float64Array, rateHz: number, shaftHz: number, t: ImpactTrain, rng: Rng, theta0Rad: number): void {
  const n = out.length;
  const periodS = 1 / (t.orders * shaftHz);
  const wn = 2 * Math.PI * t.resonanceHz;
  const decay = t.damping * wn; // 1/s
  const wd = wn * Math.sqrt(1 - t.damping * t.damping);
  const ringS = -Math.log(RING_DOWN_FLOOR) / decay;
  const dt = 1 / rateHz;
  const stepDecay = Math.exp(-decay * dt);
  const c = Math.cos(wd * dt) * stepDecay, s = Math.sin(wd * dt) * stepDecay;
  const sd = t.amplitudeSd ?? IMPACT_AMPLITUDE_SD;
  const mod = t.modulation;
  const modW = mod ? 2 * Math.PI * mod.orders * shaftHz : 0; // rad/s
  const modPhase = mod ? (mod.shaftLocked ? mod.orders * theta0Rad : 2 * Math.PI * rng.next()) : 0;
  // Start before the window so that it opens on the tail of an earlier impact.
  let tImpact = -ringS + periodS * rng.next();
  const endS = n * dt;
  while (tImpact < endS) {
    let amp = t.peakMs2 * Math.max(0, 1 + sd * rng.normal());
    if (mod) amp *= 1 - 0.5 * mod.depth + 0.5 * mod.depth * Math.cos(modW * tImpact + modPhase);
    addRing(out, rateHz, tImpact, tImpact + ringS, amp, wd, decay, c, s);
    const jitter = Math.max(-3, Math.min(3, rng.normal())) * t.slipSd;
    tImpact += periodS * (1 + jitter);
  }
}
