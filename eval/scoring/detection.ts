// Event-wise detection scoring against the simulator's ground truth (issue 10). An incident
// counts once: several alarms on one fault are one detection (the rest are duplicates, neither
// hits nor false alarms), as in event-wise scoring of the NAB and SKAB changepoint protocols
// (Lavin & Ahmad 2015; Katser & Kozitsin 2020) rather than per-window counting, which would let
// one long fault dominate the figures.
import type { GroundTruthRecord } from '../../src/core/index.ts';

/** A maintenance alarm as the edge raised it. */
export interface ScoredAlarm {
  incidentId: string;
  machine: string;
  /** Event time the alarm was raised, epoch ms. */
  atMs: number;
}

/** A data-quality (sensor fault) event the edge raised. */
export interface ScoredQualityEvent {
  machine: string;
  channel: string;
  atMs: number;
}

export interface DetectionInput {
  truth: GroundTruthRecord[];
  alarms: ScoredAlarm[];
  qualityEvents?: ScoredQualityEvent[];
  /** Scored period, event time epoch ms: faults starting after endMs are not counted. */
  startMs: number;
  endMs: number;
  machines: number;
}

/** How one machine fault was (or was not) detected. */
export interface FaultOutcome {
  truthId: string;
  machine: string;
  fault: string;
  /** First alarm inside [onset, end of credit) of an incident opened at or after the onset, or null (missed). */
  firstAlarm: ScoredAlarm | null;
  /** Scheduled failure minus first alarm, hours (null when missed). */
  leadTimeHours: number | null;
  /** Lead time as a share of the detectable interval (failure − detectable), 0..1+ (null when missed or undefined). */
  leadShare: number | null;
}

export interface DetectionReport {
  faults: number;
  detected: number;
  /** Alarms that belong to no fault's credit window. */
  falseAlarms: number;
  /** Extra alarms on a fault already detected (not counted either way). */
  duplicateAlarms: number;
  /** Alarms raised after the machine failed (too late to prevent it; not hits, not false alarms). */
  lateAlarms: number;
  /** Maintenance alarms raised while a sensor fault was active on that machine (a subset of falseAlarms). */
  alarmsDuringSensorFaults: number;
  precision: number;
  recall: number;
  f1: number;
  leadTimeHours: number[];
  leadTimeMedianHours: number | null;
  leadShareMedian: number | null;
  falseAlarmsPerMachineMonth: number;
  sensorFaults: number;
  /** Sensor faults with at least one data-quality event on the same machine during them. */
  sensorFaultsFlagged: number;
  qualityEvents: number;
  outcomes: FaultOutcome[];
}

/** Mean Gregorian month, ms (365.2425 / 12 days). */
export const MONTH_MS = 30.436875 * 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * The credit window of a machine fault: from onset until the machine failed (an alarm after the
 * failure predicts nothing) or, if it never failed, until its repair or the end of the run.
 */
export function creditWindow(t: GroundTruthRecord, endMs: number): [number, number] {
  const stop = t.failedAtMs ?? t.repairedAtMs ?? Math.max(endMs, t.failureMs);
  return [t.onsetMs, stop];
}

/** Median of a list (null when empty). */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Scores alarms and data-quality events against ground truth. */
export function scoreDetection(input: DetectionInput): DetectionReport {
  const machineFaults = input.truth.filter((t) => t.kind === 'machine' && t.onsetMs < input.endMs);
  const sensorFaults = input.truth.filter((t) => t.kind === 'sensor' && t.onsetMs < input.endMs);
  const alarms = [...input.alarms].sort((a, b) => a.atMs - b.atMs);
  const used = new Set<ScoredAlarm>();
  // When each incident first raised: an incident the edge opened before a fault's onset and
  // reopened (same id) after it is the earlier false alarm coming back, not a detection of the
  // fault (seed 207 motor-002 opened 3.5 h before its outer race began, on temperature levels,
  // and its reopen was credited as the detection).
  const openedAt = new Map<string, number>();
  for (const a of alarms) if (!openedAt.has(a.incidentId)) openedAt.set(a.incidentId, a.atMs);
  let duplicateAlarms = 0;
  let lateAlarms = 0;

  const outcomes: FaultOutcome[] = machineFaults.map((t) => {
    const [from, to] = creditWindow(t, input.endMs);
    const mine = alarms.filter((a) => a.machine === t.machine && a.atMs >= from && a.atMs < to && openedAt.get(a.incidentId)! >= from && !used.has(a));
    mine.forEach((a) => used.add(a));
    duplicateAlarms += Math.max(0, mine.length - 1);
    const first = mine[0] ?? null;
    // Alarms between failure and repair are about this fault but too late.
    if (t.failedAtMs !== null) {
      const lateTo = t.repairedAtMs ?? Number.POSITIVE_INFINITY;
      for (const a of alarms) if (a.machine === t.machine && a.atMs >= t.failedAtMs && a.atMs <= lateTo && !used.has(a)) { used.add(a); lateAlarms++; }
    }
    const lead = first ? (t.failureMs - first.atMs) / HOUR_MS : null;
    const detectableSpan = t.detectableMs !== null ? t.failureMs - t.detectableMs : null;
    return {
      truthId: t.id,
      machine: t.machine,
      fault: t.fault,
      firstAlarm: first,
      leadTimeHours: lead,
      leadShare: first && detectableSpan && detectableSpan > 0 ? (t.failureMs - first.atMs) / detectableSpan : null,
    };
  });

  // A false incident also counts once: an alarm that clears and reopens under the same incident
  // id (the edge's suppression while an incident is open) is a duplicate, not a new false alarm.
  const unmatchedAll = alarms.filter((a) => !used.has(a) && a.atMs >= input.startMs && a.atMs <= input.endMs);
  const seenIncidents = new Set<string>();
  const unmatched = unmatchedAll.filter((a) => !seenIncidents.has(a.incidentId) && (seenIncidents.add(a.incidentId), true));
  duplicateAlarms += unmatchedAll.length - unmatched.length;
  const duringSensor = unmatched.filter((a) => sensorFaults.some((s) => s.machine === a.machine && a.atMs >= s.onsetMs && a.atMs <= s.failureMs)).length;
  const detected = outcomes.filter((o) => o.firstAlarm !== null).length;
  const tp = detected;
  const fp = unmatched.length;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = machineFaults.length > 0 ? tp / machineFaults.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const leads = outcomes.flatMap((o) => (o.leadTimeHours === null ? [] : [o.leadTimeHours]));
  const shares = outcomes.flatMap((o) => (o.leadShare === null ? [] : [o.leadShare]));
  const months = (input.machines * Math.max(0, input.endMs - input.startMs)) / MONTH_MS;
  const quality = input.qualityEvents ?? [];
  const flagged = sensorFaults.filter((s) => quality.some((q) => q.machine === s.machine && q.atMs >= s.onsetMs && q.atMs <= s.failureMs)).length;

  return {
    faults: machineFaults.length,
    detected,
    falseAlarms: fp,
    duplicateAlarms,
    lateAlarms,
    alarmsDuringSensorFaults: duringSensor,
    precision,
    recall,
    f1,
    leadTimeHours: leads,
    leadTimeMedianHours: median(leads),
    leadShareMedian: median(shares),
    falseAlarmsPerMachineMonth: months > 0 ? fp / months : 0,
    sensorFaults: sensorFaults.length,
    sensorFaultsFlagged: flagged,
    qualityEvents: quality.length,
    outcomes,
  };
}
