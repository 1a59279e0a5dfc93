// How high a defect comb stands by chance in this very envelope spectrum: the same comb search
// (fundamental within ±tolerance, weighted harmonics; envelope-diagnostics.ts readFamily) run at
// decoy fundamentals that belong to no bearing family. A family is significant when its comb beats
// these decoys, whatever the recording's length, band, number of averaged segments or background
// (a fixed dB threshold cannot know how many bins a search looked at; the decoys pay the same
// look-elsewhere price). The idea is the empirical null of Efron ("Large-scale simultaneous
// hypothesis testing", JASA 99, 2004) applied to spectral lines.
import type { DefectOrders, EnvelopeDiagnostics } from '../../core/index.ts';
import { averagedSes, combScore, readFamily } from './envelope-diagnostics.ts';
import { localFloor } from './line-levels.ts';
import { medianOf } from './kurtogram.ts';

/** Decoys spread over this span (relative) around the bearing families' orders. */
const DECOY_SPAN: [number, number] = [0.55, 1.6];
/** A decoy keeps this much room (relative, beyond the search tolerance) from every family order and its half. */
const DECOY_CLEARANCE = 0.02;
/** Spread floor (dB of comb score): keeps z finite when the decoys happen to agree closely. */
const MIN_SPREAD = 0.75;

/** The decoys' comb scores summarised: median, robust spread (1.4826·MAD) and largest, with their count. */
export interface CombNull {
  median: number;
  spread: number;
  max: number;
  count: number;
}

/**
 * Comb scores at decoy fundamentals in the SES of the band the envelope analysis chose (same
 * floor, same search): the chance level of a defect comb in this recording.
 */
export function combNull(spectra: readonly Float64Array[], rateHz: number, shaftHz: number, orders: DefectOrders, env: EnvelopeDiagnostics, tolerance: number): CombNull | undefined {
  const { ses, binHz, maxHz } = averagedSes(spectra, rateHz, env.bandHz, env.method === 'prewhitened');
  if (ses.length < 8 || !(shaftHz > 0)) return undefined;
  const maxBin = Math.min(ses.length - 1, Math.ceil(maxHz / binHz) + 2);
  const floor = localFloor(ses, maxBin, Math.max(10, (0.4 * shaftHz) / binHz), 2);
  const families = [orders.bpfo, orders.bpfi, orders.bsf, 2 * orders.bsf];
  // Half orders too: a decoy at half a family's order reads that family as its 2nd harmonic.
  const avoid = [...families, ...families.map((o) => o / 2)];
  const lo = DECOY_SPAN[0] * Math.min(orders.bpfo, 2 * orders.bsf);
  const hi = DECOY_SPAN[1] * Math.max(orders.bpfi, 2 * orders.bsf);
  const clear = tolerance + DECOY_CLEARANCE;
  const scores: number[] = [];
  // Decoys one tolerance apart (relative): neighbours' search windows overlap by half, enough draws for a median and MAD.
  for (let o = lo; o <= hi; o *= 1 + tolerance) {
    if (avoid.some((a) => Math.abs(o - a) / a < 2 * clear)) continue;
    if (o * shaftHz > maxHz) break;
    const fam = readFamily(ses, floor, binHz, maxHz, o * shaftHz, tolerance, shaftHz, orders.ftf * shaftHz);
    scores.push(combScore(fam.harmonicsDb));
  }
  if (scores.length < 5) return undefined;
  const median = medianOf(scores);
  const mad = medianOf(scores.map((s) => Math.abs(s - median)));
  return { median, spread: Math.max(MIN_SPREAD, 1.4826 * mad), max: Math.max(...scores), count: scores.length };
}
