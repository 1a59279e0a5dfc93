// Alarm hysteresis (ISA-18.2 style deadband and on/off delays): raise after `raiseAfter`
// consecutive windows at or above `high`, clear after `clearAfter` consecutive windows below
// `low`. A score wandering around one threshold therefore makes one incident, not a storm.
import { z } from 'zod';
import type { Severity } from '../core/index.ts';

export const AlarmConfig = z
  .object({
    high: z.number().positive().default(6).describe('score that counts towards raising (robust z units)'),
    low: z.number().nonnegative().default(4).describe('score below which a window counts towards clearing'),
    critical: z.number().positive().default(15).describe('peak score at or above which an incident is critical'),
    raiseAfter: z.number().int().min(1).default(3).describe('consecutive windows ≥ high to raise (on-delay)'),
    clearAfter: z.number().int().min(1).default(6).describe('consecutive windows < low to clear (off-delay)'),
    rearmMs: z
      .number()
      .nonnegative()
      .default(24 * 3_600_000)
      .describe('event time after a clear during which a new raise reopens the same incident (a degrading fault flickers; one incident until it is repaired)'),
  })
  .refine((c) => c.low <= c.high, 'low must not exceed high (the deadband would be inverted)');
export type AlarmConfig = z.input<typeof AlarmConfig>;

/** A change of alarm state, returned by `step`. Times are event times (window ts, epoch ms). */
export type AlarmTransition =
  | { kind: 'raised'; openedAtMs: number; severity: Severity; score: number; reopened: boolean }
  | { kind: 'cleared'; openedAtMs: number; closedAtMs: number; severity: Severity; peakScore: number; score: number };

/** The open incident, if any. */
export interface OpenIncident {
  openedAtMs: number;
  severity: Severity;
  peakScore: number;
}

export interface Alarm {
  /** Feeds one window's score; returns the transition it caused, or null. */
  step(score: number, tsMs: number): AlarmTransition | null;
  /** The open incident, or null when the alarm is clear. */
  incident(): OpenIncident | null;
  /** True while an incident is open or was cleared less than `rearmMs` before `tsMs`: the machine is suspect. */
  suspect(tsMs: number): boolean;
  /** Forgets a cleared incident so the next raise starts a new one (after a repair). */
  reset(): void;
}

/** Creates one machine's alarm state machine. */
export function createAlarm(config: AlarmConfig = {}): Alarm {
  const cfg = AlarmConfig.parse(config);
  const severityOf = (s: number): Severity => (s >= cfg.critical ? 'critical' : 'warning');
  let open: OpenIncident | null = null;
  let lastClosed: { incident: OpenIncident; closedAtMs: number } | null = null;
  let run = 0; // consecutive windows counting towards the next transition
  let runPeak = 0;

  return {
    incident: () => (open ? { ...open } : null),
    suspect: (tsMs) => open !== null || (lastClosed !== null && tsMs - lastClosed.closedAtMs < cfg.rearmMs),
    reset() {
      lastClosed = null;
    },
    step(score, tsMs) {
      const s = Number.isNaN(score) ? Infinity : score; // a broken score must not hide a fault
      if (!open) {
        if (s >= cfg.high) {
          run++;
          runPeak = Math.max(runPeak, s);
        } else {
          run = 0;
          runPeak = 0;
        }
        if (run < cfg.raiseAfter) return null;
        const reopened = lastClosed !== null && tsMs - lastClosed.closedAtMs < cfg.rearmMs;
        open = reopened
          ? { ...lastClosed!.incident, peakScore: Math.max(lastClosed!.incident.peakScore, runPeak) }
          : { openedAtMs: tsMs, severity: severityOf(runPeak), peakScore: runPeak };
        open.severity = severityOf(open.peakScore);
        lastClosed = null;
        run = 0;
        runPeak = 0;
        return { kind: 'raised', openedAtMs: open.openedAtMs, severity: open.severity, score, reopened };
      }
      open.peakScore = Math.max(open.peakScore, s);
      open.severity = severityOf(open.peakScore);
      run = s < cfg.low ? run + 1 : 0;
      if (run < cfg.clearAfter) return null;
      const closed = open;
      open = null;
      lastClosed = { incident: closed, closedAtMs: tsMs };
      run = 0;
      return { kind: 'cleared', openedAtMs: closed.openedAtMs, closedAtMs: tsMs, severity: closed.severity, peakScore: closed.peakScore, score };
    },
  };
}
