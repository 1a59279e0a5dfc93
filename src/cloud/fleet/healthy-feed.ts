// Which machine statuses count as healthy data for the fleet's models and priors. The edge sends
// each status with its window's features and regime; the cloud keeps a feature row only from a
// machine that is running normally, has no open incident, and has been out of trouble for a while:
// after an alarm clears the fault is often still there until the repair (hysteresis clears an
// alarm, not a bearing), and a model trained on those rows would learn the fault as normal.
import { z } from 'zod';
import type { DashboardEvent, FleetMachine, MachineType } from '../../core/index.ts';

export const HealthyFeedConfig = z.object({
  quarantineMs: z.number().nonnegative().default(24 * 3_600_000).describe('event time after a machine was last seen in alarm or with an open incident before its rows count again (ms)'),
  maxMachines: z.number().int().positive().default(10_000).describe('machines tracked (last status time, last trouble); the least recently seen is forgotten beyond this'),
});
export type HealthyFeedConfig = z.input<typeof HealthyFeedConfig>;

/** One healthy window's features, as the cloud received them in a status. */
export interface HealthyObservation {
  /** site/line/machine */
  key: string;
  site: string;
  machine: string;
  machineType: MachineType;
  /** The edge's regime key of the window (undefined from an edge that does not send it). */
  regime?: string;
  ts: number;
  features: Record<string, number>;
}

interface Seen {
  lastTs: number;
  troubleTs: number;
}

/** Filters status events down to healthy feature rows, each status once. */
export class HealthyFeed {
  private readonly cfg: z.infer<typeof HealthyFeedConfig>;
  private readonly seen = new Map<string, Seen>();

  constructor(config: HealthyFeedConfig = {}) {
    this.cfg = HealthyFeedConfig.parse(config);
  }

  /** The healthy row a status event carries, or undefined (not healthy, no features, or already seen). */
  take(m: FleetMachine): HealthyObservation | undefined {
    const s = m.status;
    if (!s) return undefined;
    const key = `${m.site}/${m.line}/${m.machine}`;
    let e = this.seen.get(key);
    if (e) this.seen.delete(key); // re-insert: Map order is then least recently seen first
    else e = { lastTs: -Infinity, troubleTs: -Infinity };
    this.seen.set(key, e);
    if (this.seen.size > this.cfg.maxMachines) this.seen.delete(this.seen.keys().next().value!);
    // FleetView hands back the newest status it holds: a late or repeated one is not counted twice.
    if (s.ts <= e.lastTs) return undefined;
    e.lastTs = s.ts;
    if (s.state === 'alarm' || m.openIncidents.length > 0) e.troubleTs = s.ts;
    if (s.state !== 'normal' || m.openIncidents.length > 0 || s.ts - e.troubleTs < this.cfg.quarantineMs) return undefined;
    if (!s.features) return undefined;
    const features: Record<string, number> = {};
    let n = 0;
    for (const [k, v] of Object.entries(s.features)) {
      if (Number.isFinite(v)) {
        features[k] = v;
        n++;
      }
    }
    if (n === 0) return undefined;
    return { key, site: m.site, machine: m.machine, machineType: m.machineType, regime: s.regime, ts: s.ts, features };
  }
}

/** What a component needs to follow the cloud's events (DiagnosisService satisfies it). */
export interface StatusSource {
  onEvent(listener: (e: DashboardEvent) => void): () => void;
}
