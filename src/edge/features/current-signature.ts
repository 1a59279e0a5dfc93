// Motor current signature analysis (MCSA): a broken rotor bar modulates the stator current at
// twice the slip frequency, so sidebands appear at (1 ± 2s)·f_supply around the supply line
// (Thomson & Fenger, "Current signature analysis to detect induction motor faults", IEEE IAM
// 7(4), 2001). The level of the stronger sideband relative to the line, in dB, is the indicator.
import type { MachineBirth } from '../../core/index.ts';
import { bandAmplitude, nextPow2, peakBin, type Spectrum } from './spectrum.ts';
import { blockMean, hannSpectrum } from './window-spectra.ts';

/** Lowest level reported (dB below the line): below this the sideband is lost in the floor. */
const MIN_DB = -100;

export interface CurrentSignature {
  supplyHz: number;
  slip: number;
  /** Stronger of the (1 ± 2s)·f sidebands relative to the line (dB, ≤ 0 in practice). */
  sidebandDb: number;
}

/**
 * Frequency of the strongest line in [loHz, hiHz], refined between bins by a parabola through the
 * log amplitudes of the peak and its neighbours (Gaussian interpolation; for a Hann window the
 * bias is a few percent of a bin, Gasior & Gonzalez, CERN AB-Note-2004-021).
 */
function refinedPeakHz(s: Spectrum, loHz: number, hiHz: number): number {
  const k = peakBin(s, loHz, hiHz);
  const a = s.amplitudes;
  if (k < 1 || k >= a.length - 1 || !(a[k - 1]! > 0 && a[k]! > 0 && a[k + 1]! > 0)) return k * s.binHz;
  const l = Math.log(a[k - 1]!), c = Math.log(a[k]!), r = Math.log(a[k + 1]!);
  const d = l - 2 * c + r;
  const delta = d < 0 ? (0.5 * (l - r)) / d : 0;
  return (k + Math.max(-0.5, Math.min(0.5, delta))) * s.binHz;
}

/** Synchronous speed (rpm) of a machine with `poles` poles on a `supplyHz` supply: 120·f/p. */
export function syncRpm(supplyHz: number, poles: number): number {
  return (120 * supplyHz) / poles;
}

/**
 * Four-parameter least-squares sine fit (IEEE Std 1057 and IEEE Std 1241, four-parameter fit): the
 * amplitude, phase, offset and frequency of the supply line, refined by Gauss–Newton from
 * `f0Hz`. Subtracting it cancels the line and its window leakage, which at 0.1–0.5 Hz from a
 * 0 dB line lies 30–40 dB above a healthy cage's sidebands (Hann sidelobes fall 18 dB/octave;
 * Harris, Proc. IEEE 66(1), 1978). Returns the line's peak amplitude and frequency, and the
 * residual in `out`; undefined when the fit does not converge.
 */
function cancelLine(x: ArrayLike<number>, rateHz: number, f0Hz: number, out: Float64Array): { amplitude: number; hz: number } | undefined {
  const n = x.length;
  const mid = (n - 1) / 2;
  let w = 2 * Math.PI * f0Hz;
  let a = 0, b = 0, c = 0;
  // Iteration 0 fits a, b, c at f0 (three-parameter fit); the next ones also step the frequency.
  for (let it = 0; it < 5; it++) {
    const withFreq = it > 0;
    const m = withFreq ? 4 : 3;
    const ata = new Float64Array(16), atb = new Float64Array(4);
    const row = new Float64Array(4);
    for (let i = 0; i < n; i++) {
      const t = (i - mid) / rateHz; // centred time: the frequency column stays well conditioned
      const co = Math.cos(w * t), si = Math.sin(w * t);
      row[0] = co; row[1] = si; row[2] = 1; row[3] = t * (b * co - a * si);
      const xi = x[i]!;
      for (let j = 0; j < m; j++) {
        atb[j]! += row[j]! * xi;
        for (let k = j; k < m; k++) ata[4 * j + k]! += row[j]! * row[k]!;
      }
    }
    for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) ata[4 * j + k] = ata[4 * k + j]!;
    const sol = solveSymmetric(ata, atb, m);
    if (!sol) return undefined;
    [a, b, c] = [sol[0]!, sol[1]!, sol[2]!];
    if (withFreq) {
      const dw = sol[3]!;
      // A step beyond a bin means the start was not on the line: no reading rather than a wrong one.
      if (!Number.isFinite(dw) || Math.abs(dw) > (2 * Math.PI * rateHz) / n) return undefined;
      w += dw;
      if (Math.abs(dw) < 1e-9 * w) break;
    }
  }
  for (let i = 0; i < n; i++) {
    const t = (i - mid) / rateHz;
    out[i] = x[i]! - a * Math.cos(w * t) - b * Math.sin(w * t) - c;
  }
  return { amplitude: Math.hypot(a, b), hz: w / (2 * Math.PI) };
}

/** Solves the m×m symmetric system (row-major, stride 4) by Gaussian elimination with partial pivoting. */
function solveSymmetric(ata: Float64Array, atb: Float64Array, m: number): Float64Array | undefined {
  const A = Float64Array.from(ata), y = Float64Array.from(atb);
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(A[4 * r + col]!) > Math.abs(A[4 * piv + col]!)) piv = r;
    if (!(Math.abs(A[4 * piv + col]!) > 0)) return undefined;
    if (piv !== col) {
      for (let k = 0; k < m; k++) [A[4 * col + k], A[4 * piv + k]] = [A[4 * piv + k]!, A[4 * col + k]!];
      [y[col], y[piv]] = [y[piv]!, y[col]!];
    }
    for (let r = col + 1; r < m; r++) {
      const f = A[4 * r + col]! / A[4 * col + col]!;
      for (let k = col; k < m; k++) A[4 * r + k]! -= f * A[4 * col + k]!;
      y[r]! -= f * y[col]!;
    }
  }
  const out = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let v = y[r]!;
    for (let k = r + 1; k < m; k++) v -= A[4 * r + k]! * out[k]!;
    out[r] = v / A[4 * r + r]!;
  }
  return out;
}

/**
 * The rotor-bar sideband level of a phase-current block, or undefined when it cannot be read:
 * no usable speed, slip too small for the sidebands to leave the line's main lobe at this
 * resolution, or the sidebands above Nyquist. With `birth.drive` the pole count is known and the
 * line (fixed mains or an inverter's output) is found just above rpm·p/120; without it the line
 * is the strongest peak in 40–70 Hz and the pole count the one whose synchronous speed is just above rated.
 */
export function currentSignature(x: ArrayLike<number>, rateHz: number, rpm: number, birth: Pick<MachineBirth, 'drive' | 'ratedSpeedRpm'>, spectrum?: Spectrum): CurrentSignature | undefined {
  const n = x.length;
  if (n < 64 || !(rpm > 0) || !(rateHz > 0)) return undefined;
  // Slot 1 of the shared transform: the vibration block's transform (slot 0) stays for the gear mesh.
  const s = spectrum ?? hannSpectrum(x, blockMean(x), rateHz, 'hs', Infinity, 1);
  const lobeBins = Math.max(2, Math.round((2 * nextPow2(n)) / n));
  const resolutionHz = rateHz / n;
  let supplyHz: number;
  let poles: number;
  if (birth.drive) {
    // An inverter moves the line with the setpoint: it sits just above the electrical frequency
    // of the measured rotation (rpm·p/120) by the slip, so it is looked for there.
    poles = birth.drive.poles;
    const rotorHz = (rpm * poles) / 120;
    if (1.15 * rotorHz > 0.45 * rateHz) return undefined;
    supplyHz = refinedPeakHz(s, rotorHz * 0.995, rotorHz * 1.15);
  } else {
    if (rateHz < 2 * 70) return undefined;
    supplyHz = refinedPeakHz(s, 40, 70);
    poles = Math.max(2, 2 * Math.floor((60 * supplyHz) / birth.ratedSpeedRpm));
  }
  // The line is cancelled first (four-parameter sine fit), so the sidebands are read on the
  // residual without the line's leakage: a sideband then only has to clear the line's own bin and
  // its neighbours, not its Hann sidelobes. That is what lets an 8 s block read a lightly loaded
  // motor (slip 0.5–1 %, sidebands 0.5–1 Hz off the line): with the line left in, a −55 dB
  // sideband needs ~2·lobe + 1 bins of clearance, and those windows gave no reading at all (a
  // broken bar went to the cloud without its current feature, tuning seed 2).
  const residual = new Float64Array(n);
  const fit = cancelLine(x, rateHz, supplyHz, residual);
  if (!fit || !(fit.amplitude > 0) || Math.abs(fit.hz - supplyHz) > resolutionHz) return undefined;
  supplyHz = fit.hz;
  const sync = syncRpm(supplyHz, poles);
  const slip = (sync - rpm) / sync;
  if (!(slip > 0 && slip < 0.5)) return undefined;
  const offsetHz = 2 * slip * supplyHz;
  const tolHz = Math.max(resolutionHz, 0.1 * offsetHz); // speed and slip are known to ~10%
  // A sideband's amplitude sums its peak bin ± lobeBins; its peak stays lobeBins + 2 bins off the
  // line so the sum never takes in the line's bin or its neighbours, where what the fit leaves of
  // a line that wanders within the block (mains frequency, load) sits. Below that slip the
  // sidebands are not resolved in this block: MCSA needs load (Thomson & Fenger 2001 take readings
  // above about half of rated load), so no reading rather than a false one.
  const clearHz = (lobeBins + 2) * resolutionHz;
  if (offsetHz < clearHz || (1 + 2 * slip) * supplyHz > 0.45 * rateHz) return undefined;
  const r = hannSpectrum(residual, 0, rateHz, 'hs', Infinity, 1);
  const lower = bandAmplitude(r, supplyHz - offsetHz - tolHz, Math.min(supplyHz - offsetHz + tolHz, supplyHz - clearHz), lobeBins);
  const upper = bandAmplitude(r, Math.max(supplyHz + offsetHz - tolHz, supplyHz + clearHz), supplyHz + offsetHz + tolHz, lobeBins);
  const db = 20 * Math.log10(Math.max(lower, upper) / fit.amplitude);
  return { supplyHz, slip, sidebandDb: Number.isFinite(db) ? Math.max(MIN_DB, db) : MIN_DB };
}
