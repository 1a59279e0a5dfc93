// Remaining-useful-life error at the last evidence update before the fault ended (repaired, failed,
// or its scheduled failure), beside the error at first detection (rul.ts, unchanged): the issue
// asks for a remaining life "updated as new evidence arrives", so what matters as well is how good
// the estimate is when the last decision could still be changed. Same error definitions (rul.ts).
import type { Incident } from '../../src/core/index.ts';
import { scoreRul, type RulReport, type RulSample } from './rul.ts';

/** One detected fault: its truth and the incident its first alarm opened. */
export interface RulUpdateInput {
  truthId: string;
  incidentId: string;
  trueFailureMs: number;
  /** When the fault ended early, by repair or failure (null when it ran to the end of the run). */
  endedAtMs: number | null;
}

export interface RulUpdateReport extends RulReport {
  /** Detected faults whose incident had at least one update estimate before the fault ended. */
  withUpdates: number;
  /** Updates with an estimate per detected fault's incident (before the end), median. */
  updatesPerIncidentMedian: number | null;
}

/**
 * The last estimate from an evidence update (not the alarm's own) before the fault ended: scored
 * against the true failure time like the first-detection figure. Faults whose incident got no
 * update estimate in time count in `n` of neither report.
 */
export function scoreRulAtLastUpdate(items: readonly RulUpdateInput[], incidents: ReadonlyMap<string, Incident>): RulUpdateReport {
  const samples: RulSample[] = [];
  const counts: number[] = [];
  for (const it of items) {
    const inc = incidents.get(it.incidentId);
    const end = Math.min(it.endedAtMs ?? Infinity, it.trueFailureMs);
    const updates = (inc?.rulHistory ?? []).filter((p) => p.updateId !== it.incidentId && p.failureAtMs !== null && p.asOfMs < end);
    counts.push(updates.length);
    const last = updates.at(-1);
    if (last?.failureAtMs) samples.push({ truthId: it.truthId, atMs: last.asOfMs, predictedFailureMs: last.failureAtMs.p50, predictedP10Ms: last.failureAtMs.p10, predictedP90Ms: last.failureAtMs.p90, trueFailureMs: it.trueFailureMs });
  }
  const sorted = [...counts].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return {
    ...scoreRul(samples),
    withUpdates: samples.length,
    updatesPerIncidentMedian: sorted.length === 0 ? null : sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2,
  };
}
