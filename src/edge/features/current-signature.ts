// Motor current signature analysis (MCSA): a broken rotor bar modulates the stator current at
// twice the slip frequency, so sidebands appear at (1 ± 2s)·f_supply around the supply line
// (Thomson & Fenger, "Current signature analysis to detect induction motor faults", IEEE IAM
// 7(4), 2001). The level of the stronger sideband relative to the line, in dB, is the indicator.
import type { MachineBirth } from '../../core/index.ts';
import { bandAmplitude, binRange, cachedHann, nextPow2, peakBin, type Spectrum } from './spectrum.ts';
import { blockMean, halfFft, hannSpectrum } from './window-spectra.ts';

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
 * Samples between exact re-seeds of the cos/sin rotation recurrence. Each complex multiply adds
 * about one rounding (~1e-16) to the phasor, so the drift stays near 1e-13 over this many steps
 * (measured: < 1e-13 against Math.cos/Math.sin over an 8,192-sample block), far below the
 * −100 dB floor of the reading; a re-seed costs one Math.cos and one Math.sin.
 */
const RESEED = 1024;

/**
 * A frequency step whose phase effect at the block's ends, |Δω|·t_max (rad), is below this ends
 * the fit. Gauss–Newton converges quadratically here: steps measured on 8 s blocks went
 * 4e-2 → 3e-6 → 1e-11 rad, so after a step under 1e-4 rad what is left is ~1e-8 rad, a residual
 * line ~160 dB below the line itself. From the interpolated peak (a few % of a bin off) that is
 * two passes.
 */
const PHASE_TOL_RAD = 1e-4;

/** Passes over the block at most: each one is a three-parameter fit plus a Gauss–Newton step. */
const MAX_PASSES = 5;

/** Residual of the last fit (scratch, grown to the largest block; valid until the next call). */
let residualScratch = new Float64Array(0);

/** The residual's spectrum where it is read (only those bins are written; scratch, one per block length). */
let binScratch = { amplitudes: new Float64Array(0), power: new Float64Array(0) };

/** Normal equations of the fit (row-major, stride 4) and right-hand side: reused, never reallocated. */
const ata = new Float64Array(16);
const atb = new Float64Array(4);
const sol = new Float64Array(4);

/**
 * Four-parameter least-squares sine fit (IEEE Std 1057 and IEEE Std 1241, four-parameter fit): the
 * amplitude, phase, offset and frequency of the supply line, refined by Gauss–Newton from
 * `f0Hz`. Subtracting it cancels the line and its window leakage, which at 0.1–0.5 Hz from a
 * 0 dB line lies 30–40 dB above a healthy cage's sidebands (Hann sidelobes fall 18 dB/octave;
 * Harris, Proc. IEEE 66(1), 1978). Returns the line's cosine and sine amplitudes (a, b: the line
 * is a·cos ωt + b·sin ωt, t centred on the block), peak amplitude and frequency, and the residual
 * in `out` when given; undefined when the fit does not converge.
 *
 * Cost: one pass over the block per Gauss–Newton step plus one for the residual. cos/sin come
 * from a rotation recurrence (one complex multiply per sample), and a pass gathers the moments
 * Σtᵏ·(cos², cos·sin, sin²), Σtᵏ·(cos, sin) and Σtᵏ·x·(cos, sin): the frequency column of the
 * Jacobian, t·(b·cos − a·sin), is linear in (a, b), so its normal-equation entries follow from
 * those moments once the pass's three-parameter fit has given a and b. One pass therefore does
 * both the three-parameter fit at ω and the four-parameter step from it.
 */
function cancelLine(x: ArrayLike<number>, rateHz: number, f0Hz: number, out?: Float64Array): LineFit | undefined {
  const n = x.length;
  const mid = (n - 1) / 2;
  const dt = 1 / rateHz;
  const tMax = mid * dt;
  const maxStep = (2 * Math.PI * rateHz) / n; // one bin (rad/s)
  let w = 2 * Math.PI * f0Hz;
  let a = 0, b = 0, c = 0;
  let converged = false;
  for (let pass = 0; pass < MAX_PASSES && !converged; pass++) {
    let scc = 0, scs = 0, sss = 0, sc = 0, ss = 0;
    let sxc = 0, sxs = 0, sx = 0;
    let tcc = 0, tcs = 0, tss = 0, tc = 0, ts = 0;
    let t2cc = 0, t2cs = 0, t2ss = 0;
    let txc = 0, txs = 0;
    // centred time: the frequency column stays well conditioned
    const rc = Math.cos(w * dt), rs = Math.sin(w * dt);
    for (let i0 = 0; i0 < n; i0 += RESEED) {
      const end = Math.min(n, i0 + RESEED);
      const ph = w * (i0 - mid) * dt;
      let co = Math.cos(ph), si = Math.sin(ph);
      for (let i = i0; i < end; i++) {
        const t = (i - mid) * dt;
        const xi = x[i]!;
        const cc = co * co, cs = co * si, s2 = si * si;
        const xc = xi * co, xs = xi * si;
        scc += cc; scs += cs; sss += s2; sc += co; ss += si;
        sxc += xc; sxs += xs; sx += xi;
        const tcc1 = t * cc, tcs1 = t * cs, tss1 = t * s2;
        tcc += tcc1; tcs += tcs1; tss += tss1; tc += t * co; ts += t * si;
        t2cc += t * tcc1; t2cs += t * tcs1; t2ss += t * tss1;
        txc += t * xc; txs += t * xs;
        const nc = co * rc - si * rs;
        si = si * rc + co * rs;
        co = nc;
      }
    }
    // Three-parameter fit at ω: gives the (a, b) the frequency column is linearised about.
    setRow(0, scc, scs, sc, 0); setRow(1, scs, sss, ss, 0); setRow(2, sc, ss, n, 0);
    atb[0] = sxc; atb[1] = sxs; atb[2] = sx;
    if (!solveSmall(3)) return undefined;
    a = sol[0]!; b = sol[1]!;
    // Four-parameter Gauss–Newton step: column d = t·(b·cos − a·sin).
    const sdc = b * tcc - a * tcs, sds = b * tcs - a * tss, sd = b * tc - a * ts;
    const sdd = b * b * t2cc - 2 * a * b * t2cs + a * a * t2ss;
    setRow(0, scc, scs, sc, sdc); setRow(1, scs, sss, ss, sds); setRow(2, sc, ss, n, sd); setRow(3, sdc, sds, sd, sdd);
    atb[0] = sxc; atb[1] = sxs; atb[2] = sx; atb[3] = b * txc - a * txs;
    if (!solveSmall(4)) return undefined;
    a = sol[0]!; b = sol[1]!; c = sol[2]!;
    const dw = sol[3]!;
    // A step beyond a bin means the start was not on the line: no reading rather than a wrong one.
    if (!Number.isFinite(dw) || Math.abs(dw) > maxStep) return undefined;
    w += dw;
    converged = Math.abs(dw) * tMax < PHASE_TOL_RAD;
  }
  if (out) subtractLine(x, a, b, c, w * dt, out);
  return { a, b, amplitude: Math.hypot(a, b), hz: w / (2 * Math.PI) };
}

interface LineFit {
  /** Cosine and sine amplitudes of the line about the block's centre (signal units). */
  a: number;
  b: number;
  /** Peak amplitude √(a² + b²) and frequency (Hz). */
  amplitude: number;
  hz: number;
}

/** out[i] = x[i] − a·cos(φ·(i − mid)) − b·sin(φ·(i − mid)) − c, φ in rad/sample. */
function subtractLine(x: ArrayLike<number>, a: number, b: number, c: number, phi: number, out: Float64Array): void {
  const n = x.length;
  const mid = (n - 1) / 2;
  const rc = Math.cos(phi), rs = Math.sin(phi);
  for (let i0 = 0; i0 < n; i0 += RESEED) {
    const end = Math.min(n, i0 + RESEED);
    const ph = phi * (i0 - mid);
    let co = Math.cos(ph), si = Math.sin(ph);
    for (let i = i0; i < end; i++) {
      out[i] = x[i]! - a * co - b * si - c;
      const nc = co * rc - si * rs;
      si = si * rc + co * rs;
      co = nc;
    }
  }
}

/**
 * Hann-windowed amplitude and power of the block minus the fitted line in bins [lo, hi] (1 ≤ lo, hi <
 * nfft/2), written into `s` (hannSpectrum's scaling), for a block that fills its transform
 * (n = nfft). The DFT is linear, so the residual's spectrum is the block's (the shared half FFT,
 * already computed for the line search) minus the line's, and the line's is closed form: with
 * t centred, a·cos + b·sin = Re(Z·e^{jφ(i−mid)}), Z = a − jb, φ rad/sample, and the Dirichlet
 * sums give Y[k] = e^{jπk/n}·(sin(φn/2)/2)·(Z/sin(φ/2 − πk/n) + conj(Z)/sin(φ/2 + πk/n)); the periodic
 * Hann window is ½Y[k] − ¼(Y[k−1] + Y[k+1]) (Harris 1978). The offset c falls on bins 0 and 1
 * only (never read here). This replaces a pass over the block and a second transform by a few
 * trigonometric calls per bin read.
 */
function residualBins(half: Float64Array, n: number, fit: LineFit, phi: number, sumW: number, sumW2: number, lo: number, hi: number, s: Spectrum): void {
  const sn = Math.sin((phi * n) / 2) / 2;
  const zr = fit.a, zi = -fit.b;
  // Line DFT at bin k into (yr, yi).
  let yr = 0, yi = 0;
  const lineBin = (k: number): void => {
    const u = sn / Math.sin(phi / 2 - (Math.PI * k) / n);
    const v = sn / Math.sin(phi / 2 + (Math.PI * k) / n);
    // Z·u + conj(Z)·v, then times e^{jπk/n}
    const pr = zr * (u + v), pi = zi * (u - v);
    const ca = Math.cos((Math.PI * k) / n), sa = Math.sin((Math.PI * k) / n);
    yr = pr * ca - pi * sa;
    yi = pr * sa + pi * ca;
  };
  const powerScale = n * sumW2;
  lineBin(lo - 1);
  let lr = half[2 * (lo - 1)]! - yr, li = half[2 * (lo - 1) + 1]! - yi;
  lineBin(lo);
  let cr = half[2 * lo]! - yr, ci = half[2 * lo + 1]! - yi;
  for (let k = lo; k <= hi; k++) {
    lineBin(k + 1);
    const rr = half[2 * (k + 1)]! - yr, ri = half[2 * (k + 1) + 1]! - yi;
    const re = 0.5 * cr - 0.25 * (lr + rr), im = 0.5 * ci - 0.25 * (li + ri);
    const m2 = re * re + im * im;
    s.amplitudes[k] = (2 * Math.sqrt(m2)) / sumW;
    s.power[k] = (2 * m2) / powerScale;
    lr = cr; li = ci; cr = rr; ci = ri;
  }
}

function setRow(r: number, v0: number, v1: number, v2: number, v3: number): void {
  ata[4 * r] = v0; ata[4 * r + 1] = v1; ata[4 * r + 2] = v2; ata[4 * r + 3] = v3;
}

/**
 * Solves the leading m×m block of `ata` (stride 4) against `atb` into `sol` by Gaussian
 * elimination with partial pivoting, in place (both are overwritten); false when singular.
 */
function solveSmall(m: number): boolean {
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(ata[4 * r + col]!) > Math.abs(ata[4 * piv + col]!)) piv = r;
    if (!(Math.abs(ata[4 * piv + col]!) > 0)) return false;
    if (piv !== col) {
      for (let k = 0; k < m; k++) {
        const tmp = ata[4 * col + k]!;
        ata[4 * col + k] = ata[4 * piv + k]!;
        ata[4 * piv + k] = tmp;
      }
      const tmp = atb[col]!;
      atb[col] = atb[piv]!;
      atb[piv] = tmp;
    }
    for (let r = col + 1; r < m; r++) {
      const f = ata[4 * r + col]! / ata[4 * col + col]!;
      for (let k = col; k < m; k++) ata[4 * r + k]! -= f * ata[4 * col + k]!;
      atb[r]! -= f * atb[col]!;
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    let v = atb[r]!;
    for (let k = r + 1; k < m; k++) v -= ata[4 * r + k]! * sol[k]!;
    sol[r] = v / ata[4 * r + r]!;
  }
  return true;
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
  const mean = blockMean(x);
  const s = spectrum ?? hannSpectrum(x, mean, rateHz, 'hs', Infinity, 1);
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
  // A block that fills its transform has its residual's spectrum in closed form from the shared
  // half FFT (residualBins); any other length subtracts the line sample by sample and transforms
  // the residual. Both read the same residual (evidence-features.test.ts compares them).
  const nfft = nextPow2(n);
  const direct = n !== nfft;
  if (direct && residualScratch.length < n) residualScratch = new Float64Array(n);
  const residual = direct ? residualScratch.subarray(0, n) : undefined;
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
  const lowBand: [number, number] = [supplyHz - offsetHz - tolHz, Math.min(supplyHz - offsetHz + tolHz, supplyHz - clearHz)];
  const highBand: [number, number] = [Math.max(supplyHz + offsetHz - tolHz, supplyHz + clearHz), supplyHz + offsetHz + tolHz];
  let r: Spectrum;
  if (residual) {
    r = hannSpectrum(residual, 0, rateHz, 'hs', Infinity, 1);
  } else {
    // The half FFT of this block in slot 1 (a memo hit after the line search's hannSpectrum).
    const half = halfFft(x, mean, nfft, 1);
    const { sumW, sumW2 } = cachedHann(n);
    if (binScratch.amplitudes.length !== nfft / 2 + 1) binScratch = { amplitudes: new Float64Array(nfft / 2 + 1), power: new Float64Array(nfft / 2 + 1) };
    r = { binHz: rateHz / nfft, ...binScratch };
    const phi = (2 * Math.PI * fit.hz) / rateHz;
    for (const [loHz, hiHz] of [lowBand, highBand]) {
      // The bins bandAmplitude reads: its peak search range and ± lobeBins around it.
      const [lo, hi] = binRange(r, loHz, hiHz);
      residualBins(half, n, fit, phi, sumW, sumW2, Math.max(1, lo - lobeBins), Math.min(nfft / 2 - 1, hi + lobeBins), r);
    }
  }
  const lower = bandAmplitude(r, lowBand[0], lowBand[1], lobeBins);
  const upper = bandAmplitude(r, highBand[0], highBand[1], lobeBins);
  const db = 20 * Math.log10(Math.max(lower, upper) / fit.amplitude);
  return { supplyHz, slip, sidebandDb: Number.isFinite(db) ? Math.max(MIN_DB, db) : MIN_DB };
}
