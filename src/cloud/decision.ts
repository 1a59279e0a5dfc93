// From a diagnosis to a maintenance request: how urgent, by when, and which part. The request's
// incidentId is the escalation id, so the enterprise can recognise a repeat (idempotency key).
import type { Diagnosis, Escalation, MaintenanceRequest } from '../core/index.ts';
import { weighOptions, type DecisionEconomics, type EconomicsConfig } from './economics.ts';

const HOUR_MS = 3_600_000;

/**
 * Lead time from the alarm to the repair's due time, per diagnosed fault (event time, ms). An
 * outer-race spall found by envelope analysis is an early-stage defect that usually leaves days to
 * weeks before failure (Randall & Antoni, MSSP 2011); misalignment wears the coupling and bearings
 * over weeks. We take a conservative 72 h for both until the evaluation issue measures the
 * simulator's lead times, and the same for an unknown fault, which needs an inspection.
 */
export const LEAD_TIME_MS: Record<Diagnosis['faultType'], number> = {
  'bearing-outer-race': 72 * HOUR_MS,
  'bearing-inner-race': 72 * HOUR_MS,
  'bearing-rolling-element': 72 * HOUR_MS,
  imbalance: 72 * HOUR_MS,
  misalignment: 72 * HOUR_MS,
  looseness: 72 * HOUR_MS,
  // Cavitation erodes the impeller quickly and oil starvation overheats a bearing within hours to days.
  cavitation: 48 * HOUR_MS,
  'lubrication-loss': 24 * HOUR_MS,
  // Broken bars spread slowly to neighbours (months), but the heat around them can damage the
  // stator; a worn tool spoils parts now; pitted gear flanks progress over weeks (first cut, as above).
  'broken-rotor-bar': 72 * HOUR_MS,
  'tool-wear': 8 * HOUR_MS,
  'gear-tooth-wear': 72 * HOUR_MS,
  unknown: 72 * HOUR_MS,
};

/** A critical alarm means the edge already sees damage progressing: repair within a day whatever the fault. */
export const CRITICAL_LEAD_TIME_MS = 24 * HOUR_MS;

/** Confidence from which a named fault is treated as established rather than suspected (first cut). */
export const CONFIDENT = 0.7;

/**
 * Priority from the edge's severity and how sure the diagnosis is: a confident critical fault is
 * urgent; an unknown critical alarm is still high (someone must look); an unconfirmed warning is low.
 */
export function priorityOf(severity: Escalation['severity'], d: Pick<Diagnosis, 'faultType' | 'confidence'>): MaintenanceRequest['priority'] {
  const named = d.faultType !== 'unknown';
  if (severity === 'critical') return named && d.confidence >= CONFIDENT ? 'urgent' : 'high';
  if (!named) return 'low';
  return d.confidence >= CONFIDENT ? 'high' : 'medium';
}

/** Decides what maintenance an escalation needs, given its diagnosis. */
export function decide(esc: Escalation, diagnosis: Diagnosis): MaintenanceRequest {
  const leadMs = esc.severity === 'critical' ? Math.min(CRITICAL_LEAD_TIME_MS, LEAD_TIME_MS[diagnosis.faultType]) : LEAD_TIME_MS[diagnosis.faultType];
  return {
    v: 1,
    incidentId: esc.id,
    site: esc.site,
    line: esc.line,
    machine: esc.machine,
    machineType: esc.machineType,
    faultType: diagnosis.faultType,
    // An unknown fault names no part: the enterprise opens an inspection, not a purchase.
    component: diagnosis.faultType === 'unknown' ? null : diagnosis.component,
    priority: priorityOf(esc.severity, diagnosis),
    dueBy: esc.openedAt + leadMs,
    detectedAt: esc.openedAt,
    explanation: diagnosis.explanation,
  };
}

const PRIORITY_RANK: MaintenanceRequest['priority'][] = ['low', 'medium', 'high', 'urgent'];
const atLeast = (a: MaintenanceRequest['priority'], b: MaintenanceRequest['priority']) =>
  PRIORITY_RANK[Math.max(PRIORITY_RANK.indexOf(a), PRIORITY_RANK.indexOf(b))]!;

/** Risk of failing before the chosen repair from which the decision is urgent / high. */
export const URGENT_FAILURE_PROB = 0.3;
export const HIGH_FAILURE_PROB = 0.1;
/** Earliest dueBy after the alarm: a repair cannot be planned sooner than this. */
export const MIN_DUE_MS = 4 * HOUR_MS;

/** A decision with the remaining life and economics behind it. */
export interface EconomicDecision {
  request: MaintenanceRequest;
  economics: DecisionEconomics | null;
}

/**
 * Decides with the remaining-life estimate: the repair option is the cheapest in expectation
 * (economics.ts), the priority is raised (never lowered below priorityOf) by the risk of failing
 * before that repair, and dueBy is the predicted failure time's lower bound (the 10 % quantile):
 * the ERP/MES plan the downtime window before it. Without an estimate it is decide().
 */
export function decideWithRul(
  esc: Escalation,
  diagnosis: Diagnosis,
  rul: { failureAtMs: { p10: number }; failureProbWithinMs: (tMs: number) => number } | null,
  nowMs: number,
  economics: EconomicsConfig = {},
): EconomicDecision {
  const base = decide(esc, diagnosis);
  if (!rul || diagnosis.faultType === 'unknown') return { request: base, economics: null };
  const econ = weighOptions(base.component, rul.failureProbWithinMs, nowMs, economics);
  const p = econ.chosen.failureProbBeforeRepair;
  let priority = base.priority;
  if (econ.chosen.option === 'stop-when-part-arrives' || p >= URGENT_FAILURE_PROB) priority = atLeast(priority, 'urgent');
  else if (econ.chosen.option === 'next-window-expedited' || p >= HIGH_FAILURE_PROB) priority = atLeast(priority, 'high');
  const dueBy = Math.max(esc.openedAt + MIN_DUE_MS, Math.round(rul.failureAtMs.p10));
  return {
    request: { ...base, priority, dueBy, explanation: `${diagnosis.explanation} Decision: ${econ.summary}.` },
    economics: econ,
  };
}
