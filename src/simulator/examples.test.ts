import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { MachineType } from '../core/index.ts';
import { loadPlantYaml } from './config.ts';
import { defaultPlant } from './default-plant.ts';

const example = (name: string) => readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

test('examples - plant-small.yaml is the demo plant (12 machines over 2 sites)', async () => {
  assert.deepEqual(loadPlantYaml(await example('plant-small.yaml')), defaultPlant({ machines: 12, sites: 2 }));
});

test('examples - fleet-1000.yaml loads with at least 1,000 machines of every type over several sites', async () => {
  const p = loadPlantYaml(await example('fleet-1000.yaml'));
  const machines = p.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
  assert.ok(machines.length >= 1000, `${machines.length} machines`);
  assert.ok(p.sites.length >= 5, `${p.sites.length} sites`);
  assert.deepEqual(new Set(machines.map((m) => m.type)), new Set(MachineType.options));
  assert.equal(new Set(p.sites.map((s) => s.ambientMeanC)).size > 1, true, 'sites differ in hall temperature');
});
