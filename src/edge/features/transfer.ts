// How the mounting transmits vibration: the spectral centroid (where the energy sits) and the
// high-frequency band level. A sensor that works loose lowers its mounted resonance and
// attenuates what it passes above it (ISO 5348 on accelerometer mounting: a stud mount passes
// several kHz, a loose or magnet mount only a fraction), while machine faults add energy.
import type { Spectrum } from './spectrum.ts';
import { blockMean, hannSpectrum } from './window-spectra.ts';

export interface TransferIndicators {
  /** Power-weighted mean frequency of the acceleration spectrum (Hz). */
  centroidHz: number;
  /** RMS of the acceleration above `hfFraction`·Nyquist (signal unit). */
  hfRms: number;
  /** RMS over the whole band (signal unit). */
  rms: number;
}

/** Centroid and high-band level of a block; `hfFraction` of Nyquist starts the high band (default 0.4). */
export function transferIndicators(x: ArrayLike<number>, rateHz: number, hfFraction = 0.4, spectrum?: Spectrum): TransferIndicators {
  // hannSpectrum shares its transform with the window's features (the same block follows).
  const s = spectrum ?? hannSpectrum(x, blockMean(x), rateHz);
  const hfBin = Math.floor((hfFraction * rateHz) / 2 / s.binHz);
  let total = 0;
  let moment = 0;
  let hf = 0;
  for (let k = 1; k < s.power.length; k++) {
    const p = s.power[k]!;
    total += p;
    moment += p * k * s.binHz;
    if (k >= hfBin) hf += p;
  }
  return { centroidHz: total > 0 ? moment / total : 0, hfRms: Math.sqrt(hf), rms: Math.sqrt(total) };
}
