// Spectral helpers over fft.js (radix-4, power-of-two sizes). Amplitudes are one-sided peak
// amplitudes: a sinusoid A·sin(2πft) shows as A at f (up to the Hann window's scalloping loss;
// `bandAmplitude` removes that loss by summing the lobe's energy, Parseval).
import FFT from 'fft.js';

/** Smallest transform we run: shorter blocks carry no useful spectral information. */
export const MIN_FFT_SIZE = 16;

const plans = new Map<number, FFT>();

/** A cached fft.js plan for `size` (a power of two ≥ 4): table construction costs more than a transform. */
export function plan(size: number): FFT {
  let p = plans.get(size);
  if (!p) {
    p = new FFT(size);
    plans.set(size, p);
  }
  return p;
}

/** Smallest power of two ≥ n (and ≥ MIN_FFT_SIZE). */
export function nextPow2(n: number): number {
  let p = MIN_FFT_SIZE;
  while (p < n) p *= 2;
  return p;
}

/** Hann windows and their sums by length: every window of a machine has the same length. */
const hannCache = new Map<number, { w: Float64Array; sumW: number; sumW2: number }>();

/** Cached Hann window of length n with Σw and Σw² (callers must not modify `w`). */
export function cachedHann(n: number): { w: Float64Array; sumW: number; sumW2: number } {
  let h = hannCache.get(n);
  if (!h) {
    const w = hann(n);
    let sumW = 0;
    let sumW2 = 0;
    for (let i = 0; i < n; i++) {
      sumW += w[i]!;
      sumW2 += w[i]! * w[i]!;
    }
    h = { w, sumW, sumW2 };
    if (hannCache.size > 16) hannCache.clear(); // bounded: a few block lengths in practice
    hannCache.set(n, h);
  }
  return h;
}

/**
 * Scratch buffers by purpose and size, reused across calls (single-threaded). Only this folder's
 * per-window code receives them, and it copies numbers out, never keeps the arrays. Keyed by a
 * number (purpose·64 + the size's leading zero bits), not a string: the lookup runs a few dozen
 * times per window.
 */
const scratch = new Map<number, Float64Array<ArrayBuffer>>();
const SCRATCH_PURPOSES = ['fftIn', 'xw', 'spec', 'masked', 'ifft', 'shifted', 'half', 'vel.a', 'vel.p', 'hs.a', 'hs.p', 'halfIn', 'halfIn1', 'half1', 'env', 'env.a', 'z', 'wxw', 'wspec', 'zBest', 'zPhase'] as const;
export function scratchOf(key: (typeof SCRATCH_PURPOSES)[number], size: number): Float64Array<ArrayBuffer> {
  const k = SCRATCH_PURPOSES.indexOf(key) * 64 + Math.clz32(size);
  let b = scratch.get(k);
  if (!b || b.length !== size) {
    if (scratch.size > 256) scratch.clear();
    scratch.set(k, (b = new Float64Array(size)));
  }
  return b;
}

/** Hann window of length n (periodic form, the one used for spectral analysis). */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Full complex spectrum (interleaved re, im; length 2·nfft) of real `x`, zero-padded to `nfft`
 * (a power of two). Zero-padding instead of trimming keeps every sample's energy.
 */
export function realFft(x: ArrayLike<number>, nfft: number, out = new Float64Array(2 * nfft)): Float64Array {
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
export function inverseFft(spectrum: Float64Array, out = new Float64Array(spectrum.length)): Float64Array {
  const nfft = spectrum.length / 2;
  plan(nfft).inverseTransform(out, spectrum);
  return out;
}

/** A one-sided spectrum: bin k is at k·binHz, k = 0..nfft/2. */
export interface Spectrum {
  binHz: number;
  /** Peak amplitude per bin, in the signal's unit. */
  amplitudes: Float64Array;
  /** |X_k|² per bin, scaled so that `bandAmplitude`/`bandRms` recover signal units (see below). */
  power: Float64Array;
}

/**
 * Hann-windowed amplitude spectrum of `x` sampled at `rateHz`, mean removed.
 * Scaling: amplitude_k = 2|X_k| / Σw (coherent gain), so a bin-centred sinusoid of amplitude A
 * reads A; power_k = 2|X_k|² / (nfft·Σw²), so Σ power over a band is the band's mean square
 * (Parseval with the window's energy; Harris, Proc. IEEE 66(1), 1978).
 */
export function amplitudeSpectrum(x: ArrayLike<number>, rateHz: number): Spectrum {
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
    oneSidedScale(spec, bins, nfft, sumW, nfft * sumW2, amplitudes, power);
  }
  return { binHz: rateHz / nfft, amplitudes, power };
}

/** Index range [lo, hi] of bins covering [fLoHz, fHiHz], clipped to the spectrum, at least one bin. */
/**
 * One-sided amplitude (peak, in the signal's unit) and power spectra of the first `bins` bins of a
 * windowed real FFT (`spec` interleaved re/im): amplitude 2|X|/Σw (|X|/Σw at DC and Nyquist), power
 * 2|X|²/(N·Σw²) likewise (Heinzel, Rüdiger & Schilling 2002, "Spectrum and spectral density
 * estimation by the DFT", sec. 9).
 */
export function oneSidedScale(spec: Float64Array, bins: number, nfft: number, sumW: number, powerScale: number, amplitudes: Float64Array, power: Float64Array): void {
  for (let k = 0; k < bins; k++) {
    const re = spec[2 * k]!;
    const im = spec[2 * k + 1]!;
    const m2 = re * re + im * im;
    const oneSided = k === 0 || k === nfft / 2 ? 1 : 2;
    amplitudes[k] = (oneSided * Math.sqrt(m2)) / sumW;
    power[k] = (oneSided * m2) / powerScale;
  }
}

export function binRange(s: { binHz: number; amplitudes: Float64Array }, fLoHz: number, fHiHz: number): [number, number] {
  const last = s.amplitudes.length - 1;
  const lo = Math.max(0, Math.min(last, Math.floor(fLoHz / s.binHz)));
  const hi = Math.max(lo, Math.min(last, Math.ceil(fHiHz / s.binHz)));
  return [lo, hi];
}

/** Bin index of the largest amplitude in [fLoHz, fHiHz]. */
export function peakBin(s: { binHz: number; amplitudes: Float64Array }, fLoHz: number, fHiHz: number): number {
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
export function bandAmplitude(s: Spectrum, fLoHz: number, fHiHz: number, lobeBins: number): number {
  const k = peakBin(s, fLoHz, fHiHz);
  const last = s.power.length - 1;
  let ms = 0;
  for (let j = Math.max(1, k - lobeBins); j <= Math.min(last, k + lobeBins); j++) ms += s.power[j]!;
  return Math.sqrt(2 * ms); // peak amplitude of a sinusoid with this mean square
}

/** Root mean square of the part of the signal within [fLoHz, fHiHz] (Parseval over `power`). */
export function bandRms(s: Spectrum, fLoHz: number, fHiHz: number, weight?: (fHz: number) => number): number {
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
export function bandEnvelope(spectrum: Float64Array, n: number, rateHz: number, band: [number, number], out = new Float64Array(n)): Float64Array {
  const nfft = spectrum.length / 2;
  const binHz = rateHz / nfft;
  const lo = Math.max(1, Math.ceil(band[0] / binHz));
  const hi = Math.min(nfft / 2 - 1, Math.floor(band[1] / binHz));
  // The conjugate's forward transform is nfft·conj(z), to the bit the same as the inverse
  // transform (every operation mirrors), without the inverse's division pass; |z| ignores the
  // conjugation and the power-of-two scale is exact.
  const masked = scratchOf('masked', 2 * nfft);
  masked.fill(0);
  for (let k = lo; k <= hi; k++) {
    masked[2 * k] = 2 * spectrum[2 * k]!;
    masked[2 * k + 1] = -2 * spectrum[2 * k + 1]!;
  }
  const z = scratchOf('ifft', 2 * nfft);
  plan(nfft).transform(z, masked);
  // sqrt(re² + im²), not Math.hypot: hypot's overflow guard costs ~10× and envelope values are far from overflow.
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!) / nfft;
  return out;
}

/**
 * The band's envelope magnitude at a reduced rate: the band's bins moved to baseband and inverse
 * transformed at the smallest power of two that holds them. |z| does not change under a frequency
 * shift, and a complex signal of bandwidth B needs only B samples per second, so statistics of
 * the envelope (spectral kurtosis) cost O(band) instead of O(nfft) per band.
 */
export function basebandEnvelope(spectrum: Float64Array, rateHz: number, band: [number, number]): Float64Array {
  const z = basebandAnalytic(spectrum, rateHz, band);
  const m = z.length / 2;
  const env = new Float64Array(m);
  for (let i = 0; i < m; i++) env[i] = Math.sqrt(z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!);
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

/** The bins [lo, hi] of an nfft-point spectrum that bandEnvelope keeps for [loHz, hiHz] (DC and Nyquist excluded; hi < lo when empty). */
export function bandBins(nfft: number, rateHz: number, band: [number, number]): [number, number] {
  const binHz = rateHz / nfft;
  return [Math.max(1, Math.ceil(band[0] / binHz)), Math.min(nfft / 2 - 1, Math.floor(band[1] / binHz))];
}

/**
 * The band's complex envelope at the reduced rate m·binHz, m = nextPow2(the band's bin count), as
 * m·conj(z) (interleaved re, im; scratch valid until the next call of the same size); undefined
 * for an empty band. As in bandEnvelope, the forward transform of the conjugate stands in for the
 * inverse transform without its division pass; callers read |z|, which the conjugation leaves alone.
 */
export function basebandConj(spectrum: Float64Array, rateHz: number, band: [number, number]): Float64Array | undefined {
  const [lo, hi] = bandBins(spectrum.length / 2, rateHz, band);
  if (hi < lo) return undefined;
  const m = nextPow2(hi - lo + 1);
  const shifted = scratchOf('shifted', 2 * m);
  for (let k = lo; k <= hi; k++) {
    shifted[2 * (k - lo)] = spectrum[2 * k]!;
    shifted[2 * (k - lo) + 1] = -spectrum[2 * k + 1]!;
  }
  shifted.fill(0, 2 * (hi - lo + 1));
  const z = scratchOf('z', 2 * m);
  plan(m).transform(z, shifted);
  return z;
}

/**
 * Spectral kurtosis E|z|⁴/(E|z|²)² − 2 of basebandConj's samples, from |z|² directly (no square
 * root per sample); SK is a ratio of moments, so the exact power-of-two scale cancels. 0 when silent.
 */
export function conjKurtosis(z: Float64Array): number {
  const m = z.length / 2;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < 2 * m; i += 2) {
    const e2 = z[i]! * z[i]! + z[i + 1]! * z[i + 1]!;
    m2 += e2;
    m4 += e2 * e2;
  }
  if (!(m2 > 0)) return 0;
  m2 /= m;
  m4 /= m;
  return m4 / (m2 * m2) - 2;
}

/**
 * Spectral kurtosis E|z|⁴/(E|z|²)² − 2 of a band's complex envelope z (basebandEnvelope's
 * samples): the same value as envelopeKurtosis(basebandEnvelope(...)) without a square root per
 * sample or an envelope array. 0 for an empty band.
 */
export function basebandKurtosis(spectrum: Float64Array, rateHz: number, band: [number, number]): number {
  const z = basebandConj(spectrum, rateHz, band);
  return z ? conjKurtosis(z) : 0;
}

/**
 * Envelope spectrum of `x` in the band [lo, hi] Hz (clipped to 0.45·rateHz): band-pass, analytic
 * signal via FFT, envelope magnitude minus its mean, then its Hann amplitude spectrum.
 */
export function envelopeSpectrum(x: ArrayLike<number>, rateHz: number, bandHz: [number, number]): Spectrum {
  const n = x.length;
  const spec = realFft(x, nextPow2(n));
  return amplitudeSpectrum(bandEnvelope(spec, n, rateHz, clipBand(bandHz, rateHz)), rateHz);
}

/**
 * Clips a band to (0, 0.45·rateHz] (0.45 leaves margin below Nyquist for anti-alias roll-off);
 * a band that falls wholly above the limit becomes its upper half-octave [0.5, 1]·limit.
 */
export function clipBand(bandHz: [number, number], rateHz: number): [number, number] {
  const hi = Math.min(bandHz[1], 0.45 * rateHz);
  const lo = Math.max(0, bandHz[0]);
  return lo < hi ? [lo, hi] : [hi / 2, hi];
}
