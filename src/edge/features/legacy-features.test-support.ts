// A frozen copy of the window-feature algorithm as it stood before the fast paths of
// window-spectra.ts (two real FFTs, a scaled inverse FFT per band, fresh arrays per window): the
// reference the equivalence tests compare the optimised extraction with. Not used by the product.
import FFT from 'fft.js';
import { bearingDefectOrders, type Evidence, type MachineBirth, type TelemetryWindow } from '../../core/index.ts';
import { moments } from './moments.ts';
import { fastMedian as median } from './quickselect.ts';
import { candidateBands, skZ, SWITCH_MARGIN_Z, type ScoredBand } from './impulsive-band.ts';
import type { Spectrum } from './spectrum.ts';

const plans = new Map<number, FFT>();
function plan(size: number): FFT {
  let p = plans.get(size);
  if (!p) plans.set(size, (p = new FFT(size)));
  return p;
}
function scratchOf(_key: string, size: number): Float64Array<ArrayBuffer> {
  return new Float64Array(size);
}

/** Smallest power of two ≥ n (and ≥ MIN_FFT_SIZE). */
function nextPow2(n: number): number {
  let p = MIN_FFT_SIZE;
  while (p < n) p *= 2;
  return p;
}

/** Hann window of length n (periodic form, the one used for spectral analysis). */
function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Full complex spectrum (interleaved re, im; length 2·nfft) of real `x`, zero-padded to `nfft`
 * (a power of two). Zero-padding instead of trimming keeps every sample's energy.
 */
function realFft(x: ArrayLike<number>, nfft: number, out = new Float64Array(2 * nfft)): Float64Array {
  const f = plan(nfft);
  const input = scratchOf('fftIn', nfft);
  const n = Math.min(x.length, nfft);
  for (let i = 0; i < n; i++) input[i] = x[i]!;
  input.fill(0, n);
  f.realTransform(out, input);
  f.completeSpectrum(out);
  return out;
}

/** Inverse complex FFT (interleaved, length 2·nfft), scaled by 1/nfft as fft.js does. */
function inverseFft(spectrum: Float64Array, out = new Float64Array(spectrum.length)): Float64Array {
  const nfft = spectrum.length / 2;
  plan(nfft).inverseTransform(out, spectrum);
  return out;
}

/**
 * Hann-windowed amplitude spectrum of `x` sampled at `rateHz`, mean removed.
 * Scaling: amplitude_k = 2|X_k| / Σw (coherent gain), so a bin-centred sinusoid of amplitude A
 * reads A; power_k = 2|X_k|² / (nfft·Σw²), so Σ power over a band is the band's mean square
 * (Parseval with the window's energy; Harris, Proc. IEEE 66(1), 1978).
 */
function amplitudeSpectrum(x: ArrayLike<number>, rateHz: number): Spectrum {
  const n = x.length;
  const nfft = nextPow2(n);
  const { w, sumW, sumW2 } = cachedHann(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n || 1;
  const xw = scratchOf('xw', n);
  for (let i = 0; i < n; i++) xw[i] = (x[i]! - mean) * w[i]!;
  const spec = realFft(xw, nfft, scratchOf('spec', 2 * nfft));
  const bins = nfft / 2 + 1;
  const amplitudes = new Float64Array(bins);
  const power = new Float64Array(bins);
  if (sumW > 0) {
    const powerScale = nfft * sumW2;
    for (let k = 0; k < bins; k++) {
      const re = spec[2 * k]!;
      const im = spec[2 * k + 1]!;
      const m2 = re * re + im * im;
      const oneSided = k === 0 || k === nfft / 2 ? 1 : 2;
      amplitudes[k] = (oneSided * Math.sqrt(m2)) / sumW;
      power[k] = (oneSided * m2) / powerScale;
    }
  }
  return { binHz: rateHz / nfft, amplitudes, power };
}

/** Index range [lo, hi] of bins covering [fLoHz, fHiHz], clipped to the spectrum, at least one bin. */
function binRange(s: { binHz: number; amplitudes: Float64Array }, fLoHz: number, fHiHz: number): [number, number] {
  const last = s.amplitudes.length - 1;
  const lo = Math.max(0, Math.min(last, Math.floor(fLoHz / s.binHz)));
  const hi = Math.max(lo, Math.min(last, Math.ceil(fHiHz / s.binHz)));
  return [lo, hi];
}

/** Bin index of the largest amplitude in [fLoHz, fHiHz]. */
function peakBin(s: { binHz: number; amplitudes: Float64Array }, fLoHz: number, fHiHz: number): number {
  const [lo, hi] = binRange(s, fLoHz, fHiHz);
  let best = lo;
  for (let k = lo + 1; k <= hi; k++) if (s.amplitudes[k]! > s.amplitudes[best]!) best = k;
  return best;
}

/**
 * Amplitude of the strongest tone in [fLoHz, fHiHz]: the energy of its Hann main lobe
 * (±2 bins of the unpadded length) summed and converted back to a peak amplitude, so the result
 * does not depend on where the tone falls between bins (no scalloping loss).
 */
function bandAmplitude(s: Spectrum, fLoHz: number, fHiHz: number, lobeBins: number): number {
  const k = peakBin(s, fLoHz, fHiHz);
  const last = s.power.length - 1;
  let ms = 0;
  for (let j = Math.max(1, k - lobeBins); j <= Math.min(last, k + lobeBins); j++) ms += s.power[j]!;
  return Math.sqrt(2 * ms); // peak amplitude of a sinusoid with this mean square
}

/** Root mean square of the part of the signal within [fLoHz, fHiHz] (Parseval over `power`). */
function bandRms(s: Spectrum, fLoHz: number, fHiHz: number, weight?: (fHz: number) => number): number {
  const [lo, hi] = binRange(s, fLoHz, fHiHz);
  let ms = 0;
  for (let k = Math.max(1, lo); k <= hi; k++) ms += s.power[k]! * (weight ? weight(k * s.binHz) : 1);
  return Math.sqrt(ms);
}

/**
 * Analytic signal of `x` restricted to [loHz, hiHz]: band-pass and Hilbert transform in one
 * frequency-domain step (keep the band's positive frequencies, doubled; zero the rest), as in
 * Randall & Antoni, MSSP 2011, sec. 3.2. Returns the complex envelope's magnitude, length n.
 */
function bandEnvelope(spectrum: Float64Array, n: number, rateHz: number, band: [number, number]): Float64Array {
  const nfft = spectrum.length / 2;
  const binHz = rateHz / nfft;
  const lo = Math.max(1, Math.ceil(band[0] / binHz));
  const hi = Math.min(nfft / 2 - 1, Math.floor(band[1] / binHz));
  const masked = scratchOf('masked', 2 * nfft);
  masked.fill(0);
  for (let k = lo; k <= hi; k++) {
    masked[2 * k] = 2 * spectrum[2 * k]!;
    masked[2 * k + 1] = 2 * spectrum[2 * k + 1]!;
  }
  const z = inverseFft(masked, scratchOf('ifft', 2 * nfft));
  const env = new Float64Array(n);
  // sqrt(re² + im²), not Math.hypot: hypot's overflow guard costs ~10× and envelope values are far from overflow.
  for (let i = 0; i < n; i++) env[i] = Math.sqrt(z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!);
  return env;
}

/** The band's complex envelope at the reduced rate (interleaved re, im; a scratch buffer valid until the next call). */
function basebandAnalytic(spectrum: Float64Array, rateHz: number, band: [number, number]): Float64Array {
  const nfft = spectrum.length / 2;
  const binHz = rateHz / nfft;
  const lo = Math.max(1, Math.ceil(band[0] / binHz));
  const hi = Math.min(nfft / 2 - 1, Math.floor(band[1] / binHz));
  if (hi < lo) return new Float64Array(0);
  const m = nextPow2(hi - lo + 1);
  const shifted = scratchOf('shifted', 2 * m);
  shifted.fill(0);
  for (let k = lo; k <= hi; k++) {
    shifted[2 * (k - lo)] = spectrum[2 * k]!;
    shifted[2 * (k - lo) + 1] = spectrum[2 * k + 1]!;
  }
  return inverseFft(shifted, scratchOf('ifft', 2 * m));
}

/**
 * Spectral kurtosis E|z|⁴/(E|z|²)² − 2 of a band's complex envelope z (basebandEnvelope's
 * samples), from |z|² directly: the same value as envelopeKurtosis(basebandEnvelope(...)) without
 * a square root per sample or an envelope array. 0 for an empty band.
 */
function basebandKurtosis(spectrum: Float64Array, rateHz: number, band: [number, number]): number {
  const z = basebandAnalytic(spectrum, rateHz, band);
  const m = z.length / 2;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < m; i++) {
    const e2 = z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!;
    m2 += e2;
    m4 += e2 * e2;
  }
  if (!(m2 > 0)) return 0;
  m2 /= m;
  m4 /= m;
  return m4 / (m2 * m2) - 2;
}

/**
 * Clips a band to (0, 0.45·rateHz] (0.45 leaves margin below Nyquist for anti-alias roll-off);
 * a band that falls wholly above the limit becomes its upper half-octave [0.5, 1]·limit.
 */
function clipBand(bandHz: [number, number], rateHz: number): [number, number] {
  const hi = Math.min(bandHz[1], 0.45 * rateHz);
  const lo = Math.max(0, bandHz[0]);
  return lo < hi ? [lo, hi] : [hi / 2, hi];
}

function cachedHann(n: number): { w: Float64Array; sumW: number; sumW2: number } {
  const w = hann(n);
  let sumW = 0;
  let sumW2 = 0;
  for (let i = 0; i < n; i++) {
    sumW += w[i]!;
    sumW2 += w[i]! * w[i]!;
  }
  return { w, sumW, sumW2 };
}

const MIN_FFT_SIZE = 16;
const TOP_PEAKS = 5;

/** Spectral kurtosis of a band's envelope magnitude |z| (from bandEnvelope or basebandEnvelope). */
function envelopeKurtosis(env: Float64Array): number {
  let m2 = 0;
  let m4 = 0;
  for (const a of env) {
    const e2 = a * a;
    m2 += e2;
    m4 += e2 * e2;
  }
  if (!(m2 > 0)) return 0;
  m2 /= env.length;
  m4 /= env.length;
  return m4 / (m2 * m2) - 2;
}

/**
 * Scores each band of a window's spectrum (from realFft, n samples long) and returns the most
 * impulsive; the first band (the configured default) is kept unless another is clearly more
 * impulsive, so that on a healthy machine the band does not wander from window to window.
 */
function mostImpulsiveBand(spectrum: Float64Array, n: number, rateHz: number, bands: [number, number][]): ScoredBand {
  let best: ScoredBand | undefined;
  let bestZ = -Infinity;
  for (const [i, band] of bands.entries()) {
    const sk = basebandKurtosis(spectrum, rateHz, band);
    if (!Number.isFinite(sk)) continue;
    const z = skZ(sk, n, rateHz, band) - (i === 0 ? 0 : SWITCH_MARGIN_Z);
    if (z > bestZ) {
      best = { bandHz: band, sk };
      bestZ = z;
    }
  }
  return best ?? { bandHz: bands[0]!, sk: 0 };
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** Velocity spectrum in mm/s from an acceleration spectrum in m/s²; bins below 1 Hz are zeroed (1/f blows up). */
function toVelocityMmS(a: Spectrum): Spectrum {
  const amplitudes = new Float64Array(a.amplitudes.length);
  const power = new Float64Array(a.power.length);
  for (let k = 0; k < amplitudes.length; k++) {
    const f = k * a.binHz;
    if (f < 1) continue;
    const g = 1000 / (2 * Math.PI * f);
    amplitudes[k] = a.amplitudes[k]! * g;
    power[k] = a.power[k]! * g * g;
  }
  return { binHz: a.binHz, amplitudes, power };
}

/** The largest local maxima of the envelope spectrum up to `limitBin`, with their shaft orders (ties: lower frequency first). */
function topPeaks(env: Spectrum, limitBin: number, shaftHz: number): Evidence['topEnvelopePeaks'] {
  const peaks: Evidence['topEnvelopePeaks'] = [];
  const a = env.amplitudes;
  for (let k = 2; k < Math.min(limitBin, a.length - 1); k++) {
    const v = a[k]!;
    if (v > a[k - 1]! && v >= a[k + 1]! && v > 0) {
      // Keep only the TOP_PEAKS largest, in order: an insertion instead of sorting every maximum.
      if (peaks.length === TOP_PEAKS && v <= peaks[TOP_PEAKS - 1]!.amplitude) continue;
      let at = peaks.length;
      while (at > 0 && peaks[at - 1]!.amplitude < v) at--;
      const freqHz = k * env.binHz;
      peaks.splice(at, 0, { freqHz, order: freqHz / shaftHz, amplitude: v });
      if (peaks.length > TOP_PEAKS) peaks.pop();
    }
  }
  return peaks;
}

/** The legacy extraction of one window (stateless: the band search runs every window). */
export function legacyFeatures(w: TelemetryWindow, birth: MachineBirth, cfg: { vibrationChannel?: string; speedChannel: string; envelopeBandHz: [number, number]; autoBand: boolean; velocityBandHz: [number, number]; orderTolerance: number; defectTolerance: number }): { features: Record<string, number>; band: [number, number]; topEnvelopePeaks: { freqHz: number; order: number; amplitude: number }[] } {
  const vib = w.channels.find((c) => c.name === (cfg.vibrationChannel ?? 'vib_de'))!;
  const speedCh = w.channels.find((c) => c.name === cfg.speedChannel);
  const rpm = speedCh ? mean(speedCh.values) : birth.ratedSpeedRpm;
  const shaftHz = rpm / 60;
  const rateHz = vib.rateHz;
  const x = vib.values;
  const n = x.length;
  const features: Record<string, number> = {};
  const m = moments(x);
  features['accel.rmsMs2'] = m.rms;
  features['accel.peakMs2'] = m.peak;
  features['accel.crest'] = m.crest;
  features['accel.kurtosis'] = m.kurtosis;
  features['accel.skewness'] = m.skewness;
  const accel = amplitudeSpectrum(x, rateHz);
  const vel = toVelocityMmS(accel);
  features['vel.rmsMmS'] = bandRms(vel, cfg.velocityBandHz[0], cfg.velocityBandHz[1]);
  const nfft = nextPow2(n);
  const lobeBins = Math.max(2, Math.round((2 * nfft) / n));
  const order = (k: number) => bandAmplitude(vel, k * shaftHz * (1 - cfg.orderTolerance), k * shaftHz * (1 + cfg.orderTolerance), lobeBins);
  features['vel.x1MmS'] = order(1);
  features['vel.x2MmS'] = order(2);
  features['vel.x3MmS'] = order(3);
  const orders = bearingDefectOrders(birth.bearing);
  const defectHz = { bpfo: orders.bpfo * shaftHz, bpfi: orders.bpfi * shaftHz, bsf: orders.bsf * shaftHz, ftf: orders.ftf * shaftHz };
  const full = realFft(x, nfft);
  let band = clipBand(cfg.envelopeBandHz, rateHz);
  let sk: number;
  if (cfg.autoBand) {
    const picked: ScoredBand = mostImpulsiveBand(full, n, rateHz, candidateBands(rateHz, band, 10 * shaftHz, 3 * Math.max(defectHz.bpfo, defectHz.bpfi)));
    band = picked.bandHz;
    sk = picked.sk;
  } else {
    sk = envelopeKurtosis(bandEnvelope(full, n, rateHz, band));
  }
  const env = amplitudeSpectrum(bandEnvelope(full, n, rateHz, band), rateHz);
  const limitHz = Math.max(band[1] - band[0], 4 * env.binHz);
  const [, limitBin] = binRange(env, 0, limitHz);
  const ref = median(env.amplitudes.subarray(1, limitBin + 1));
  const ratio = (fHz: number) => {
    const [lo, hi] = binRange(env, fHz * (1 - cfg.defectTolerance), fHz * (1 + cfg.defectTolerance));
    let a = 0;
    for (let k = Math.max(1, lo); k <= hi; k++) a = Math.max(a, env.amplitudes[k]!);
    return ref > 0 ? a / ref : 0;
  };
  features['env.bpfoRatio'] = ratio(defectHz.bpfo);
  features['env.bpfiRatio'] = ratio(defectHz.bpfi);
  features['env.bsfRatio'] = ratio(defectHz.bsf);
  features['env.ftfRatio'] = ratio(defectHz.ftf);
  features['env.sk'] = sk;
  return { features, band, topEnvelopePeaks: topPeaks(env, limitBin, shaftHz) };
}

export { amplitudeSpectrum as legacyAmplitudeSpectrum, bandEnvelope as legacyBandEnvelope, basebandKurtosis as legacyBasebandKurtosis, realFft as legacyRealFft };
