// The plant simulator: a set of machine models on one simulated clock (event time).
import { ConfigError, FaultType, describeIssues, type MachineBirth, type TelemetryWindow } from '../core/index.ts';
import { PlantConfig } from './config.ts';
import { faultAppliesTo } from './faults.ts';
import type { FaultInjection, GroundTruth } from './ground-truth.ts';
import { MachineModel } from './machine.ts';

/** Default simulated time between windows, ms: a condition-monitoring snapshot every 5 minutes. */
export const DEFAULT_WINDOW_INTERVAL_MS = 5 * 60_000;

export interface Simulator {
  /** One birth certificate per machine. */
  readonly births: MachineBirth[];
  /** Simulated clock, event time (epoch ms): the timestamp of the latest windows. */
  readonly nowMs: number;
  /** Simulated time `step()` advances the clock by, ms. */
  readonly windowIntervalMs: number;
  /** Advances the clock by windowIntervalMs and returns one window per machine still running. */
  step(): TelemetryWindow[];
  /** Ends the machine's acting fault now (health resets) and restarts it if it had failed. */
  repair(machine: string): void;
  /** Every injected fault and its fate so far (copies). */
  groundTruth(): GroundTruth[];
}

export interface SimulatorConfig {
  plant: PlantConfig;
  seed: number;
  startMs: number;
  windowIntervalMs?: number;
  faults: FaultInjection[];
}

/** Creates a deterministic simulator: the same config and seed give the same windows. */
export function createSimulator(cfg: SimulatorConfig): Simulator {
  const parsed = PlantConfig.safeParse(cfg.plant);
  if (!parsed.success) throw new ConfigError(`plant: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  const plant = parsed.data;
  const intervalMs = cfg.windowIntervalMs ?? DEFAULT_WINDOW_INTERVAL_MS;
  if (!(intervalMs > 0)) throw new ConfigError(`windowIntervalMs: expected > 0, got ${intervalMs}`);
  if (!Number.isFinite(cfg.startMs)) throw new ConfigError(`startMs: expected a number, got ${cfg.startMs}`);
  const machines = new Map<string, MachineModel>();
  for (const site of plant.sites)
    for (const line of site.lines)
      for (const config of line.machines)
        machines.set(config.id, new MachineModel({ site: site.id, line: line.id, ambientMeanC: site.ambientMeanC, config, sampling: plant.sampling }, cfg.seed, cfg.startMs));
  const truth: GroundTruth[] = cfg.faults.map((f, i) => {
    const m = machines.get(f.machine);
    if (!m) throw new ConfigError(`faults.${i}.machine: unknown machine "${f.machine}"`);
    if (!FaultType.safeParse(f.fault).success) throw new ConfigError(`faults.${i}.fault: unknown fault "${f.fault}"`);
    if (!faultAppliesTo(f.fault, m.birth.machineType)) throw new ConfigError(`faults.${i}.fault: "${f.fault}" cannot occur on a ${m.birth.machineType}`);
    if (!(f.failureMs > f.onsetMs)) throw new ConfigError(`faults.${i}.failureMs: must be after onsetMs`);
    return m.inject(f);
  });
  let nowMs = cfg.startMs;
  const models = [...machines.values()];
  return {
    births: models.map((m) => m.birth),
    get nowMs() {
      return nowMs;
    },
    windowIntervalMs: intervalMs,
    step() {
      nowMs += intervalMs;
      const out: TelemetryWindow[] = [];
      for (const m of models) {
        const w = m.windowAt(nowMs);
        if (w) out.push(w);
      }
      return out;
    },
    repair(machine) {
      const m = machines.get(machine);
      if (!m) throw new ConfigError(`repair: unknown machine "${machine}"`);
      m.repair(nowMs);
    },
    groundTruth: () => truth.map((t) => ({ ...t })),
  };
}
