// An evidence update for an open incident (issue 5: remaining useful life "updated as new evidence
// arrives"). The edge sends one at a bounded cadence of event time, and on a severity change, for
// as long as the incident stays open and after its escalation was acked; the cloud records the new
// health reading, refits the remaining life and keeps the estimate as the incident's RUL history.
// Field names are the ones the sovereignty policy already classifies (ids, `ts`, `severity`,
// `score`, `openedAt`, `sentAtMs`, `evidence.**`), so a policy that lets escalations out lets
// updates out unchanged.
import { z } from 'zod';
import { MachineType } from '../vocabulary.ts';
import { Evidence, Severity } from './edge.ts';

/** Stable id of one update: the incident and the event time of its evidence (a resend keeps it). */
export function incidentUpdateId(incidentId: string, tsMs: number): string {
  return `${incidentId}.u${tsMs}`;
}

export const IncidentUpdate = z
  .object({
    v: z.literal(1),
    /** This update's id (incidentUpdateId): the outbox key, the cloud's unique key and the id it acks. */
    id: z.string().min(1).max(230),
    /** The escalation the update belongs to (its id). */
    incidentId: z.string().min(1).max(200),
    site: z.string(),
    line: z.string(),
    machine: z.string(),
    machineType: MachineType,
    openedAt: z.number().int().describe('event time the incident opened, epoch ms'),
    ts: z.number().int().describe('event time of the evidence (its window), epoch ms'),
    severity: Severity,
    score: z.number(),
    /**
     * The window's evidence; `trends` holds only the points since the previous update (times in
     * hours relative to `ts`, ≤ 0), and `baseline` only healthy levels the escalation did not carry.
     */
    evidence: Evidence,
    sentAtMs: z.number().int().describe('wall clock when first put in the outbox, for latency'),
  })
  .refine((u) => u.ts >= u.openedAt, { message: 'ts is before the incident opened', path: ['ts'] })
  .refine((u) => u.id === incidentUpdateId(u.incidentId, u.ts), { message: 'id is not <incidentId>.u<ts>', path: ['id'] });
export type IncidentUpdate = z.infer<typeof IncidentUpdate>;

/** One entry of an incident's remaining-life history as the cloud keeps and shows it. */
export const RulHistoryPoint = z.object({
  /** The update's id, or the escalation's id for the estimate at the alarm. */
  updateId: z.string(),
  asOfMs: z.number().describe('event time of the evidence, epoch ms'),
  /** null when the update brought no estimate (its reason in `note`). */
  failureAtMs: z.object({ p10: z.number(), p50: z.number(), p90: z.number() }).nullable(),
  healthIndicator: z.number().nullable(),
  /** The re-weighed repair option at `asOfMs` (economics.ts), when there is an estimate. */
  option: z.string().nullable(),
  /** True when the new estimate makes the committed decision look too late (see update-intake.ts). */
  moreUrgent: z.boolean(),
  note: z.string().max(500).optional(),
});
export type RulHistoryPoint = z.infer<typeof RulHistoryPoint>;

/** True when an id (e.g. in an ack) names an incident update rather than an escalation. */
export function isIncidentUpdateId(id: string): boolean {
  return /\.u-?\d+$/.test(id);
}

/** The incident an update id belongs to (the id itself when it is no update id). */
export function incidentOfUpdateId(id: string): string {
  return id.replace(/\.u-?\d+$/, '');
}
