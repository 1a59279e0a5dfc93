// Evidence from one recorded vibration waveform (seconds to minutes at kHz rates), for an offline
// diagnosis: the recording is cut into overlapping segments, segments whose level is far off the
// others' (a knock, a dropout, a sensor glitch) are left out, and the rest are combined: averaged
// squared envelope spectra for the bearing (envelope-diagnostics.ts), one long spectrum for the
// shaft harmonics (shaft-diagnostics.ts), medians for time-domain statistics.
import { bearingDefectOrders, fail, ok, type BearingGeometry, type Evidence, type Result } from '../../core/index.ts';
import { moments } from './moments.ts';
import { realFft } from './spectrum.ts';
import { medianOf } from './kurtogram.ts';
import { envelopeDiagnostics } from './envelope-diagnostics.ts';
import { shaftDiagnostics } from './shaft-diagnostics.ts';

/** What the analysis needs besides the samples. */
export interface RecordingOptions {
  rateHz: number;
  rpm: number;
  bearing: BearingGeometry;
  /** Segment length in samples (a power of two); default ≈ 1 s of signal, fewer if the recording is short. */
  segmentSamples?: number;
}

/** Fewest samples we analyse: three half-overlapping segments of 2048 still resolve a defect line. */
export const MIN_RECORDING_SAMPLES = 4096;
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

/** Segment length: up to ~1.4 s (bins under 1 Hz resolve 1–2 % slip at BPFO) while the recording holds enough segments. */
export function segmentLength(n: number, rateHz: number): number {
  let len = 2048;
  while (len * 2 <= rateHz * 1.5 && len * 2 * MIN_SEGMENT_LENGTHS <= n) len *= 2;
  return len;
}

/** Start indices of half-overlapping segments (at most MAX_SEGMENTS, spread evenly). */
function segmentStarts(n: number, len: number): number[] {
  const all: number[] = [];
  for (let s = 0; s + len <= n; s += len / 2) all.push(s);
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
  const orders = bearingDefectOrders(opts.bearing);
  if (orders.bpfi * nominalShaftHz * 3 >= 0.45 * rateHz) return fail(`sample rate ${rateHz} Hz is too low for the defect frequencies at ${rpm} rpm`);

  const len = opts.segmentSamples ?? segmentLength(x.length, rateHz);
  const starts = segmentStarts(x.length, len);
  const segs = starts.map((s) => Array.prototype.slice.call(x, s, s + len) as number[]);
  const stats = segs.map((s) => moments(s));
  const medRms = medianOf(stats.map((m) => m.rms));
  const keep = segs.map((_, i) => i).filter((i) => {
    const r = stats[i]!.rms;
    return medRms > 0 ? r <= OUTLIER_RMS_FACTOR * medRms && r >= medRms / OUTLIER_RMS_FACTOR : r === 0;
  });
  const kurtosis = medianOf(keep.map((i) => stats[i]!.kurtosis));

  const shaft = shaftDiagnostics(x, rateHz, nominalShaftHz, kurtosis);
  const shaftHz = shaft.shaftHz;
  const spectra = keep.map((i) => {
    const seg = segs[i]!;
    const mean = stats[i]!.mean;
    return realFft(seg.map((v) => v - mean), len);
  });
  // Search ±2.5 % when the speed came from the signal (slip of 1–2 %), ±4.5 % when only the
  // nominal speed is known (its error adds up to ~2 %; Randall & Antoni 2011, sec. 2.1).
  const envelope = envelopeDiagnostics({ spectra, rateHz, shaftHz, orders, searchTolerance: shaft.speedFromSignal ? 0.025 : 0.045 });

  const h1 = (db: number[] | undefined) => 10 ** ((db?.[0] ?? 0) / 20);
  const lines = envelope?.lines;
  const features: Record<string, number> = {
    'accel.kurtosis': kurtosis,
    'accel.crest': medianOf(keep.map((i) => stats[i]!.crest)),
    'rec.segments': keep.length,
    'rec.segmentsDropped': segs.length - keep.length,
    'rec.shaftHz': shaftHz,
  };
  if (envelope) {
    features['env.sk'] = envelope.bandSk;
    features['env.bandLoHz'] = envelope.bandHz[0];
    features['env.bandHiHz'] = envelope.bandHz[1];
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
