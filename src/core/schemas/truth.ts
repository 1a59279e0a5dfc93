// Ground truth: what really happened in the simulated plant. Written to labels.jsonl and published
// on `truth/{site}/{line}/{machine}` (topics.ts), read by evaluation code only, never by detectors.
import { z } from 'zod';
import { Component, FaultType, MachineType, SensorFaultType } from '../vocabulary.ts';

/** One injected fault (machine or sensor) and its fate so far; republished whenever its state changes. */
export const GroundTruthRecord = z.object({
  v: z.literal(1),
  /** Stable id of the injection, e.g. `pump-001/bearing-outer-race/1700000000000`. */
  id: z.string().min(1),
  kind: z.enum(['machine', 'sensor']),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  machineType: MachineType,
  /** Machine fault mode (kind machine) or sensor fault (kind sensor). */
  fault: z.union([FaultType, SensorFaultType]),
  /** The channel a sensor fault corrupts; null for machine faults. */
  channel: z.string().nullable(),
  /** The part a machine fault destroys (FAULT_COMPONENT); null for sensor faults and part-free repairs. */
  component: Component.nullable(),
  onsetMs: z.number().int().describe('event time the fault starts, epoch ms'),
  /** First event time at which the fault's signature exceeds the healthy scatter (the P of the P–F curve); null for sensor faults. */
  detectableMs: z.number().int().nullable(),
  /** Scheduled functional failure if never repaired (machine faults), or end of a sensor fault, epoch ms. */
  failureMs: z.number().int(),
  /** When the machine actually failed and stopped, or null. */
  failedAtMs: z.number().int().nullable(),
  /** When a repair ended the fault, or null. */
  repairedAtMs: z.number().int().nullable(),
});
export type GroundTruthRecord = z.infer<typeof GroundTruthRecord>;
