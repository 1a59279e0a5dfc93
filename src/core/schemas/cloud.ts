// What the cloud concludes: a diagnosis and a maintenance decision.
import { z } from 'zod';
import { Component, FaultType, MachineType } from '../vocabulary.ts';

/** Remaining useful life from a fitted degradation model (HI = a + b·e^(c·t), Gebraeel et al. 2005). */
export const RulEstimate = z.object({
  healthIndicator: z.number().describe('0 at the healthy baseline, 1 at the failure level'),
  feature: z.string().describe('the evidence feature the health indicator follows'),
  failureLevel: z.string().describe('where the failure level comes from'),
  medianDays: z.number().nonnegative(),
  p10Days: z.number().nonnegative(),
  p90Days: z.number().nonnegative(),
  failureAtMs: z.object({ p10: z.number(), p50: z.number(), p90: z.number() }).describe('predicted failure time quantiles, event time epoch ms'),
  readings: z.number().int().nonnegative(),
  prior: z.object({ source: z.enum(['fleet', 'default']), curves: z.number().int().nonnegative(), rateMeanPerDay: z.number() }),
  asOfMs: z.number(),
});
export type RulEstimate = z.infer<typeof RulEstimate>;

export const Diagnosis = z.object({
  v: z.literal(1),
  escalationId: z.string(),
  faultType: z.union([FaultType, z.literal('unknown')]),
  component: Component.nullable(),
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
  rul: RulEstimate.nullable().optional(),
  similarCases: z.number().int().nonnegative().optional().describe('confirmed past cases of the same pattern'),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** A maintenance decision that the enterprise systems carry out. */
export const MaintenanceRequest = z.object({
  v: z.literal(1),
  incidentId: z.string().min(1).max(200).describe('the escalation id; unique, doubles as idempotency key'),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  machineType: MachineType,
  faultType: z.union([FaultType, z.literal('unknown')]),
  component: Component.nullable().describe('null: inspect only, no part'),
  priority: z.enum(['low', 'medium', 'high', 'urgent']),
  dueBy: z.number().int().describe('event time by which the repair should be done, epoch ms'),
  detectedAt: z.number().int().describe('event time of the alarm, epoch ms'),
  explanation: z.string(),
  /** The cost trade-off behind the decision, when the cloud weighed one. */
  economics: z
    .object({
      option: z.enum(['next-window-standard', 'next-window-expedited', 'stop-when-part-arrives', 'run-to-failure']),
      repairAtMs: z.number().nullable(),
      failureProbBeforeRepair: z.number().min(0).max(1),
      expectedCostEur: z.number(),
    })
    .optional(),
});
export type MaintenanceRequest = z.infer<typeof MaintenanceRequest>;

/** What the enterprise created for a maintenance request. */
export const MaintenanceOutcome = z.object({
  incidentId: z.string(),
  notificationId: z.string(),
  purchaseOrderId: z.string().nullable(),
  materialId: z.string().nullable(),
  workOrderId: z.string(),
  movedProductionOrders: z.array(z.string()),
  created: z.boolean().describe('false when the request was a repeat of an earlier one'),
});
export type MaintenanceOutcome = z.infer<typeof MaintenanceOutcome>;

/**
 * The enterprise refused a maintenance request for good: it answered with a 4xx that no retry
 * can change (e.g. 422, no BOM position for the component, an unknown machine, a body that fails
 * validation). The cloud then decides the incident as refused with this reason instead of
 * retrying forever, so the edge gets its ack and the refusal is shown where incidents are.
 */
export const MaintenanceRefusal = z.object({
  v: z.literal(1),
  incidentId: z.string(),
  status: z.number().int().min(400).max(499).describe("the enterprise's HTTP status"),
  reason: z.string().max(2000).describe("the enterprise's reason, as it gave it"),
});
export type MaintenanceRefusal = z.infer<typeof MaintenanceRefusal>;
