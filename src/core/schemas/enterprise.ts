// The plant floor's exchange with the enterprise (MES): the loop that closes a maintenance
// decision with a repair. The plant reports breakdowns; the enterprise, whose clock follows the
// plant's event time, answers with what the floor must do (stop for maintenance, repair done).
import { z } from 'zod';
import { Component, FaultType } from '../vocabulary.ts';

/** Something that happened on the plant floor that the enterprise must know. */
export const PlantEvent = z.object({
  /** Stable id: a resent event changes nothing. */
  id: z.string().min(1).max(200),
  kind: z.literal('breakdown').describe('the machine stopped on a functional failure (unplanned downtime starts)'),
  machine: z.string().min(1),
  atMs: z.number().int().describe('event time, epoch ms'),
});
export type PlantEvent = z.infer<typeof PlantEvent>;

/** Something the plant floor must do, in order of `seq` (at least once: the floor skips seqs it has applied). */
export const PlantAction = z.object({
  seq: z.number().int().positive(),
  workOrderId: z.string(),
  /** The maintenance incident (escalation id) behind the order, or null for a breakdown repair. */
  incidentId: z.string().nullable(),
  machine: z.string(),
  /** `stop-for-maintenance`: the planned window starts, the machine stops (planned downtime); `repair-complete`: the fault is gone, health resets, the machine restarts. */
  action: z.enum(['stop-for-maintenance', 'repair-complete']),
  atMs: z.number().int().describe('event time the action takes effect, epoch ms'),
  faultType: z.union([FaultType, z.literal('unknown')]),
  component: Component.nullable(),
});
export type PlantAction = z.infer<typeof PlantAction>;

/** `POST /api/v1/plant/sync`: advance the enterprise clock to the plant's event time and exchange events and actions. */
export const PlantSyncRequest = z.object({
  nowMs: z.number().int().describe('the plant simulator clock, epoch ms; the enterprise clock never goes back'),
  /** The last action seq the floor has applied (0 at start). */
  afterSeq: z.number().int().nonnegative(),
  events: z.array(PlantEvent).max(1000).default([]),
});
export type PlantSyncRequest = z.input<typeof PlantSyncRequest>;

export const PlantSyncResponse = z.object({
  nowMs: z.number().int(),
  /** Actions with seq > afterSeq and atMs <= nowMs, by seq. */
  actions: z.array(PlantAction),
});
export type PlantSyncResponse = z.infer<typeof PlantSyncResponse>;
