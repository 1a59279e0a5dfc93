// Evidence updates of open incidents (issue 5): while an incident stays open the edge sends the
// cloud fresh evidence at a bounded cadence of event time, and at once when its severity changes,
// so the remaining life is refitted on the fault's growth instead of staying the guess made at
// the alarm. No I/O here: the agent asks `due` on every window of a machine with an open incident
// and builds, seals and queues the update (lower outbox class than alarms: dropped first).
import { z } from 'zod';
import { incidentUpdateId, type Evidence, type FeatureTrend, type IncidentUpdate, type Severity } from '../core/index.ts';

const HOUR_MS = 3_600_000;

export const IncidentUpdateConfig = z.object({
  enabled: z.boolean().default(true).describe('send evidence updates of open incidents to the cloud'),
  // A fault's last stretch before failure can be a day (a bearing's P–F interval runs from weeks down
  // to hours once spalling spreads; ISO 13381-1 asks prognoses to be revised as the condition
  // changes): every 2 h gives ≥ 10 readings over such a day, while every 5-minute window would send
  // the same noise 288 times a day. The link cost is small beside the statuses (one per 10 windows
  // per machine): ~9 KB sealed per update, ~100 KB per open incident per day.
  everyMs: z.number().int().positive().default(2 * HOUR_MS).describe('event time between two updates of one open incident (machine time, not wall time)'),
  onSeverityChange: z.boolean().default(true).describe('send an update at once when an open incident turns critical'),
  maxPerIncident: z.number().int().positive().default(120).describe('updates one incident may send at most (a month at the default cadence): a bound on an incident nobody closes'),
});
export type IncidentUpdateConfig = z.input<typeof IncidentUpdateConfig>;

/** Why an update is due. */
export type UpdateReason = 'cadence' | 'severity';

/** Where the incident's escalation stands: updates go out only once the cloud has decided on it. */
export type EscalationState = 'pending' | 'acked' | 'refused';

interface Tracked {
  openedAtMs: number;
  escalation: EscalationState;
  /** Event time of the last evidence sent (the escalation's, then each update's). */
  lastTsMs: number;
  lastSeverity: Severity;
  sent: number;
  /** Healthy levels the escalation's history implied, for features its baseline lacked (see healthyFromHistory). */
  healthy: Evidence['baseline'];
}

export interface IncidentUpdates {
  /** An incident was escalated (first raise) at `openedAtMs` with `severity`; `escalation` carries its baseline and history. */
  opened(incidentId: string, openedAtMs: number, severity: Severity, escalation: Pick<Evidence, 'baseline' | 'trends'>): void;
  /** The escalation's fate: acked by the cloud (updates may flow), refused (none will), or still pending. */
  escalation(incidentId: string, state: EscalationState): void;
  /** The incident cleared: no more updates unless it reopens (`reopened`). Repairs end incidents this way. */
  closed(incidentId: string): void;
  /** The incident reopened (a flickering fault, the same incident): updates resume. */
  reopened(incidentId: string): void;
  /**
   * Whether an update is due for the open incident at window time `tsMs` with current `severity`;
   * when it is, the schedule moves on (the caller sends it, or counts its loss).
   */
  due(incidentId: string, tsMs: number, severity: Severity): { reason: UpdateReason; sinceMs: number } | null;
  /** Healthy levels to send beside an update's evidence (those the escalation's baseline did not have). */
  healthy(incidentId: string): Evidence['baseline'];
  /** Incidents tracked (open or waiting for a reopen). */
  readonly size: number;
}

/**
 * The same stand-in the cloud uses when a key feature has no learned baseline (rul/health-indicator.ts,
 * historyBaseline): median and MAD of the oldest quarter of its history, which began while healthy.
 * An update carries only recent points, so the edge sends this level with it, fixed at the alarm.
 */
export function healthyFromHistory(trends: Record<string, FeatureTrend> | undefined, baseline: Evidence['baseline']): Evidence['baseline'] {
  const out: Evidence['baseline'] = {};
  const med = (xs: number[]) => (xs.length % 2 ? xs[xs.length >> 1]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
  for (const [k, t] of Object.entries(trends ?? {})) {
    if (baseline[k] || t.levels.length < 8) continue;
    const early = t.levels.slice(0, Math.max(4, Math.floor(t.levels.length / 4))).sort((a, b) => a - b);
    const median = med(early);
    out[k] = { median, mad: med(early.map((x) => Math.abs(x - median)).sort((a, b) => a - b)) };
  }
  return out;
}

/**
 * The part of a history newer than `sinceMs` (points are relative to `atMs`, hours ≤ 0): what the
 * cloud has not seen. Older points were sent with the escalation or an earlier update, and their
 * readings are keyed by event time there; resending them merged into coarser points would count
 * the same windows twice at shifted times.
 */
export function trendsSince(trends: Record<string, FeatureTrend>, sinceMs: number, atMs: number): Record<string, FeatureTrend> {
  const cutH = (sinceMs - atMs) / HOUR_MS;
  const out: Record<string, FeatureTrend> = {};
  for (const [k, t] of Object.entries(trends)) {
    const keep: FeatureTrend = { tHours: [], levels: [], windows: [] };
    for (let i = 0; i < t.tHours.length; i++) {
      if (t.tHours[i]! <= cutH) continue;
      keep.tHours.push(t.tHours[i]!);
      keep.levels.push(t.levels[i]!);
      keep.windows.push(t.windows[i]!);
    }
    if (keep.levels.length > 0) out[k] = keep;
  }
  return out;
}

/** Creates the update schedule of one site's incidents. */
export function createIncidentUpdates(config: IncidentUpdateConfig = {}): IncidentUpdates {
  const cfg = IncidentUpdateConfig.parse(config);
  const open = new Map<string, Tracked>();
  const parked = new Map<string, Tracked>(); // cleared, may reopen within the alarm's rearm time
  const PARKED_MAX = 256; // a cleared incident that never reopens is forgotten, oldest first

  return {
    opened(incidentId, openedAtMs, severity, escalation) {
      if (!cfg.enabled) return;
      parked.delete(incidentId);
      open.set(incidentId, { openedAtMs, escalation: 'pending', lastTsMs: openedAtMs, lastSeverity: severity, sent: 0, healthy: healthyFromHistory(escalation.trends, escalation.baseline) });
    },
    escalation(incidentId, state) {
      const t = open.get(incidentId) ?? parked.get(incidentId);
      if (t && t.escalation !== 'refused') t.escalation = state;
    },
    closed(incidentId) {
      const t = open.get(incidentId);
      if (!t) return;
      open.delete(incidentId);
      parked.set(incidentId, t);
      if (parked.size > PARKED_MAX) parked.delete(parked.keys().next().value!);
    },
    reopened(incidentId) {
      const t = parked.get(incidentId);
      if (!t) return;
      parked.delete(incidentId);
      open.set(incidentId, t);
    },
    due(incidentId, tsMs, severity) {
      const t = open.get(incidentId);
      if (!t || t.escalation !== 'acked' || t.sent >= cfg.maxPerIncident || tsMs <= t.lastTsMs) return null;
      const reason: UpdateReason | null = cfg.onSeverityChange && severity !== t.lastSeverity ? 'severity' : tsMs - t.lastTsMs >= cfg.everyMs ? 'cadence' : null;
      if (!reason) return null;
      const sinceMs = t.lastTsMs;
      t.lastTsMs = tsMs;
      t.lastSeverity = severity;
      t.sent++;
      return { reason, sinceMs };
    },
    healthy: (incidentId) => open.get(incidentId)?.healthy ?? parked.get(incidentId)?.healthy ?? {},
    get size() {
      return open.size + parked.size;
    },
  };
}

/** Builds the update message for the window at `tsMs` (trends already cut to what is new). */
export function buildIncidentUpdate(p: {
  incidentId: string; site: string; line: string; machine: string; machineType: IncidentUpdate['machineType'];
  openedAtMs: number; tsMs: number; severity: Severity; score: number; evidence: Evidence; sentAtMs: number;
}): IncidentUpdate {
  return {
    v: 1, id: incidentUpdateId(p.incidentId, p.tsMs), incidentId: p.incidentId, site: p.site, line: p.line, machine: p.machine, machineType: p.machineType,
    openedAt: p.openedAtMs, ts: p.tsMs, severity: p.severity, score: p.score, evidence: p.evidence, sentAtMs: p.sentAtMs,
  };
}
