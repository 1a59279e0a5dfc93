// What the cloud knows about the fleet, as the live dashboard shows it. The cloud service produces
// these and the dashboard consumes them; they meet here so neither imports the other (DESIGN.md).
import { z } from 'zod';
import { MachineType } from '../vocabulary.ts';
import { Diagnosis, MaintenanceOutcome, MaintenanceRefusal, MaintenanceRequest } from './cloud.ts';
import { Escalation, MachineStatus } from './edge.ts';
import { RulHistoryPoint } from './incident-update.ts';

/** One machine as the cloud sees it: its last status and the incidents still open on it. */
export const FleetMachine = z.object({
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  machineType: MachineType,
  status: MachineStatus.nullable().describe('null until the edge has sent a status'),
  lastSeenMs: z.number().nullable().describe('wall clock when the last status arrived, epoch ms'),
  openIncidents: z.array(z.string()).describe('incident ids with no normal status since they opened'),
});
export type FleetMachine = z.infer<typeof FleetMachine>;

/** One incident end to end: what the edge sent, what the cloud concluded, what the enterprise did. */
export const Incident = z.object({
  escalation: Escalation,
  receivedAtMs: z.number().describe('wall clock at first receipt, epoch ms'),
  diagnosis: Diagnosis.nullable(),
  request: MaintenanceRequest.nullable(),
  outcome: MaintenanceOutcome.nullable(),
  decidedAtMs: z.number().nullable().describe('wall clock when the decision was committed, epoch ms'),
  /** Set when the decision is "refused by ERP": the enterprise refused the request for good (outcome is then null). */
  refusal: MaintenanceRefusal.optional(),
  /**
   * Set when the incident's stored evidence cannot be read, e.g. the site revoked the cloud's key
   * grant (crypto-shredding): the escalation's evidence is then empty, the rest still stands.
   */
  evidenceRefusal: z.object({ code: z.string(), site: z.string(), reason: z.string() }).optional(),
  /** The remaining life as evidence arrived: the estimate at the alarm, then one per edge update, oldest first. */
  rulHistory: z.array(RulHistoryPoint).max(500).optional(),
});
export type Incident = z.infer<typeof Incident>;

/** Everything the dashboard shows, in one snapshot (GET /api/state). */
export const DashboardState = z.object({
  generatedAtMs: z.number(),
  machines: z.array(FleetMachine),
  incidents: z.array(Incident).describe('newest first'),
  stats: z.record(z.string(), z.number()).describe('counters: received, decided, dead letters, ...'),
});
export type DashboardState = z.infer<typeof DashboardState>;

/** A live update: a machine's status changed, or an incident was received, diagnosed or decided. */
export const DashboardEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), machine: FleetMachine }),
  z.object({ type: z.literal('escalation'), incident: Incident }),
  z.object({ type: z.literal('diagnosis'), incident: Incident }),
  z.object({ type: z.literal('decision'), incident: Incident }),
]);
export type DashboardEvent = z.infer<typeof DashboardEvent>;

/** Where the dashboard reads from; the cloud's diagnosis service satisfies it structurally. */
export interface DashboardSource {
  /** The current state, newest incidents first. */
  snapshot(): DashboardState;
  /** Calls `listener` on every update until the returned function is called. */
  subscribe(listener: (e: DashboardEvent) => void): () => void;
}
