// Evidence from one recorded vibration waveform (seconds to minutes at kHz rates), for an offline
// diagnosis: the recording is cut into overlapping segments, segments whose level is far off the
// others' (a knock, a dropout, a sensor glitch) are left out, and the rest are combined: averaged
// squared envelope spectra for the bearing (envelope-diagnostics.ts), one long spectrum for the
// shaft harmonics (shaft-diagnostics.ts), medians for time-domain statistics.
import { bearingDefectOrders, fail, ok, type BearingGeometry, type Evidence, type Result } from '../../core/index.ts';
import { moments } from './moments.ts';
import { realFft } from './spectrum.ts';
import { medianOf } from './kurtogram.ts';
import { combScore, envelopeDiagnostics } from './envelope-diagnostics.ts';
import { shaftDiagnostics } from './shaft-diagnostics.ts';
import { combNull } from './comb-null.ts';

/** What the analysis needs besides the samples. */
export interface RecordingOptions {
  rateHz: number;
  rpm: number;
  bearing: BearingGeometry;
  /** Segment length in samples (a power of two); default ≈ 1 s of signal, fewer if the recording is short. */
  segmentSamples?: number;
  /**
   * The recording is `x.length / blockSamples` separate blocks end to end (e.g. consecutive
   * telemetry windows with gaps between them), not one continuous record: segments stay inside a
   * block and the running-speed spectrum is the average of the blocks' spectra (Welch), so no
   * segment spans a jump in phase. Without it the recording is continuous.
   */
  blockSamples?: number;
}

/** Fewest samples we analyse: three half-overlapping segments of 2048 still resolve a defect line. */
export const MIN_RECORDING_SAMPLES = 4096;
/**
 * Most samples the running-speed spectrum reads (2^22: 43 s at 97.7 kHz, bins of 0.02 Hz): one
 * transform of a 10-million-sample recording would take ~1 GB and half a minute and resolve
 * nothing the shaft analysis needs. Longer recordings are read from their middle.
 */
const MAX_SHAFT_SAMPLES = 1 << 22;
/** Fewest shaft revolutions a recording must hold: ~35 outer-race impacts on a 9-ball bearing. */
export const MIN_REVOLUTIONS = 10;
/** Most segments averaged: beyond this the SES changes little and time grows. */
const MAX_SEGMENTS = 32;
/** A segment whose RMS is this far (factor) from the median segment RMS is left out. */
const OUTLIER_RMS_FACTOR = 4;

/** Evidence of a recording without a machine baseline (`baseline` is empty). */
export type RecordingEvidence = Evidence;

/**
 * Recording length in segment lengths we ask for before doubling the segment: ≥ 7 lengths give
 * ≥ 13 half-overlapping segments, so a burst spoiling two of them cannot move the medians.
 */
const MIN_SEGMENT_LENGTHS = 7;

/**
 * Bins per shaft order the SES needs: families sit 0.3–0.6 orders apart on small bearings (6203:
 * BPFO 3.05x, 2×BSF 3.99x) and ±1x / ±FTF (≈0.4x) sidebands must be resolved, so a bin must stay
 * under a tenth of the shaft speed; at 900 rpm and 64 kHz that asks for a 1 s segment.
 */
const BINS_PER_ORDER = 10;
/** Fewest segments a long-segment (resolution-bound) analysis keeps: 3 half-overlapping lengths give 5. */
const MIN_SEGMENT_SPAN = 3;

/**
 * Segment length: up to ~1.4 s (bins under 1 Hz resolve 1–2 % slip at BPFO) while the recording
 * holds enough segments, and never so short that a bin exceeds a tenth of the shaft speed while
 * the recording holds MIN_SEGMENT_SPAN lengths (resolution beats averaging: an unresolved family
 * cannot be named at all).
 */
export function segmentLength(n: number, rateHz: number, shaftHz = Infinity): number {
  let len = 2048;
  while (len * 2 <= rateHz * 1.5 && len * 2 * MIN_SEGMENT_LENGTHS <= n) len *= 2;
  const needed = (BINS_PER_ORDER * rateHz) / shaftHz;
  while (len < needed && len * 2 * MIN_SEGMENT_SPAN <= n) len *= 2;
  return len;
}

/** Start indices of half-overlapping segments inside each block (at most MAX_SEGMENTS, spread evenly). */
function segmentStarts(n: number, len: number, block = n): number[] {
  const all: number[] = [];
  for (let b = 0; b + len <= n; b += block) for (let s = b; s + len <= Math.min(n, b + block); s += len / 2) all.push(s);
  if (all.length <= MAX_SEGMENTS) return all;
  const step = all.length / MAX_SEGMENTS;
  return Array.from({ length: MAX_SEGMENTS }, (_, i) => all[Math.floor(i * step)]!);
}

/** Bearing and shaft evidence of one recording; a failed Result when it cannot be analysed. */
export function recordingEvidence(x: ArrayLike<number>, opts: RecordingOptions): Result<RecordingEvidence> {
  const { rateHz, rpm } = opts;
  if (!(rateHz > 0) || !Number.isFinite(rateHz)) return fail(`sample rate ${rateHz} Hz must be a positive number`);
  if (!(rpm > 0) || !Number.isFinite(rpm)) return fail(`shaft speed ${rpm} rpm must be a positive number`);
  if (x.length < MIN_RECORDING_SAMPLES) return fail(`${x.length} samples, fewer than the ${MIN_RECORDING_SAMPLES} an envelope analysis needs`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return fail(`sample ${i} is not a finite number`);
  const nominalShaftHz = rpm / 60;
  const seconds = x.length / rateHz;
  if (seconds * nominalShaftHz < MIN_REVOLUTIONS) {
    return fail(`${seconds.toFixed(3)} s holds ${(seconds * nominalShaftHz).toFixed(1)} shaft revolutions at ${rpm} rpm; a diagnosis needs at least ${MIN_REVOLUTIONS} (${(MIN_REVOLUTIONS / nominalShaftHz).toFixed(2)} s)`);
  }
  const orders = bearingDefectOrders(opts.bearing);
  if (orders.bpfi * nominalShaftHz * 3 >= 0.45 * rateHz) return fail(`sample rate ${rateHz} Hz is too low for the defect frequencies at ${rpm} rpm`);

  const block = opts.blockSamples;
  if (block !== undefined && !(Number.isInteger(block) && block >= 2048 && x.length % block === 0)) {
    return fail(`block of ${block} samples must be an integer ≥ 2048 that divides the ${x.length} samples`);
  }
  const len = opts.segmentSamples ?? Math.min(block === undefined ? Infinity : 2 ** Math.floor(Math.log2(block)), segmentLength(x.length, rateHz, nominalShaftHz));
  if (block !== undefined && len > block) return fail(`segment of ${len} samples is longer than a block (${block})`);
  const starts = segmentStarts(x.length, len, block);
  const segs = starts.map((s) => Array.prototype.slice.call(x, s, s + len) as number[]);
  const stats = segs.map((s) => moments(s));
  const medRms = medianOf(stats.map((m) => m.rms));
  const keep = segs.map((_, i) => i).filter((i) => {
    const r = stats[i]!.rms;
    return medRms > 0 ? r <= OUTLIER_RMS_FACTOR * medRms && r >= medRms / OUTLIER_RMS_FACTOR : r === 0;
  });
  const kurtosis = medianOf(keep.map((i) => stats[i]!.kurtosis));

  const mid = Math.max(0, (x.length - MAX_SHAFT_SAMPLES) >> 1);
  const shaftPart = x.length <= MAX_SHAFT_SAMPLES || block !== undefined ? x : x instanceof Float64Array ? x.subarray(mid, mid + MAX_SHAFT_SAMPLES) : (Array.prototype.slice.call(x, mid, mid + MAX_SHAFT_SAMPLES) as number[]);
  const shaft = shaftDiagnostics(shaftPart, rateHz, nominalShaftHz, kurtosis, block);
  const shaftHz = shaft.shaftHz;
  const spectra = keep.map((i) => {
    const seg = segs[i]!;
    const mean = stats[i]!.mean;
    return realFft(seg.map((v) => v - mean), len);
  });
  // Search ±2.5 % when the speed came from the signal (slip of 1–2 %), ±4.5 % when only the
  // nominal speed is known (its error adds up to ~2 %; Randall & Antoni 2011, sec. 2.1).
  const searchTolerance = shaft.speedFromSignal ? 0.025 : 0.045;
  const envelope = envelopeDiagnostics({ spectra, rateHz, shaftHz, orders, searchTolerance });
  const chance = envelope ? combNull(spectra, rateHz, shaftHz, orders, envelope, searchTolerance) : undefined;

  const h1 = (db: number[] | undefined) => 10 ** ((db?.[0] ?? 0) / 20);
  const lines = envelope?.lines;
  const features: Record<string, number> = {
    'accel.kurtosis': kurtosis,
    'accel.crest': medianOf(keep.map((i) => stats[i]!.crest)),
    'rec.segments': keep.length,
    'rec.segmentsDropped': segs.length - keep.length,
    'rec.shaftHz': shaftHz,
  };
  Object.assign(features, runningSpeedShares(spectra, rateHz, shaftHz));
  if (envelope) {
    features['env.sk'] = envelope.bandSk;
    features['env.bandLoHz'] = envelope.bandHz[0];
    features['env.bandHiHz'] = envelope.bandHz[1];
  }
  if (chance) {
    // The chance level of a defect comb in this recording (comb-null.ts), for the verdict's significance test.
    features['env.nullCombMedian'] = chance.median;
    features['env.nullCombSpread'] = chance.spread;
    features['env.nullCombMax'] = chance.max;
    features['env.nullCombCount'] = chance.count;
    if (envelope) {
      // Each family's comb in standard deviations of the chance level (robust z).
      for (const k of ['bpfo', 'bpfi', 'bsf', 'bsf2'] as const) features[`env.combZ.${k}`] = (combScore(envelope.lines[k].harmonicsDb) - chance.median) / chance.spread;
    }
  }
  return ok({
    features,
    baseline: {},
    shaftHz,
    defectOrders: orders,
    // Line over the local floor as a plain ratio: the legacy field's meaning, from the segment-averaged SES.
    envelopeDefectRatios: { bpfo: h1(lines?.bpfo.harmonicsDb), bpfi: h1(lines?.bpfi.harmonicsDb), bsf: h1(lines?.bsf.harmonicsDb), ftf: h1(lines?.ftf.harmonicsDb) },
    // The recording's unit is unknown: order amplitudes are velocity relative to the 1x line.
    orderAmplitudes: { x1: 1, x2: shaft.velocityRatios.x2ToX1, x3: shaft.velocityRatios.x3ToX1 },
    topEnvelopePeaks: [],
    ...(envelope ? { envelopeDiagnostics: envelope } : {}),
    shaftDiagnostics: shaft,
  });
}

/**
 * Shares of the acceleration power (all frequencies above DC, segment-averaged) held by the 1x and
 * 2x lines and by all running-speed lines (1x..10x, 0.5x..4.5x). They tell a dominant shaft
 * pattern from a healthy spectrum whose lines merely stand high above a low floor: the level above
 * the floor grows with the recording's length, a share of the power does not, and neither depends
 * on the unit. Each line takes ±2 bins plus 0.5 % (the unwindowed segments leak ~8 % of a line's
 * power beyond ±2 bins; speed wander).
 */
function runningSpeedShares(spectra: readonly Float64Array[], rateHz: number, shaftHz: number): Record<string, number> {
  if (spectra.length === 0 || !(shaftHz > 0)) return {};
  const half = spectra[0]!.length / 4;
  const binHz = rateHz / (2 * half);
  const power = new Float64Array(half + 1);
  for (const s of spectra) for (let k = 1; k <= half; k++) power[k]! += s[2 * k]! * s[2 * k]! + s[2 * k + 1]! * s[2 * k + 1]!;
  let total = 0;
  for (let k = 1; k <= half; k++) total += power[k]!;
  if (!(total > 0)) return {};
  const taken = new Uint8Array(half + 1);
  const line = (order: number): number => {
    const f = order * shaftHz;
    if (f >= 0.45 * rateHz) return 0;
    const w = 2 + (0.005 * f) / binHz;
    let p = 0;
    for (let k = Math.max(1, Math.floor(f / binHz - w)); k <= Math.min(half, Math.ceil(f / binHz + w)); k++) {
      if (!taken[k]) p += power[k]!;
      taken[k] = 1;
    }
    return p / total;
  };
  const x1 = line(1);
  const x2 = line(2);
  let all = x1 + x2;
  for (let k = 3; k <= 10; k++) all += line(k);
  for (let k = 0; k < 5; k++) all += line(k + 0.5);
  return { 'rec.x1PowerShare': x1, 'rec.x2PowerShare': x2, 'rec.runningSpeedPowerShare': all };
}
