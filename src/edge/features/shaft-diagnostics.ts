// Running-speed analysis of a recording: the true shaft speed from the harmonic comb of the 1x line
// (a nameplate or tachometer rpm can be 2 % off), then the levels of 1x..10x and the half orders
// that imbalance, misalignment and looseness leave in the spectrum (ISO 13373-3 annex; Mitchell's
// fault charts). One long Hann spectrum of the whole recording gives the fine resolution needed to
// tell 2x running speed from 50/60 Hz mains.
import type { ShaftDiagnostics } from '../../core/index.ts';
import { amplitudeSpectrum, bandAmplitude, type Spectrum } from './spectrum.ts';
import { lineLevel, localFloor } from './line-levels.ts';

/** Search range of the speed estimate around the nominal speed (relative): motors slip up to ~4 %. */
const SPEED_SEARCH = 0.04;
/** A harmonic this far above its floor (dB) is a clear line, enough to trust the speed estimate. */
const CLEAR_LINE_DB = 12;
/** Harmonics read (1x..10x) and half orders (0.5x..4.5x). */
const HARMONICS = 10;
const HALF_ORDERS = 5;
/** Mains frequencies (Hz): a 2x line this close to one may be electrical. */
const MAINS_HZ = [50, 60];
const MAINS_CLASH_HZ = 0.5;
/**
 * Bins of a Hann spectrum within which two lines merge (main lobe ±2 bins; Randall, Vibration-based
 * Condition Monitoring, 2011, sec. 3.6 on windows and resolution): a 2x line that near mains cannot be
 * told from it, however far it is in hertz.
 */
const MAINS_CLASH_BINS = 2;
/** ISO 20816-1 broadband velocity band (Hz) for machines above 600 rpm. */
const VELOCITY_BAND_HZ: [number, number] = [10, 1000];

/**
 * Shaft-speed harmonics of a whole recording (acceleration, any unit) at nominal shaft speed
 * `nominalShaftHz`; `kurtosis` is the caller's median segment kurtosis, passed through. With
 * `blockSamples` the recording is separate blocks (windows with gaps between them): their Hann
 * spectra are averaged (Welch) instead of one spectrum spanning the phase jumps.
 */
export function shaftDiagnostics(x: ArrayLike<number>, rateHz: number, nominalShaftHz: number, kurtosis: number, blockSamples?: number): ShaftDiagnostics {
  const spec = blockSamples !== undefined && blockSamples < x.length ? averagedSpectrum(x, rateHz, blockSamples) : amplitudeSpectrum(x, rateHz);
  // Samples behind one transform: what sets the bin width and the main lobe's width in bins.
  const span = blockSamples !== undefined && blockSamples < x.length ? blockSamples : x.length;
  const { binHz, amplitudes: a } = spec;
  const topHz = Math.min(0.45 * rateHz, (HARMONICS + 1) * nominalShaftHz * (1 + SPEED_SEARCH));
  const maxBin = Math.min(a.length - 1, Math.ceil(topHz / binHz));
  // Floor: median over ±0.2x shaft speed, leaving out the line's leakage (Hann main lobe, speed wander).
  const guard = Math.max(3, Math.ceil(0.15 / binHz));
  const floor = localFloor(a, maxBin, Math.max(guard + 8, (0.2 * nominalShaftHz) / binHz), guard);
  const level = (fHz: number, tolHz: number) => lineLevel(a, floor, binHz, fHz, tolHz);

  // Speed: the candidate whose first five harmonics stand highest together.
  const fine = (fHz: number) => Math.max(binHz, 0.0005 * fHz);
  let bestHz = nominalShaftHz;
  let bestScore = -Infinity;
  for (let f = nominalShaftHz * (1 - SPEED_SEARCH); f <= nominalShaftHz * (1 + SPEED_SEARCH); f += binHz / 2) {
    let s = 0;
    for (let k = 1; k <= 5 && k * f < 0.45 * rateHz; k++) s += Math.max(0, level(k * f, fine(k * f)).db);
    if (s > bestScore) {
      bestScore = s;
      bestHz = f;
    }
  }
  const clear = [1, 2, 3, 4, 5].filter((k) => level(k * bestHz, fine(k * bestHz)).db >= CLEAR_LINE_DB);
  const speedFromSignal = clear.includes(1) || clear.length >= 2;
  const shaftHz = speedFromSignal ? refineSpeed(a, binHz, bestHz, clear.length ? clear : [1], Math.ceil((4 * (a.length - 1)) / Math.max(1, span)) + 1) : nominalShaftHz;
  const tol = (fHz: number) => (speedFromSignal ? Math.max(2 * binHz, 0.002 * fHz) : 0.03 * fHz);

  const harmonicsDb: number[] = [];
  for (let k = 1; k <= HARMONICS && k * shaftHz < 0.45 * rateHz; k++) harmonicsDb.push(level(k * shaftHz, tol(k * shaftHz)).db);
  // Hann main-lobe half-width in bins of this transform (±2 bins of the unpadded block).
  const lobe = Math.max(2, Math.round((2 * (a.length - 1) * 2) / Math.max(1, span)));
  // A half order lies 0.5x from the integer lines either side. Where its search band (±tol) plus
  // the bins summed round its peak (±lobe) reach into a neighbour's main lobe, what is read there is
  // that line's leakage, not a sub-harmonic (Randall, Vibration-based Condition Monitoring, 2011,
  // sec. 3.6 on resolution): with 0.4 s blocks (2.5 Hz bins) so for 4- and 6-pole machines, whose
  // 0.5x is 12 and 8 Hz. Such a half order is reported as no line: 0 dB, velocity 0.
  const resolvable = (k: number) => tol((k + 0.5) * shaftHz) + 2 * lobe * binHz < 0.5 * shaftHz;
  const halfOrdersDb: number[] = [];
  for (let k = 0; k < HALF_ORDERS && (k + 0.5) * shaftHz < 0.45 * rateHz; k++) halfOrdersDb.push(resolvable(k) ? level((k + 0.5) * shaftHz, tol((k + 0.5) * shaftHz)).db : 0);

  // Velocity of a tone: acceleration amplitude / 2πf; ratios and shares need no unit.
  const vel = (k: number) => {
    const f = k * shaftHz;
    if (f >= 0.45 * rateHz) return 0;
    return bandAmplitude(spec, f - tol(f), f + tol(f), lobe) / (2 * Math.PI * f);
  };
  const [v1, v2, v3] = [vel(1), vel(2), vel(3)];
  const ratio = (v: number) => (v1 > 0 && Number.isFinite(v) ? Math.min(1e3, v / v1) : 0);
  const velocityHarmonics = harmonicsDb.map((_, i) => ratio(vel(i + 1)));
  const velocityHalfOrders = halfOrdersDb.map((_, i) => (resolvable(i) ? ratio(vel(i + 0.5)) : 0));
  const share = v1 > 0 ? Math.min(1, (v1 * v1) / 2 / Math.max(1e-300, velocityMeanSquare(spec, VELOCITY_BAND_HZ))) : 0;
  return {
    shaftHz,
    speedFromSignal,
    harmonicsDb,
    halfOrdersDb,
    velocityHarmonics,
    velocityHalfOrders,
    velocityRatios: { x2ToX1: ratio(v2), x3ToX1: ratio(v3) },
    x1VelocityShare: Number.isFinite(share) ? share : 0,
    x2AtMains: MAINS_HZ.some((m) => Math.abs(2 * shaftHz - m) < Math.max(MAINS_CLASH_HZ, MAINS_CLASH_BINS * binHz)),
    kurtosis: Number.isFinite(kurtosis) ? kurtosis : 0,
  };
}

/** Average of the blocks' Hann spectra (power averaged; amplitude the root of the mean square, so a steady line keeps its amplitude). */
function averagedSpectrum(x: ArrayLike<number>, rateHz: number, blockSamples: number): Spectrum {
  let sum: Spectrum | undefined;
  let count = 0;
  for (let b = 0; b + blockSamples <= x.length; b += blockSamples) {
    const part = x instanceof Float64Array ? x.subarray(b, b + blockSamples) : (Array.prototype.slice.call(x, b, b + blockSamples) as number[]);
    const s = amplitudeSpectrum(part, rateHz);
    if (!sum) sum = { binHz: s.binHz, amplitudes: new Float64Array(s.amplitudes.length), power: new Float64Array(s.power.length) };
    for (let k = 0; k < s.power.length; k++) {
      sum.power[k]! += s.power[k]!;
      sum.amplitudes[k]! += s.amplitudes[k]! * s.amplitudes[k]!;
    }
    count++;
  }
  if (!sum) return amplitudeSpectrum(x, rateHz);
  for (let k = 0; k < sum.power.length; k++) {
    sum.power[k]! /= count;
    sum.amplitudes[k] = Math.sqrt(sum.amplitudes[k]! / count);
  }
  return sum;
}

/** Mean square velocity in a band from an acceleration spectrum (Parseval, divided by (2πf)²). */
function velocityMeanSquare(s: Spectrum, [fLo, fHi]: [number, number]): number {
  let ms = 0;
  const lo = Math.max(1, Math.ceil(fLo / s.binHz));
  const hi = Math.min(s.power.length - 1, Math.floor(fHi / s.binHz));
  for (let k = lo; k <= hi; k++) {
    const w = 2 * Math.PI * k * s.binHz;
    ms += s.power[k]! / (w * w);
  }
  return ms;
}

/**
 * Refines a comb's speed: each clear harmonic's peak is located between bins by a parabola through
 * the log amplitudes of its top three bins (searched over ±lobeBins) (Gaussian interpolation: the Hann main lobe is nearly
 * Gaussian in dB; Gasior & Gonzalez, CERN-AB-2004-023), divided by its order; higher orders weigh
 * more (the same bin error is a smaller speed error).
 */
function refineSpeed(a: Float64Array, binHz: number, f1: number, orders: number[], lobeBins: number): number {
  let sum = 0;
  let weight = 0;
  for (const k of orders) {
    const c = Math.round((k * f1) / binHz);
    let p = c;
    for (let j = c - lobeBins; j <= c + lobeBins; j++) if (j > 0 && j < a.length - 1 && a[j]! > a[p]!) p = j;
    if (p <= 0 || p >= a.length - 1) continue;
    const [l, m, r] = [Math.log(a[p - 1]! || 1e-300), Math.log(a[p]! || 1e-300), Math.log(a[p + 1]! || 1e-300)];
    const den = l - 2 * m + r;
    const delta = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / den)) : 0;
    sum += k * (((p + delta) * binHz) / k);
    weight += k;
  }
  const f = weight > 0 ? sum / weight : f1;
  // Keep the refinement within the window's main lobe around the comb's answer (the comb's plateau:
  // zero-padding makes the lobe several bins wide, so the comb alone is only that precise).
  return Number.isFinite(f) && Math.abs(f - f1) <= lobeBins * binHz ? f : f1;
}
