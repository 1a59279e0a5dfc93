import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError } from '../core/index.ts';
import { PlantConfig, loadPlantYaml } from './config.ts';
import { CONTINUOUS_REGIMES, TWO_SHIFT_REGIMES } from './regimes.ts';

const machines = [{ id: 'm1', type: 'fan' }];
/** A valid plant with regimes at all three levels and sensor-fault rates. */
const valid = () => ({
  regimes: { ...TWO_SHIFT_REGIMES, workdays: [...TWO_SHIFT_REGIMES.workdays], speedSetpoints: [...TWO_SHIFT_REGIMES.speedSetpoints] },
  sensorFaults: { perMachinePerWeek: 0.5, durationHours: [1, 8], kinds: ['dropout', 'drift'] },
  sites: [{ id: 's1', regimes: { workdays: [1, 2, 3, 4, 5, 6] }, lines: [{ id: 'l1', regimes: { speedSetpoints: [1, 0.9], setpointChangesPerShift: 1 }, machines }] }],
});

/** Every [path, value] of a leaf inside the regimes and sensorFaults sections. */
function leafPaths(): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else out.push(path);
  };
  const p = valid();
  walk(p.regimes, ['regimes']);
  walk(p.sensorFaults, ['sensorFaults']);
  walk(p.sites[0]!.regimes, ['sites', 0, 'regimes']);
  walk(p.sites[0]!.lines[0]!.regimes, ['sites', 0, 'lines', 0, 'regimes']);
  return out;
}

const badValue = fc.oneof(
  fc.constantFrom(-1, -0.5, 25, 99, 1e9, 0.1, 2, 7, 1.5, '', 'x', null, true, [], {}),
  fc.string({ maxLength: 4 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);

test('regimes config - a bad value in regimes or sensorFaults gives a ConfigError naming the field, or a valid plant', () => {
  const paths = leafPaths();
  fc.assert(
    fc.property(fc.nat(), badValue, (pick, value) => {
      const path = paths[pick % paths.length]!;
      const p = valid() as Record<string | number, unknown>;
      let node = p as Record<string | number, unknown>;
      for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
      node[path[path.length - 1]!] = value;
      try {
        const loaded = loadPlantYaml(stringify(p));
        assert.ok(PlantConfig.safeParse(loaded).success, 'what loads is valid');
      } catch (e) {
        assert.ok(e instanceof ConfigError, `threw ${(e as Error).name}`);
        // The issue names the field itself or its array (a tuple/refine error sits on the array).
        const field = path.join('.');
        const parent = path.slice(0, -1).join('.');
        assert.ok(e.message.includes(field) || e.message.includes(`${parent}:`) || e.message.includes(`${parent}.`), `setting ${field} = ${JSON.stringify(value)} gave "${e.message}"`);
      }
    }),
    { numRuns: 400 },
  );
});

test('regimes config - defaults: no regimes section runs around the clock at rated speed, no sensor faults', () => {
  const p = loadPlantYaml(stringify({ sites: [{ id: 's', lines: [{ id: 'l', machines }] }] }));
  assert.deepEqual(p.regimes, { ...CONTINUOUS_REGIMES, workdays: [...CONTINUOUS_REGIMES.workdays], speedSetpoints: [1] });
  assert.equal(p.sensorFaults.perMachinePerWeek, 0);
  assert.deepEqual(p.sensorFaults.kinds, ['dropout', 'stuck', 'drift', 'spike', 'loose-mount']);
  assert.ok(PlantConfig.safeParse(valid()).success, 'the full example is valid');
  assert.throws(() => loadPlantYaml(stringify({ ...valid(), sensorFaults: { durationHours: [5, 1] } })), (e: Error) => e instanceof ConfigError && e.message.includes('sensorFaults.durationHours'));
  assert.throws(() => loadPlantYaml(stringify({ ...valid(), regimes: { speedSetpoints: [] } })), (e: Error) => e instanceof ConfigError && e.message.includes('regimes.speedSetpoints'));
});

test('regimes config - the regimes example plant loads with its overrides', async () => {
  const { readFile } = await import('node:fs/promises');
  const p = loadPlantYaml(await readFile(new URL('./plant.regimes.example.yaml', import.meta.url), 'utf8'));
  assert.deepEqual(p.regimes.speedSetpoints, [1, 0.85]);
  assert.equal(p.sensorFaults.perMachinePerWeek, 0.5);
  assert.equal(p.sites[0]!.lines[1]!.regimes?.shiftEndHourUtc, 24);
});
