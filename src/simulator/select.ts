// A plant cut down to chosen machines. Each machine's physics draws from its own random streams
// (seed, machine id), so a machine behaves identically with or without its neighbours.
import { ConfigError } from '../core/index.ts';
import type { PlantConfig } from './config.ts';

/** Keeps only the machines named (dropping empty lines and sites); ConfigError naming an unknown id. */
export function selectMachines(plant: PlantConfig, ids: readonly string[]): PlantConfig {
  const want = new Set(ids);
  const known = new Set(plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.id))));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) throw new ConfigError(`--only: unknown machine(s) ${unknown.join(', ')}`);
  if (want.size === 0) throw new ConfigError('--only: no machines named');
  const sites = plant.sites
    .map((s) => ({ ...s, lines: s.lines.map((l) => ({ ...l, machines: l.machines.filter((m) => want.has(m.id)) })).filter((l) => l.machines.length > 0) }))
    .filter((s) => s.lines.length > 0);
  return { ...plant, sites };
}
