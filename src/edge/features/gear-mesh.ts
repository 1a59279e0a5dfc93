// Gear mesh analysis: a single-stage gear meshes at inputTeeth × input shaft Hz; tooth wear and
// pitting raise the mesh harmonics and, above all, the shaft-rate sidebands around them
// (amplitude/phase modulation by the worn gear's rotation; Randall, "Vibration-based Condition
// Monitoring", Wiley 2011, ch. 2.2.4).
import type { MachineBirth } from '../../core/index.ts';
import { bandAmplitude, nextPow2, peakBin, type Spectrum } from './spectrum.ts';
import { blockMean, hannSpectrum } from './window-spectra.ts';
import { lineLevel, localFloor } from './line-levels.ts';

export interface GearMesh {
  meshHz: number;
  /** Mesh line above the local spectral floor (dB). */
  meshDb: number;
  /** Mean over the first two mesh harmonics of the stronger ±shaft-rate sideband relative to its harmonic (dB). */
  sidebandDb: number;
}

/** Lowest relative sideband level reported (dB). */
const MIN_DB = -60;

/**
 * Mesh and sideband levels of an acceleration block, or undefined when the birth has no gear or
 * the mesh is above 0.45·rate. Sidebands are read at ±input and ±output shaft rate (either gear
 * may be the worn one); the stronger counts.
 */
export function gearMesh(x: ArrayLike<number>, rateHz: number, shaftHz: number, gear: MachineBirth['gear'], spectrum?: Spectrum): GearMesh | undefined {
  if (!gear || !(shaftHz > 0) || x.length < 64) return undefined;
  const meshHz = gear.inputTeeth * shaftHz;
  if (meshHz + shaftHz > 0.45 * rateHz) return undefined;
  // hannSpectrum shares its transform with the window's features (the same block went before).
  const s = spectrum ?? hannSpectrum(x, blockMean(x), rateHz);
  const n = x.length;
  const lobeBins = Math.max(2, Math.round((2 * nextPow2(n)) / n));
  const resolutionHz = rateHz / n;
  const tolHz = Math.max(resolutionHz, 0.01 * meshHz); // speed known to ~1%
  const amp = (fHz: number, tol = tolHz) => bandAmplitude(s, fHz - tol, fHz + tol, lobeBins);
  const maxBin = Math.min(s.amplitudes.length - 1, Math.ceil((meshHz + 2 * shaftHz) / s.binHz));
  // The floor spans several shaft rates either side, so the sidebands themselves barely move it.
  const floor = localFloor(s.amplitudes, maxBin, Math.max(8, (4 * shaftHz) / s.binHz), lobeBins + 1);
  const meshDb = lineLevel(s.amplitudes, floor, s.binHz, meshHz, tolHz).db;
  // Read the sidebands from where the mesh harmonic actually is (the speed reading has noise), one
  // bin either side, and only where they clear the harmonic's Hann main lobe.
  const levels: number[] = [];
  for (const h of [1, 2]) {
    const fh = h * meshHz;
    if (fh + shaftHz > 0.45 * rateHz) break;
    const k = peakBin(s, fh - h * tolHz, fh + h * tolHz);
    const line = amp(k * s.binHz, s.binHz);
    if (!(line > 0)) continue;
    const actualShaftHz = (k * s.binHz) / (h * gear.inputTeeth);
    const outputHz = (actualShaftHz * gear.inputTeeth) / gear.outputTeeth;
    let side = 0;
    for (const rate of [actualShaftHz, outputHz]) {
      if (rate / s.binHz < 2 * lobeBins + 1) continue; // inside the harmonic's main lobe
      side = Math.max(side, amp(k * s.binHz - rate, s.binHz), amp(k * s.binHz + rate, s.binHz));
    }
    if (side > 0) levels.push(Math.max(MIN_DB, 20 * Math.log10(side / line)));
  }
  const sidebandDb = levels.length ? levels.reduce((a, b) => a + b, 0) / levels.length : MIN_DB;
  return { meshHz, meshDb, sidebandDb };
}
