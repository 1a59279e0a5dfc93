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
  const sync = syncRpm(supplyHz, poles);
  const slip = (sync - rpm) / sync;
  if (!(slip > 0 && slip < 0.5)) return undefined;
  const offsetHz = 2 * slip * supplyHz;
  const tolHz = Math.max(resolutionHz, 0.1 * offsetHz); // speed and slip are known to ~10%
  // A sideband's amplitude sums its peak bin ± lobeBins, so its peak must stay 2·lobeBins + 1 bins
  // from the line, or the sum takes in the line's own Hann main lobe and a healthy cage reads
  // −6 … −10 dB. A motor near no load has too little slip for that: MCSA needs load (Thomson &
  // Fenger 2001 take readings above about half of rated load), so no reading rather than a false one.
  const clearHz = (2 * lobeBins + 1) * resolutionHz;
  if (offsetHz - tolHz < clearHz || (1 + 2 * slip) * supplyHz > 0.45 * rateHz) return undefined;
  const line = bandAmplitude(s, supplyHz - resolutionHz, supplyHz + resolutionHz, lobeBins);
  if (!(line > 0)) return undefined;
  const lower = bandAmplitude(s, supplyHz - offsetHz - tolHz, Math.min(supplyHz - offsetHz + tolHz, supplyHz - clearHz), lobeBins);
  const upper = bandAmplitude(s, Math.max(supplyHz + offsetHz - tolHz, supplyHz + clearHz), supplyHz + offsetHz + tolHz, lobeBins);
  const db = 20 * Math.log10(Math.max(lower, upper) / line);
  return { supplyHz, slip, sidebandDb: Number.isFinite(db) ? Math.max(MIN_DB, db) : MIN_DB };
}
