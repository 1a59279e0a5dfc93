// A bounded history of each machine's status (score and the few aggregate features it carries),
// kept server-side so a machine view opened late still has a trend to draw.
import type { DashboardSource, FleetMachine } from '../core/index.ts';

/** One point of a machine's trend: event time, anomaly score and aggregate features. */
export interface HistoryPoint {
  t: number;
  /** Wall clock when the cloud received this status, epoch ms (null when unknown): pairs the two clocks. */
  wallMs: number | null;
  score: number;
  features: Record<string, number>;
}

/** Points kept per machine: 600 status reports (at one a minute of event time, ten hours). */
export const HISTORY_POINTS = 600;

/** Machine key as the page uses it. */
export function machineKey(m: { site: string; line: string; machine: string }): string {
  return `${m.site}/${m.line}/${m.machine}`;
}

/** Per-machine ring of recent status points, fed by the source's status events. */
export class MachineHistory {
  private readonly series = new Map<string, HistoryPoint[]>();
  private readonly unsubscribe: () => void;

  constructor(source: DashboardSource, private readonly maxPoints = HISTORY_POINTS) {
    for (const m of source.snapshot().machines) this.add(m);
    this.unsubscribe = source.subscribe((e) => {
      if (e.type === 'status') this.add(e.machine);
    });
  }

  /** Records a machine's status unless it is older than the last point (repeats and reorders are dropped). */
  add(m: FleetMachine): void {
    if (!m.status) return;
    const k = machineKey(m);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = []));
    const last = s[s.length - 1];
    if (last && last.t >= m.status.ts) return;
    s.push({ t: m.status.ts, wallMs: m.lastSeenMs, score: m.status.score, features: m.status.features ?? {} });
    // Drop in chunks so a long run does not shift the array on every point.
    if (s.length > this.maxPoints * 1.25) s.splice(0, s.length - this.maxPoints);
  }

  /** The kept points of a machine, oldest first (empty when unknown). */
  get(key: string): HistoryPoint[] {
    return (this.series.get(key) ?? []).slice(-this.maxPoints);
  }

  /** Stops listening to the source. */
  close(): void {
    this.unsubscribe();
  }
}
