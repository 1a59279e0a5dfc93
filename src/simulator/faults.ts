// Which machines fail, how, and when: a reproducible fault plan for a scenario.
import { ConfigError, FaultType, type MachineType } from '../core/index.ts';
import type { PlantConfig } from './config.ts';
import type { FaultInjection } from './ground-truth.ts';
import { createRng } from './rng.ts';

/** Default healthy time before any fault may start, ms: detectors first learn each machine's normal. */
export const DEFAULT_MIN_HEALTHY_MS = 6 * 3_600_000;

/**
 * Time from onset to failure, ms. Real P–F intervals of a bearing spall seen by vibration are
 * weeks to months (Moubray, Reliability-Centred Maintenance, 2nd ed., ch. 7); we compress them to
 * 18–36 h of simulated time so a scenario of a few days holds onset, alarm and failure, while
 * still giving >200 five-minute windows of degradation: long enough that detection lead time
 * is measurable and different detectors can be told apart, short enough to run in minutes.
 */
export const TIME_TO_FAILURE_MS: [number, number] = [18 * 3_600_000, 36 * 3_600_000];

/** The fault modes whose physics the simulator models (fault-signatures.ts); planFaults picks from these. */
export const SIMULATED_FAULTS: readonly FaultType[] = FaultType.options;

const ALL_TYPES: readonly MachineType[] = ['centrifugal-pump', 'induction-motor', 'fan', 'cnc-spindle', 'gearbox'];

/**
 * Machine types each fault mode can occur on: cavitation needs a liquid (pumps); a motorised
 * spindle has no coupling to misalign; broken rotor bars are seen in the phase current, which
 * motors and fans carry; tool wear needs a cutter (spindles) and tooth wear a gear (gearboxes).
 */
export const FAULT_APPLIES_TO: Record<FaultType, readonly MachineType[]> = {
  'bearing-outer-race': ALL_TYPES,
  'bearing-inner-race': ALL_TYPES,
  'bearing-rolling-element': ALL_TYPES,
  imbalance: ALL_TYPES,
  misalignment: ['centrifugal-pump', 'induction-motor', 'fan', 'gearbox'],
  looseness: ALL_TYPES,
  cavitation: ['centrifugal-pump'],
  'lubrication-loss': ALL_TYPES,
  'broken-rotor-bar': ['induction-motor', 'fan'],
  'tool-wear': ['cnc-spindle'],
  'gear-tooth-wear': ['gearbox'],
};

/** True when fault mode `fault` can occur on a machine of type `type`. */
export function faultAppliesTo(fault: FaultType, type: MachineType): boolean {
  return FAULT_APPLIES_TO[fault].includes(type);
}

/**
 * Machines of `plant` that can suffer at least one of `modes` (every machine when `modes` is
 * absent), in plant order: the machines planFaults draws from.
 */
export function machinesFor(plant: PlantConfig, modes?: readonly FaultType[]): { id: string; type: MachineType }[] {
  const machines = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
  return modes ? machines.filter((m) => modes.some((f) => faultAppliesTo(f, m.type))) : machines;
}

/**
 * Plans `count` faults on distinct machines, deterministic for a seed; onset in [start + minHealthy,
 * start + horizon/2]. `modes` narrows the draw to those fault modes (and so to the machines that can
 * suffer one): a study of one failure mode; without it every mode a machine's type can suffer is
 * drawn, and the plan is the one earlier versions drew for the seed.
 */
export function planFaults(opts: { plant: PlantConfig; seed: number; startMs: number; horizonMs: number; count: number; minHealthyMs?: number; modes?: readonly FaultType[] }): FaultInjection[] {
  const minHealthyMs = opts.minHealthyMs ?? DEFAULT_MIN_HEALTHY_MS;
  if (opts.modes && opts.modes.length === 0) throw new ConfigError('modes: expected at least one fault mode');
  const machines = machinesFor(opts.plant, opts.modes);
  const ids = machines.map((m) => m.id);
  const typeOf = new Map(machines.map((m) => [m.id, m.type]));
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new ConfigError(`count: expected an integer >= 0, got ${opts.count}`);
  if (opts.count > ids.length) {
    const which = opts.modes ? ` that can suffer ${opts.modes.join(' or ')}` : '';
    throw new ConfigError(`count: ${opts.count} faults need ${opts.count} machines, the plant has ${ids.length}${which}`);
  }
  const earliest = opts.startMs + minHealthyMs;
  const latest = opts.startMs + 0.5 * opts.horizonMs;
  if (opts.count > 0 && !(earliest <= latest)) throw new ConfigError(`minHealthyMs: ${minHealthyMs} ms leaves no onset window in the first half of horizonMs ${opts.horizonMs}`);
  const rng = createRng(opts.seed, 'fault-plan');
  // Partial Fisher–Yates: the first `count` positions become a uniform sample without replacement.
  for (let i = 0; i < opts.count; i++) {
    const j = i + rng.int(ids.length - i);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, opts.count).map((machine) => {
    const onsetMs = Math.round(rng.uniform(earliest, latest));
    // Only the modes this machine type can suffer, in SIMULATED_FAULTS order: deterministic per seed.
    const type = typeOf.get(machine)!;
    const types = SIMULATED_FAULTS.filter((f) => faultAppliesTo(f, type) && (!opts.modes || opts.modes.includes(f)));
    return {
      machine,
      fault: types[rng.int(types.length)]!,
      onsetMs,
      failureMs: onsetMs + Math.round(rng.uniform(...TIME_TO_FAILURE_MS)),
    };
  });
}

/**
 * Faults a run of `horizonMs` should plan for a plant's configured rate: the expected count
 * (rate × machines × weeks), rounded, at most one per machine. Deterministic, so a plant file
 * and a duration fix the count; planFaults then draws the machines, modes and times per seed.
 */
export function faultCountForRate(plant: PlantConfig, horizonMs: number): number {
  const machines = plant.sites.reduce((n, s) => n + s.lines.reduce((m, l) => m + l.machines.length, 0), 0);
  const expected = (plant.machineFaults?.perMachinePerWeek ?? 0) * machines * (horizonMs / (7 * 24 * 3_600_000));
  return Math.min(machines, Math.round(expected));
}
