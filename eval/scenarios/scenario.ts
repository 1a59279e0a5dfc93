// A named evaluation scenario (eval/scenarios/*.yaml): which plant, how long, which faults, which
// stresses (regimes, sensor faults, supplier lead times, a link outage), and which seeds are for
// tuning and which for testing. Tuning seeds may be looked at while choosing thresholds; test
// seeds are only run to report figures (kept apart so reported figures are not tuned on).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues, FaultType } from '../../src/core/index.ts';
import { RegimeOverride, SensorFaultRates } from '../../src/simulator/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

export const Scenario = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string(),
  plant: z
    .union([
      z.object({ default: z.object({ machines: z.number().int().min(1).max(10_000), sites: z.number().int().min(1).max(100).default(1) }) }),
      z.object({ file: z.string().describe('plant YAML, relative to the repository root') }),
    ])
    .describe('defaultPlant({machines, sites}) or a plant YAML file'),
  durationHours: z.number().positive().max(24 * 90).describe('simulated duration, hours'),
  faults: z
    .object({
      count: z.number().int().min(0).optional().describe('machine faults on distinct machines; default a quarter of the machines'),
      minHealthyHours: z.number().min(0).default(6).describe('healthy time before any onset, hours (detectors learn the normal)'),
      secondFaultOnSameMachine: z.boolean().default(false).describe('add a second fault on the first faulty machine after its first would have failed'),
      modes: z.array(FaultType).min(1).optional().describe('draw only these fault modes (on machines that can suffer one): a study of one failure mode'),
    })
    .default({ minHealthyHours: 6, secondFaultOnSameMachine: false }),
  regimes: RegimeOverride.optional().describe('plant-level regime overrides (shifts, setpoints, product changes)'),
  sensorFaults: SensorFaultRates.partial().optional().describe('plant-level sensor fault rates'),
  supplier: z
    .object({ leadTimeFactor: z.number().min(0.1).max(20).default(1).describe('multiplies every supplier lead time (standard and expedite)') })
    .default({ leadTimeFactor: 1 }),
  linkOutage: z
    .object({ site: z.string(), startHours: z.number().min(0), durationHours: z.number().positive() })
    .optional()
    .describe("cuts one site's edge-to-cloud link for a while (the outbox must hold and drain)"),
  noise: z.object({ factor: z.number().min(0).max(20) }).optional().describe('sensor noise multiplier'),
  preventive: z
    .object({
      intervalHours: z.number().positive().default(24).describe('fixed maintenance interval per machine'),
      orderAheadHours: z.number().min(0).default(96).describe('how long before the due date the preventive order is raised (part lead time)'),
    })
    .default({ intervalHours: 24, orderAheadHours: 96 }),
  business: z
    .object({
      productionValuePerHourEur: z
        .number()
        .min(0)
        .default(500)
        .describe('value of one machine-hour of lost production; the enterprise weighs an hour past predicted failure at the same €500 (riskCentsPerHourLate)'),
    })
    .default({ productionValuePerHourEur: 500 }),
  seeds: z.object({ tuning: z.array(z.number().int()).min(1), testing: z.array(z.number().int()).min(1) }).refine(
    (s) => s.tuning.every((t) => !s.testing.includes(t)),
    'tuning and testing seeds must be disjoint',
  ),
  /** Knobs the scenario needs that the current code cannot honour (reported, never faked). */
  needs: z.array(z.string()).default([]),
});
export type Scenario = z.infer<typeof Scenario>;

/** Parses and validates scenario YAML; throws ConfigError naming the bad field. */
export function parseScenario(text: string, what = 'scenario'): Scenario {
  const r = Scenario.safeParse(parse(text));
  if (!r.success) throw new ConfigError(`${what}: ${describeIssues(r.error)}`, { cause: r.error });
  return r.data;
}

/** Names of the scenarios shipped in eval/scenarios/. */
export function scenarioNames(): string[] {
  return readdirSync(HERE).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** Loads a shipped scenario by name, or a scenario YAML by path. */
export function loadScenario(nameOrPath: string): Scenario {
  const path = nameOrPath.endsWith('.yaml') ? nameOrPath : join(HERE, `${nameOrPath}.yaml`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`--scenario: no scenario "${nameOrPath}" (shipped: ${scenarioNames().join(', ')})`);
  }
  return parseScenario(text, path);
}
