// The spectra of one window's feature extraction, on reused buffers: one real FFT of the block
// serves both the Hann-windowed velocity spectrum and every band's envelope, and the envelope's
// spectrum is read without the power it does not need. Equal to spectrum.ts's general functions
// (amplitudeSpectrum, realFft, bandEnvelope) to rounding: window-spectra.test.ts holds the proof;
// except the envelope's spectrum, taken at a reduced rate (reducedBandEnvelope), which differs by
// the aliased tail of |z|: reduced-envelope.test.ts bounds it on AM tones and bearing faults.
// Results live in scratch buffers valid until the next window: callers copy out numbers, never arrays.
import { bandBins, bandEnvelope, cachedHann, nextPow2, oneSidedScale, plan, scratchOf, type Spectrum } from './spectrum.ts';

/** What the last halfFft transformed: a repeat of the same input (the quality check's transfer
 * indicators, then the features, then the gear mesh read the same block) costs one comparison. */
const memos: ({ input: Float64Array; out: Float64Array; n: number; nfft: number } | undefined)[] = [undefined, undefined];

/**
 * Positive-frequency half of the FFT of `x − mean`, zero-padded to `nfft` (interleaved re, im;
 * bins 0..nfft/2 are valid, the upper half is stale; valid until the next call with the same
 * `slot`: slot 1 keeps a second block, the motor current, from evicting the vibration's
 * transform). Removing the mean first keeps a large DC
 * offset's rounding out of the small bins. Pass mean 0 unless x fills nfft: only then are bins
 * ≥ 1 the same as realFft(x) (a zero-padded constant leaks into every bin, a sinc).
 */
export function halfFft(x: ArrayLike<number>, mean: number, nfft: number, slot: 0 | 1 = 0): Float64Array {
  const input = scratchOf(slot ? 'halfIn1' : 'halfIn', nfft);
  const out = scratchOf(slot ? 'half1' : 'half', 2 * nfft);
  const memo = memos[slot];
  const n = Math.min(x.length, nfft);
  // The transform's input is compared as it is written: equal inputs give the same output.
  let same = memo !== undefined && memo.input === input && memo.out === out && memo.n === n && memo.nfft === nfft;
  for (let i = 0; i < n; i++) {
    const v = x[i]! - mean;
    if (v !== input[i]) {
      same = false;
      input[i] = v;
    }
  }
  if (same) return out;
  input.fill(0, n);
  plan(nfft).realTransform(out, input);
  memos[slot] = { input, out, n, nfft };
  return out;
}

/**
 * Hann-windowed amplitude spectrum of x, mean removed: amplitudeSpectrum's result to rounding, in
 * scratch arrays valid until the next call (`key` picks them). When x fills its FFT size, the
 * periodic Hann window is three lines in frequency, w = ½ − ¼e^{j2πi/n} − ¼e^{−j2πi/n}, so the
 * windowed spectrum is ½X[k] − ¼(X[k−1] + X[k+1]) of the shared half FFT (Harris, Proc. IEEE
 * 66(1), 1978): no transform of its own. Other lengths (zero-padded) take one.
 */
export function hannSpectrum(x: ArrayLike<number>, mean: number, rateHz: number, key: 'vel' | 'hs' = 'hs', maxBin = Infinity, slot: 0 | 1 = 0): Spectrum {
  const n = x.length;
  const nfft = nextPow2(n);
  // Bins above maxBin are left out (the arrays end there): a caller that reads only low bins saves their square roots.
  const bins = Math.min(nfft / 2, maxBin) + 1;
  const { w, sumW, sumW2 } = cachedHann(n);
  const amplitudes = scratchOf(`${key}.a`, nfft / 2 + 1).subarray(0, bins);
  const power = scratchOf(`${key}.p`, nfft / 2 + 1).subarray(0, bins);
  const binHz = rateHz / nfft;
  if (!(sumW > 0)) {
    amplitudes.fill(0);
    power.fill(0);
    return { binHz, amplitudes, power };
  }
  const powerScale = nfft * sumW2;
  if (n === nfft) {
    const half = halfFft(x, mean, nfft, slot);
    for (let k = 0; k < bins; k++) {
      // Neighbours across DC and Nyquist by the conjugate symmetry of a real signal's spectrum.
      const l = k === 0 ? 1 : k - 1;
      const r = k === nfft / 2 ? nfft / 2 - 1 : k + 1;
      const lim = k === 0 ? -half[3]! : half[2 * l + 1]!;
      const rim = k === nfft / 2 ? -half[2 * r + 1]! : half[2 * r + 1]!;
      const re = 0.5 * half[2 * k]! - 0.25 * (half[2 * l]! + half[2 * r]!);
      const im = 0.5 * half[2 * k + 1]! - 0.25 * (lim + rim);
      const m2 = re * re + im * im;
      const oneSided = k === 0 || k === nfft / 2 ? 1 : 2;
      amplitudes[k] = (oneSided * Math.sqrt(m2)) / sumW;
      power[k] = (oneSided * m2) / powerScale;
    }
    return { binHz, amplitudes, power };
  }
  const xw = scratchOf('wxw', nfft);
  for (let i = 0; i < n; i++) xw[i] = (x[i]! - mean) * w[i]!;
  xw.fill(0, n);
  const spec = scratchOf('wspec', 2 * nfft);
  plan(nfft).realTransform(spec, xw);
  oneSidedScale(spec, bins, nfft, sumW, powerScale, amplitudes, power);
  return { binHz, amplitudes, power };
}

/** Mean of a block, summed in order (as moments and amplitudeSpectrum do, so results match). */
export function blockMean(x: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  return mean / (x.length || 1);
}

/**
 * Hann-windowed velocity spectrum in mm/s of an acceleration block (hannSpectrum, then ÷2πf, m/s →
 * mm/s; bins below 1 Hz are zeroed: 1/f blows up), in scratch arrays valid until the next call.
 */
export function velocitySpectrumMmS(x: ArrayLike<number>, mean: number, rateHz: number, maxBin = Infinity): Spectrum {
  const s = hannSpectrum(x, mean, rateHz, 'vel', maxBin);
  const { amplitudes, power, binHz } = s;
  for (let k = 0; k < amplitudes.length; k++) {
    const f = k * binHz;
    if (f < 1) {
      amplitudes[k] = 0;
      power[k] = 0;
      continue;
    }
    const g = 1000 / (2 * Math.PI * f);
    amplitudes[k] = amplitudes[k]! * g;
    power[k] = power[k]! * g * g;
  }
  return s;
}

/**
 * One-sided Hann amplitude spectrum of an envelope (amplitudeSpectrum's `amplitudes`, mean
 * removed; `power` is left empty: the envelope features read amplitudes only).
 */
export function envelopeAmplitudes(env: Float64Array, rateHz: number, maxBin = Infinity): Spectrum {
  const n = env.length;
  const nfft = nextPow2(n);
  const { w, sumW } = cachedHann(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i]!;
  mean /= n || 1;
  const xw = scratchOf('wxw', nfft);
  for (let i = 0; i < n; i++) xw[i] = (env[i]! - mean) * w[i]!;
  xw.fill(0, n);
  const spec = scratchOf('wspec', 2 * nfft);
  plan(nfft).realTransform(spec, xw);
  const bins = Math.min(nfft / 2, maxBin) + 1; // as in hannSpectrum
  const amplitudes = scratchOf('env.a', nfft / 2 + 1).subarray(0, bins);
  amplitudes.fill(0);
  if (sumW > 0) {
    for (let k = 0; k < bins; k++) {
      const re = spec[2 * k]!;
      const im = spec[2 * k + 1]!;
      const oneSided = k === 0 || k === nfft / 2 ? 1 : 2;
      amplitudes[k] = (oneSided * Math.sqrt(re * re + im * im)) / sumW;
    }
  }
  return { binHz: rateHz / nfft, amplitudes, power: new Float64Array(0) };
}

/**
 * The reduced envelope rate over the highest bin it must hold (the band's width, or a defect line
 * above it), at least. |z|² spans ±(hi − lo) bins, but the envelope |z| = √|z|² is not band-limited,
 * and what it holds above M − (highest bin read) folds onto the bins read. At 4× that is |z|'s
 * content beyond 3× the highest bin, small: on noise + impacts + shaft tone windows the defect
 * ratios move 0.3 % (median), 1 % (p90), 6 % (max of 900) from the full-rate ones, without bias;
 * at 2× the √'s second-order term (up to twice the width) folds in, ~5× as much, for ~1 % speed.
 */
const ENVELOPE_OVERSAMPLING = 4;

/**
 * The band's envelope |z| (bandEnvelope's unit and scale) sampled at a reduced power-of-two rate
 * M·binHz, M > ENVELOPE_OVERSAMPLING × max(band width, maxBin) bins (bins 0..maxBin lie well below
 * its Nyquist), capped at nfft: its spectrum then costs a transform of M instead of nfft, with the
 * same bin spacing rateHz/nfft (same duration, fewer samples). |z| does not change under a frequency shift, so the band's bins
 * [lo, hi] are moved to baseband. The samples are the full-rate envelope's, every (nfft/M)th, so
 * statistics of |z|² up to the fourth power (mean square, kurtosis) are the full-rate ones (|z|⁴
 * spans ±2(hi − lo) < M bins, no alias at DC); the envelope spectrum differs only by |z|'s content
 * above M − (bins read), folded back. With M = nfft it is bandEnvelope to rounding; a zero-padded
 * block (n < nfft) that would need M < nfft falls back to bandEnvelope at the full rate.
 *
 * The M samples are computed as M/m interleaved phases of m = nextPow2(hi − lo + 1) samples, each a
 * transform of the band's bins turned by a phase ramp: phase 0 is the band search's transform
 * (`phase0`, basebandConj's m·conj(z) of this band), so the chosen band is not transformed again.
 * Returns the envelope (a scratch buffer valid until the next call) and its sample rate.
 */
export function reducedBandEnvelope(spectrum: Float64Array, n: number, rateHz: number, band: [number, number], maxBin: number, phase0?: Float64Array): { envelope: Float64Array; rateHz: number } {
  const nfft = spectrum.length / 2;
  const [lo, hi] = bandBins(nfft, rateHz, band);
  const size = Math.min(nfft, nextPow2(ENVELOPE_OVERSAMPLING * Math.max(hi - lo, maxBin) + 1));
  if (hi < lo || (size < nfft && n !== nfft)) return { envelope: bandEnvelope(spectrum, n, rateHz, band, scratchOf('env', n)), rateHz };
  const bins = hi - lo + 1;
  const m = nextPow2(bins);
  const phases = size / m;
  const out = scratchOf('env', size);
  const shifted = scratchOf('shifted', 2 * m);
  const zp = scratchOf('zPhase', 2 * m);
  // bandEnvelope's scale: the band's bins doubled (analytic signal), the transform's sum over nfft.
  const scale = 2 / nfft;
  for (let r = 0; r < phases; r++) {
    let z: Float64Array;
    if (r === 0 && phase0?.length === 2 * m) z = phase0;
    else {
      // conj(X_k)·e^{−j2π(k−lo)r/M}: the forward m-point transform gives conj(z) at samples i·(M/m) + r.
      // The ramp by rotation, re-anchored every 32 bins (rounding stays ~1e-15; no table to keep).
      const step = (2 * Math.PI * r) / size;
      const cs = Math.cos(step);
      const sn = Math.sin(step);
      let c = 1;
      let s = 0;
      for (let k = 0; k < bins; k++) {
        if ((k & 31) === 0) {
          c = Math.cos(step * k);
          s = Math.sin(step * k);
        }
        const a = spectrum[2 * (lo + k)]!;
        const b = spectrum[2 * (lo + k) + 1]!;
        shifted[2 * k] = a * c - b * s;
        shifted[2 * k + 1] = -(a * s + b * c);
        const next = c * cs - s * sn;
        s = s * cs + c * sn;
        c = next;
      }
      shifted.fill(0, 2 * bins);
      plan(m).transform(zp, shifted);
      z = zp;
    }
    for (let i = 0; i < m; i++) out[i * phases + r] = scale * Math.sqrt(z[2 * i]! * z[2 * i]! + z[2 * i + 1]! * z[2 * i + 1]!);
  }
  return { envelope: size === nfft ? out.subarray(0, n) : out, rateHz: (size * rateHz) / nfft };
}
