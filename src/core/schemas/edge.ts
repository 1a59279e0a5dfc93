// Messages the edge emits: local alarms and commands (site broker), status and escalations (cloud link).
import { z } from 'zod';
import { MachineType } from '../vocabulary.ts';

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
  state: z.enum(['learning', 'normal', 'alarm']),
  score: z.number(),
  windows: z.number().int().nonnegative(),
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
