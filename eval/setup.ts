// One scenario and seed made concrete: the plant, its machine and sensor fault plan, the start
// time and the supplier catalogue. Every policy runs on the same setup, so they are comparable.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../src/core/index.ts';
import { OFFERS, type CatalogueSeed, type EnterpriseConfig } from '../src/enterprise/index.ts';
import {
  createSimulator, defaultPlant, loadPlantYaml, machinesFor, planFaults, planSensorFaults, SensorFaultRates, TIME_TO_FAILURE_MS,
  type FaultInjection, type PlantConfig, type SensorFaultInjection,
} from '../src/simulator/index.ts';
import type { Scenario } from './scenarios/scenario.ts';

const HOUR_MS = 3_600_000;

export interface EvalSetup {
  scenario: Scenario;
  seed: number;
  plant: PlantConfig;
  /** Set when the plant is defaultPlant({machines, sites}) (what startPipeline builds). */
  defaultPlant: { machines: number; sites: number } | null;
  machines: number;
  startMs: number;
  durationMs: number;
  faults: FaultInjection[];
  sensorFaults: SensorFaultInjection[];
  catalogue: CatalogueSeed;
  /** Enterprise planner settings every policy runs with. */
  enterpriseConfig: Partial<EnterpriseConfig>;
}

/**
 * The enterprise settings startPipeline uses (src/cli/pipeline.ts: one wear part per machine type
 * on the shelf at each site); the reactive and preventive runners use the same, so the policies
 * meet the same stores. Keep in step with the pipeline until it takes them as an option.
 */
export const EVAL_ENTERPRISE_CONFIG: Partial<EnterpriseConfig> = { wearPartsOnShelf: 1 };

/** A fixed Monday 00:00 UTC start, so shift calendars line up the same way in every run. */
export const EVAL_START_MS = Date.UTC(2026, 0, 5);

/** Builds the setup of `scenario` for `seed`; `plantFile` overrides the scenario's plant. */
export function buildSetup(scenario: Scenario, seed: number, opts: { plantFile?: string; durationHours?: number } = {}): EvalSetup {
  let plant: PlantConfig;
  let dflt: EvalSetup['defaultPlant'] = null;
  const file = opts.plantFile ?? ('file' in scenario.plant ? scenario.plant.file : undefined);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`plant: cannot read "${file}": ${(e as Error).message}`);
    }
    plant = loadPlantYaml(text);
  } else {
    const d = (scenario.plant as { default: { machines: number; sites: number } }).default;
    plant = defaultPlant(d);
    dflt = { machines: d.machines, sites: d.sites };
  }
  if (scenario.regimes) plant = { ...plant, regimes: { ...plant.regimes, ...scenario.regimes } };
  if (scenario.noise) plant = { ...plant, sampling: { ...plant.sampling, noiseFactor: scenario.noise.factor } };
  if (scenario.sensorFaults) plant = { ...plant, sensorFaults: SensorFaultRates.parse({ ...plant.sensorFaults, ...scenario.sensorFaults }) };
  const machines = plant.sites.reduce((s, site) => s + site.lines.reduce((t, l) => t + l.machines.length, 0), 0);
  const durationMs = (opts.durationHours ?? scenario.durationHours) * HOUR_MS;
  const startMs = EVAL_START_MS;
  // At most one fault per machine that can suffer one of the scenario's modes (all machines without modes).
  const eligible = scenario.faults.modes ? machinesFor(plant, scenario.faults.modes).length : machines;
  const count = Math.min(eligible, scenario.faults.count ?? Math.max(1, Math.round(machines / 4)));
  const faults = planFaults({ plant, seed, startMs, horizonMs: durationMs, count, minHealthyMs: Math.min(scenario.faults.minHealthyHours * HOUR_MS, durationMs / 2), modes: scenario.faults.modes });
  if (scenario.faults.secondFaultOnSameMachine && faults.length > 0) {
    // Same machine, same mode, starting a little after the first would have failed.
    const first = faults[0]!;
    const onsetMs = first.failureMs + 6 * HOUR_MS;
    faults.push({ ...first, onsetMs, failureMs: onsetMs + (TIME_TO_FAILURE_MS[0] + TIME_TO_FAILURE_MS[1]) / 2 });
  }
  // Sensor faults need the births (channels); a throwaway simulator gives them.
  const births = createSimulator({ plant, seed, startMs, faults: [] }).births;
  const sensorFaults = plant.sensorFaults.perMachinePerWeek > 0 ? planSensorFaults({ births, rates: plant.sensorFaults, seed, startMs, horizonMs: durationMs }) : [];
  const k = scenario.supplier.leadTimeFactor;
  const catalogue: CatalogueSeed =
    k === 1 ? {} : { offers: OFFERS.map((o) => ({ ...o, leadTimeHours: o.leadTimeHours * k, expediteLeadTimeHours: o.expediteLeadTimeHours === null ? null : o.expediteLeadTimeHours * k })) };
  return { scenario, seed, plant, defaultPlant: dflt, machines, startMs, durationMs, faults, sensorFaults, catalogue, enterpriseConfig: EVAL_ENTERPRISE_CONFIG };
}
