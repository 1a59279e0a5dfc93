// Types of timeline.js (the incident timeline, no DOM) for the TypeScript tests.
export const PRE_ALARM_SCORE: number;
export interface StatusPoint { t: number; wallMs?: number | null; score: number }
export interface Onset { kind: 'run' | 'truncated' | 'after'; t: number | null; wallMs: number | null; score: number | null; afterMs: number | null }
export function firstAnomalousWindow(points: StatusPoint[] | null | undefined, openedAtMs: number, level?: number): Onset | null;
export function clockPairs(points: StatusPoint[] | null | undefined): [number, number][];
export function otherClock(pairs: [number, number][], x: number | null, from: 0 | 1): number | null;
export interface TimelineStep {
  key: string; label: string; simMs: number | null; wallMs: number | null; detail: string;
  pending?: boolean; history?: { status: string; atMs: number }[]; id?: string | null;
  simEstimated: boolean; wallEstimated: boolean;
  simLatencyMs: number | null; wallLatencyMs: number | null; simLatencyEstimated: boolean; wallLatencyEstimated: boolean;
}
export function timelineSteps(incident: unknown, record: unknown, ctx?: { history?: StatusPoint[]; seen?: { diagnosis?: number }; level?: number }): TimelineStep[];
