// The plant simulator: a set of machine models on one simulated clock (event time), run under the
// plant's operating regimes, with sensor faults corrupting what is published, ground truth for
// every injection, breakdowns reported as plant events, and downtime accounted per machine.
import { ConfigError, FaultType, SensorFaultType, describeIssues, type GroundTruthRecord, type MachineBirth, type PlantEvent, type TelemetryWindow } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { faultAppliesTo } from './faults.ts';
import { sensorFaultTruth, type FaultInjection } from './ground-truth.ts';
import { MachineModel } from './machine.ts';
import { operatingPointAt, resolveRegime, type RegimeConfig } from './regimes.ts';
import { sensorFaultAppliesTo, type SensorFaultInjection } from './sensor-fault-plan.ts';
import { createSensorFaultApplier } from './sensor-faults.ts';
import { createSensorNoise } from './sensor-noise.ts';

/** Default simulated time between windows, ms: a condition-monitoring snapshot every 5 minutes. */
export const DEFAULT_WINDOW_INTERVAL_MS = 5 * 60_000;

/** Downtime of one machine so far, ms: planned (locked out for maintenance) and unplanned (broken down). */
export interface MachineDowntime {
  plannedMs: number;
  unplannedMs: number;
}

export interface Simulator {
  /** One birth certificate per machine. */
  readonly births: MachineBirth[];
  /** Simulated clock, event time (epoch ms): the timestamp of the latest windows. */
  readonly nowMs: number;
  /** Simulated time `step()` advances the clock by, ms. */
  readonly windowIntervalMs: number;
  /** Advances the clock by windowIntervalMs and returns one window per machine not broken down or locked out. */
  step(): TelemetryWindow[];
  /** Ends the machine's acting fault now (health resets) and restarts it if it had failed or was locked out. */
  repair(machine: string): void;
  /** Planned downtime starts now: the machine is locked out and publishes nothing until repair(). */
  stopForMaintenance(machine: string): void;
  /** Every injection (machine and sensor faults) and its fate so far (copies). */
  groundTruth(): GroundTruthRecord[];
  /** Plant events (breakdowns) queued since the last call, oldest first; the queue is emptied. */
  takeEvents(): PlantEvent[];
  /** Planned and unplanned downtime per machine id so far. */
  downtime(): Record<string, MachineDowntime>;
}

export interface SimulatorConfig {
  plant: PlantConfig;
  seed: number;
  startMs: number;
  windowIntervalMs?: number;
  faults: FaultInjection[];
  /** Sensor faults corrupting published windows (see planSensorFaults); default none. */
  sensorFaults?: SensorFaultInjection[];
}

interface Unit {
  model: MachineModel;
  regime: RegimeConfig;
  lineKey: string;
  /** Ongoing downtime: since when and which kind, or null while available. */
  down: { sinceMs: number; planned: boolean } | null;
  plannedMs: number;
  unplannedMs: number;
}

/** Creates a deterministic simulator: the same config and seed give the same windows. */
export function createSimulator(cfg: SimulatorConfig): Simulator {
  const parsed = PlantConfig.safeParse(cfg.plant);
  if (!parsed.success) throw new ConfigError(`plant: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  const plant = parsed.data;
  const intervalMs = cfg.windowIntervalMs ?? DEFAULT_WINDOW_INTERVAL_MS;
  if (!(intervalMs > 0)) throw new ConfigError(`windowIntervalMs: expected > 0, got ${intervalMs}`);
  if (!Number.isFinite(cfg.startMs)) throw new ConfigError(`startMs: expected a number, got ${cfg.startMs}`);
  const units = new Map<string, Unit>();
  for (const site of plant.sites)
    for (const line of site.lines) {
      const regime = resolveRegime(plant.regimes, site.regimes, line.regimes);
      for (const config of line.machines) {
        const model = new MachineModel({ site: site.id, line: line.id, ambientMeanC: site.ambientMeanC, config, sampling: plant.sampling }, cfg.seed, cfg.startMs);
        units.set(config.id, { model, regime, lineKey: `${site.id}/${line.id}`, down: null, plannedMs: 0, unplannedMs: 0 });
      }
    }
  const truth: GroundTruthRecord[] = cfg.faults.map((f, i) => {
    const m = units.get(f.machine)?.model;
    if (!m) throw new ConfigError(`faults.${i}.machine: unknown machine "${f.machine}"`);
    if (!FaultType.safeParse(f.fault).success) throw new ConfigError(`faults.${i}.fault: unknown fault "${f.fault}"`);
    if (!faultAppliesTo(f.fault, m.birth.machineType)) throw new ConfigError(`faults.${i}.fault: "${f.fault}" cannot occur on a ${m.birth.machineType}`);
    if (!(f.failureMs > f.onsetMs)) throw new ConfigError(`faults.${i}.failureMs: must be after onsetMs`);
    return m.inject(f);
  });
  const sensorFaults = cfg.sensorFaults ?? [];
  sensorFaults.forEach((f, i) => {
    const b = units.get(f.machine)?.model.birth;
    if (!b) throw new ConfigError(`sensorFaults.${i}.machine: unknown machine "${f.machine}"`);
    if (!SensorFaultType.safeParse(f.kind).success) throw new ConfigError(`sensorFaults.${i}.kind: unknown sensor fault "${f.kind}"`);
    const sensor = b.sensors.find((s) => s.channel === f.channel);
    if (!sensor) throw new ConfigError(`sensorFaults.${i}.channel: ${f.machine} has no channel "${f.channel}"`);
    if (!sensorFaultAppliesTo(f.kind, sensor)) throw new ConfigError(`sensorFaults.${i}.kind: "${f.kind}" cannot affect the ${sensor.kind} channel ${f.channel}`);
    if (!(f.endMs > f.onsetMs)) throw new ConfigError(`sensorFaults.${i}.endMs: must be after onsetMs`);
    truth.push(sensorFaultTruth(f, { site: b.site, line: b.line, machineType: b.machineType }));
  });
  const corrupt = createSensorFaultApplier(sensorFaults, cfg.seed);
  const noise = createSensorNoise(plant.sampling.noiseFactor, cfg.seed);
  const events: PlantEvent[] = [];
  let nowMs = cfg.startMs;
  const list = [...units.values()];

  const unitOf = (machine: string, what: string): Unit => {
    const u = units.get(machine);
    if (!u) throw new ConfigError(`${what}: unknown machine "${machine}"`);
    return u;
  };
  const endDowntime = (u: Unit): void => {
    if (!u.down) return;
    const ms = Math.max(0, nowMs - u.down.sinceMs);
    if (u.down.planned) u.plannedMs += ms;
    else u.unplannedMs += ms;
    u.down = null;
  };

  return {
    births: list.map((u) => u.model.birth),
    get nowMs() {
      return nowMs;
    },
    windowIntervalMs: intervalMs,
    step() {
      nowMs += intervalMs;
      const out: TelemetryWindow[] = [];
      for (const u of list) {
        const m = u.model;
        const wasFailed = m.failedAtMs !== null;
        const w = m.windowAt(nowMs, operatingPointAt(u.regime, cfg.seed, u.lineKey, nowMs));
        if (!wasFailed && m.failedAtMs !== null) {
          // Functional failure: unplanned downtime starts at the failure, the enterprise must hear of it.
          const atMs = m.failedAtMs;
          if (u.down?.planned) endDowntime(u);
          if (!u.down) u.down = { sinceMs: atMs, planned: false };
          events.push({ id: `breakdown/${m.id}/${atMs}`, kind: 'breakdown', machine: m.id, atMs });
        }
        if (!w) continue;
        const c = corrupt.apply(noise ? noise.apply(w, m.birth.machineType) : w);
        if (c) out.push(c);
      }
      return out;
    },
    repair(machine) {
      const u = unitOf(machine, 'repair');
      endDowntime(u);
      u.model.repair(nowMs);
    },
    stopForMaintenance(machine) {
      const u = unitOf(machine, 'stopForMaintenance');
      u.model.lockOut();
      // A machine already broken down stays in unplanned downtime until repaired.
      if (!u.down) u.down = { sinceMs: nowMs, planned: true };
    },
    groundTruth: () => truth.map((t) => ({ ...t })),
    takeEvents: () => events.splice(0, events.length),
    downtime() {
      const out: Record<string, MachineDowntime> = {};
      for (const u of list) {
        const open = u.down ? Math.max(0, nowMs - u.down.sinceMs) : 0;
        out[u.model.id] = { plannedMs: u.plannedMs + (u.down?.planned ? open : 0), unplannedMs: u.unplannedMs + (u.down && !u.down.planned ? open : 0) };
      }
      return out;
    },
  };
}
