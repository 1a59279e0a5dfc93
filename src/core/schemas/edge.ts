// Messages the edge emits: local alarms and commands (site broker), status and escalations (cloud link).
import { z } from 'zod';
import { MachineType, SensorFaultType } from '../vocabulary.ts';

export const Severity = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof Severity>;

/** An alarm raised or cleared at the edge, on `pdm/{site}/{line}/{machine}/alarm`. */
export const AlarmEvent = z.object({
  v: z.literal(1),
  incidentId: z.string().min(1),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  state: z.enum(['raised', 'cleared']),
  severity: Severity,
  score: z.number(),
  ts: z.number().int().describe('event time, epoch ms'),
});
export type AlarmEvent = z.infer<typeof AlarmEvent>;

/** A local action the edge takes at once, on `pdm/{site}/{line}/{machine}/command`. */
export const MachineCommand = z.object({
  v: z.literal(1),
  incidentId: z.string(),
  action: z.enum(['reduce-load', 'stop', 'resume']),
  reason: z.string(),
  ts: z.number().int(),
});
export type MachineCommand = z.infer<typeof MachineCommand>;

/** Peak of a spectrum: frequency, its order of shaft speed, and amplitude. */
export const SpectralPeak = z.object({
  freqHz: z.number(),
  order: z.number(),
  amplitude: z.number(),
});

/**
 * One bearing defect line family in the squared envelope spectrum (Randall & Antoni, MSSP 2011,
 * sec. 3): levels in dB above the local noise floor (median of the neighbouring bins).
 */
export const EnvelopeLineFamily = z.object({
  /** Fundamental as found (Hz), within the speed/slip search band around its nominal value. */
  freqHz: z.number(),
  /** Levels of harmonics 1, 2, 3, ... (dB above the local floor); fewer where the band is too narrow. */
  harmonicsDb: z.array(z.number()).max(10),
  /** Stronger of the ±1x shaft-speed sidebands around the first two harmonics, averaged (dB). */
  shaftSidebandsDb: z.number(),
  /** Stronger of the ±FTF (cage) sidebands around the first two harmonics, averaged (dB). */
  cageSidebandsDb: z.number(),
});
export type EnvelopeLineFamily = z.infer<typeof EnvelopeLineFamily>;

/** Envelope analysis of a recording: the demodulation band, its impulsiveness, and each defect family. */
export const EnvelopeDiagnostics = z.object({
  bandHz: z.tuple([z.number(), z.number()]),
  /** Spectral kurtosis (excess, ≈ 0 for Gaussian noise) of the chosen band's complex envelope. */
  bandSk: z.number(),
  /** Largest median spectral kurtosis over the kurtogram's bands: impulsiveness wherever it is. */
  maxSk: z.number().optional(),
  /** How the band was chosen: the most impulsive kurtogram band or the prewhitened broadband signal. */
  method: z.enum(['kurtogram', 'prewhitened']),
  segments: z.number().int().nonnegative(),
  lines: z.object({
    bpfo: EnvelopeLineFamily,
    bpfi: EnvelopeLineFamily,
    bsf: EnvelopeLineFamily,
    /** 2×BSF: a ball spall strikes both races once per ball revolution. */
    bsf2: EnvelopeLineFamily,
    ftf: EnvelopeLineFamily,
    /** The 1x shaft line in the envelope (modulation at running speed). */
    shaft: EnvelopeLineFamily,
  }),
  /**
   * Each defect family's comb (its harmonic series scored together) in robust standard deviations
   * above the same comb searched at decoy fundamentals of the same spectrum (the edge's
   * comb-null.ts): a series of lines jointly unlikely by chance even when none alone stands out.
   * Absent from older edges.
   */
  combZ: z.object({ bpfo: z.number(), bpfi: z.number(), bsf: z.number(), bsf2: z.number() }).optional(),
});
export type EnvelopeDiagnostics = z.infer<typeof EnvelopeDiagnostics>;

/** Running-speed harmonics of a recording's acceleration spectrum (imbalance, misalignment, looseness). */
export const ShaftDiagnostics = z.object({
  /** Shaft speed used (Hz): estimated from the 1x harmonic comb when that is clear, else the nominal speed. */
  shaftHz: z.number().nonnegative(),
  speedFromSignal: z.boolean(),
  /** Levels of 1x, 2x, ... 10x above the local floor (dB). */
  harmonicsDb: z.array(z.number()).max(12),
  /** Levels of 0.5x, 1.5x, ... 4.5x above the local floor (dB). */
  halfOrdersDb: z.array(z.number()).max(12),
  /** Velocity amplitudes of 1x..10x relative to 1x (so [1, x2/x1, ...]); absent from older evidence. */
  velocityHarmonics: z.array(z.number()).max(12).optional(),
  /** Velocity amplitudes of 0.5x..4.5x relative to 1x. */
  velocityHalfOrders: z.array(z.number()).max(12).optional(),
  /** Velocity amplitude ratios 2x/1x and 3x/1x. */
  velocityRatios: z.object({ x2ToX1: z.number(), x3ToX1: z.number() }),
  /** Fraction of the 10–1000 Hz velocity mean square in the 1x line. */
  x1VelocityShare: z.number(),
  /** The 2x line sits within 0.5 Hz of 50 or 60 Hz mains: it may be electrical, not mechanical. */
  x2AtMains: z.boolean(),
  /** Median over segments of the raw signal's kurtosis (3 for Gaussian). */
  kurtosis: z.number(),
});
export type ShaftDiagnostics = z.infer<typeof ShaftDiagnostics>;

/**
 * The recent history of one feature before (and, in an update, since) the alarm, from the edge's
 * round-robin archive (feature-trends.ts): each point is the median of `windows` consecutive
 * windows of one operating regime, the older points merged from more windows. Derived data only;
 * the cloud fits the machine's own degradation rate to it (remaining useful life).
 */
export const FeatureTrend = z.object({
  /** Event time of each point relative to the escalation's openedAt, hours (≤ 0), oldest first. */
  tHours: z.array(z.number()).max(128),
  /** Median level of the feature over the point's windows (the feature's own units). */
  levels: z.array(z.number()).max(128),
  /** Windows merged into each point (their median is the level). */
  windows: z.array(z.number().int().positive()).max(128),
});
export type FeatureTrend = z.infer<typeof FeatureTrend>;

/** Most features an escalation's `evidence.peaks` carries (the strongest deviations kept). */
export const MAX_ALARM_PEAKS = 12;

/** One feature's most anomalous value over the windows that raised an alarm. */
export const AlarmPeak = z.object({
  value: z.number(),
  /** Robust z of `value` against the regime baseline the edge scored it with (signed: below the median is negative). */
  z: z.number(),
  /** Event time of the window it came from, epoch ms. */
  atMs: z.number().int(),
});
export type AlarmPeak = z.infer<typeof AlarmPeak>;

/**
 * Evidence of one incident: derived features only (never raw waveforms), the machine's own
 * learned baseline, and the spectral facts a diagnosis needs.
 */
export const Evidence = z.object({
  features: z.record(z.string(), z.number()),
  baseline: z.record(z.string(), z.object({ median: z.number(), mad: z.number() })),
  shaftHz: z.number().nonnegative(),
  /** Envelope-spectrum amplitude at each bearing defect frequency, relative to the spectrum's median. */
  envelopeDefectRatios: z.object({ bpfo: z.number(), bpfi: z.number(), bsf: z.number(), ftf: z.number() }),
  /** The bearing's defect frequencies in orders of shaft speed (from its geometry), so the cloud can name the line. */
  defectOrders: z.object({ bpfo: z.number(), bpfi: z.number(), bsf: z.number(), ftf: z.number() }).optional(),
  /** Velocity-spectrum amplitude at 1x, 2x, 3x shaft speed (mm/s). */
  orderAmplitudes: z.object({ x1: z.number(), x2: z.number(), x3: z.number() }),
  topEnvelopePeaks: z.array(SpectralPeak).max(10),
  /** Envelope analysis of a longer recording (segment-averaged squared envelope spectrum), when available. */
  envelopeDiagnostics: EnvelopeDiagnostics.optional(),
  /** Running-speed harmonics of a longer recording, when available. */
  shaftDiagnostics: ShaftDiagnostics.optional(),
  /**
   * Pressure pulsation within the alarm window (pumps whose pressure channel is sampled as a
   * waveform, ≥ 64 samples): ripple RMS about the window's mean, as a fraction of that mean.
   * Cavitating flow makes the discharge pressure pulsate before the head visibly drops (McKee et
   * al. 2011). Absent when the pressure is a scalar (one value per window).
   */
  pressurePulsation: z.object({ rippleFrac: z.number().nonnegative(), rateHz: z.number().positive(), samples: z.number().int().positive() }).optional(),
  /**
   * History of the features that track fault progress, by feature name (as in `features`), from the
   * alarm's operating regime; absent from older edges (v stays 1: an optional field only adds).
   */
  trends: z.record(z.string(), FeatureTrend).optional(),
  /**
   * The most anomalous value of each feature over the windows that raised the alarm (its on-delay
   * and the raising window), where it stands out more than in the raising window: an intermittent
   * signature (cavitation bursts, early impacts) can be quiet in the window that happens to raise.
   * By feature name (as in `features`); derived values only, at most MAX_ALARM_PEAKS of them.
   */
  peaks: z
    .record(z.string(), AlarmPeak)
    .refine((r) => Object.keys(r).length <= MAX_ALARM_PEAKS, `at most ${MAX_ALARM_PEAKS} peak features`)
    .optional(),
  /** Compact spectra of the alarm window for people to look at (dashboard): decimated, never the waveform. */
  spectra: z
    .object({
      /** Velocity amplitude spectrum 0..maxHz, mm/s, evenly spaced bins. */
      velocity: z.object({ binHz: z.number().positive(), values: z.array(z.number()).max(512) }),
      /** Squared-envelope spectrum 0..maxHz, arbitrary units, evenly spaced bins. */
      envelope: z.object({ binHz: z.number().positive(), values: z.array(z.number()).max(512) }),
    })
    .optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** An escalation from an edge to the cloud, one per incident; `id` is stable across resends. */
export const Escalation = z.object({
  v: z.literal(1),
  id: z.string().min(1).max(200),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  machineType: MachineType,
  openedAt: z.number().int().describe('event time of the alarm, epoch ms'),
  severity: Severity,
  score: z.number(),
  evidence: Evidence,
  sentAtMs: z.number().int().describe('wall clock when first put in the outbox, for latency'),
});
export type Escalation = z.infer<typeof Escalation>;

/** A machine's state as the edge sees it, sent periodically on the cloud link (non-critical). */
export const MachineStatus = z.object({
  v: z.literal(1),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  machineType: MachineType,
  ts: z.number().int(),
  state: z.enum(['learning', 'normal', 'alarm', 'stopped']),
  score: z.number(),
  windows: z.number().int().nonnegative(),
  /** Version of the edge model scoring this machine (e.g. "autoencoder-fan@3"), when one runs. */
  modelVersion: z.string().max(80).optional(),
  /** The machine's learned healthy baseline (median, MAD per feature), so the cloud can compare machines that never escalated. */
  baseline: z.record(z.string(), z.object({ median: z.number(), mad: z.number() })).optional(),
  /** A few aggregate features of the latest window (e.g. rms, velocity_rms, temp_bearing) for live charts; derived, never raw. */
  features: z.record(z.string(), z.number()).optional(),
  /** Operating regime of that window (the edge's key: b<k> speed band, or fixed), so the cloud can pool healthy features per regime (fleet prior). */
  regime: z.string().max(16).optional(),
});
export type MachineStatus = z.infer<typeof MachineStatus>;

/** The cloud's application ack, sent only after the decision is committed (DESIGN.md). */
export const EscalationAck = z.object({
  v: z.literal(1),
  escalationId: z.string(),
  site: z.string(),
  outcome: z.enum(['decided', 'duplicate', 'rejected']),
  detail: z.string().optional(),
});
export type EscalationAck = z.infer<typeof EscalationAck>;

/**
 * A data-quality event: the edge judged a channel's measurement faulty (the sensor, not the
 * machine), on `pdm/{site}/{line}/{machine}/quality`. It never opens a maintenance incident.
 */
export const DataQualityEvent = z.object({
  v: z.literal(1),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  channel: z.string(),
  /** What the edge believes is wrong with the sensor; `unknown` when it cannot tell. */
  kind: z.union([SensorFaultType, z.literal('unknown')]),
  state: z.enum(['raised', 'cleared']),
  ts: z.number().int().describe('event time, epoch ms'),
  detail: z.string().max(500),
});
export type DataQualityEvent = z.infer<typeof DataQualityEvent>;
