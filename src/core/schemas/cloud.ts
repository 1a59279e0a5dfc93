// What the cloud concludes: a diagnosis and a maintenance decision.
import { z } from 'zod';
import { Component, FaultType, MachineType } from '../vocabulary.ts';

export const Diagnosis = z.object({
  v: z.literal(1),
  escalationId: z.string(),
  faultType: z.union([FaultType, z.literal('unknown')]),
  component: Component.nullable(),
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
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
