// The cloud's in-memory view of the fleet: each machine's last status and the newest incidents.
// It feeds the live dashboard; the database stays the record (incidents are reloaded at start).
import type { FleetMachine, Incident, MachineStatus, MachineType } from '../core/index.ts';

interface MachineEntry {
  site: string;
  line: string;
  machine: string;
  machineType: MachineType;
  status: MachineStatus | null;
  lastSeenMs: number | null;
  /** Event time of the newest non-alarm status: incidents opened before it are closed. */
  lastHealthyTs: number;
}

const keyOf = (a: { site: string; line: string; machine: string }): string => `${a.site}/${a.line}/${a.machine}`;

/** Machines and incidents in memory; incidents bounded to the newest `capacity`. */
export class FleetView {
  private readonly machinesByKey = new Map<string, MachineEntry>();
  private readonly incidentsById = new Map<string, Incident>();

  constructor(private readonly capacity = 500) {}

  /** Records a status (an older one than the last seen is ignored) and returns the machine's view. */
  applyStatus(s: MachineStatus, nowMs: number): FleetMachine {
    const e = this.entry(s);
    e.machineType = s.machineType;
    if (!e.status || s.ts >= e.status.ts) {
      e.status = s;
      e.lastSeenMs = nowMs;
    }
    if (s.state !== 'alarm') e.lastHealthyTs = Math.max(e.lastHealthyTs, s.ts);
    return this.view(e);
  }

  /** Adds or replaces an incident, keeping only the newest `capacity`; returns the machine's view. */
  upsertIncident(inc: Incident): FleetMachine {
    this.incidentsById.set(inc.escalation.id, inc);
    if (this.incidentsById.size > this.capacity) {
      const oldest = [...this.incidentsById.values()].sort((a, b) => a.receivedAtMs - b.receivedAtMs)[0];
      if (oldest) this.incidentsById.delete(oldest.escalation.id);
    }
    const e = this.entry({ ...inc.escalation });
    e.machineType = inc.escalation.machineType;
    return this.view(e);
  }

  /** The incident with this id, if still in memory. */
  incident(id: string): Incident | undefined {
    return this.incidentsById.get(id);
  }

  /** Every machine seen, by site, line and name. */
  machines(): FleetMachine[] {
    return [...this.machinesByKey.values()]
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
      .map((e) => this.view(e));
  }

  /** Incidents, newest first (by the alarm's event time, then arrival). */
  incidents(): Incident[] {
    return [...this.incidentsById.values()].sort(
      (a, b) => b.escalation.openedAt - a.escalation.openedAt || b.receivedAtMs - a.receivedAtMs,
    );
  }

  private entry(a: { site: string; line: string; machine: string; machineType: MachineType }): MachineEntry {
    const k = keyOf(a);
    let e = this.machinesByKey.get(k);
    if (!e) {
      e = { site: a.site, line: a.line, machine: a.machine, machineType: a.machineType, status: null, lastSeenMs: null, lastHealthyTs: -Infinity };
      this.machinesByKey.set(k, e);
    }
    return e;
  }

  private view(e: MachineEntry): FleetMachine {
    const k = keyOf(e);
    const openIncidents = [...this.incidentsById.values()]
      .filter((i) => keyOf(i.escalation) === k && i.escalation.openedAt > e.lastHealthyTs)
      .map((i) => i.escalation.id);
    return { site: e.site, line: e.line, machine: e.machine, machineType: e.machineType, status: e.status, lastSeenMs: e.lastSeenMs, openIncidents };
  }
}
