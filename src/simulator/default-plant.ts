// A ready-made plant for demos and benchmarks: N machines of mixed types over S sites.
import type { z } from 'zod';
import { ConfigError, MachineType } from '../core/index.ts';
import { PlantConfig, type MachineConfig } from './config.ts';
import { MACHINE_TYPES } from './machine-types.ts';

type RegimeInput = z.input<typeof PlantConfig>['regimes'];
type SensorFaultRatesInput = z.input<typeof PlantConfig>['sensorFaults'];

/** Machines per production line in the default plant. */
const MACHINES_PER_LINE = 4;

function siteName(i: number): string {
  return i < 26 ? `site-${String.fromCharCode(97 + i)}` : `site-${i + 1}`;
}

/** Builds a plant of `machines` machines (pump, motor, fan, CNC spindle, gearbox in turn) spread round-robin over `sites` sites. */
export function defaultPlant(opts: { machines: number; sites?: number; regimes?: RegimeInput; sensorFaults?: SensorFaultRatesInput }): PlantConfig {
  const sites = opts.sites ?? 1;
  if (!Number.isInteger(opts.machines) || opts.machines < 1) throw new ConfigError(`machines: expected an integer >= 1, got ${opts.machines}`);
  if (!Number.isInteger(sites) || sites < 1 || sites > opts.machines) throw new ConfigError(`sites: expected an integer in 1..machines, got ${sites}`);
  const types = MachineType.options;
  const perSite: MachineConfig[][] = Array.from({ length: sites }, () => []);
  for (let i = 0; i < opts.machines; i++) {
    const type = types[i % types.length]!;
    const id = `${MACHINE_TYPES[type].prefix}-${String(i + 1).padStart(3, '0')}`;
    perSite[i % sites]!.push({ id, type });
  }
  return PlantConfig.parse({
    ...(opts.regimes ? { regimes: opts.regimes } : {}),
    ...(opts.sensorFaults ? { sensorFaults: opts.sensorFaults } : {}),
    sites: perSite.map((ms, si) => ({
      id: siteName(si),
      lines: Array.from({ length: Math.ceil(ms.length / MACHINES_PER_LINE) }, (_, li) => ({
        id: `line-${li + 1}`,
        machines: ms.slice(li * MACHINES_PER_LINE, (li + 1) * MACHINES_PER_LINE),
      })),
    })),
  });
}
