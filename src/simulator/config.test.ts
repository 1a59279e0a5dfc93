import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, MachineType } from '../core/index.ts';
import { PlantConfig, loadPlantYaml } from './config.ts';
import { defaultPlant } from './default-plant.ts';

const VALID_YAML = `
sites:
  - id: site-a
    lines:
      - id: line-1
        machines:
          - { id: pump-001, type: centrifugal-pump }
          - id: motor-002
            type: induction-motor
            ratedSpeedRpm: 1475
            bearing: { designation: "6309", rollingElements: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.39 }
`;

function throwsConfigError(text: string, field: RegExp): void {
  assert.throws(() => loadPlantYaml(text), (e: unknown) => e instanceof ConfigError && field.test(e.message), `expected a ConfigError naming ${field}`);
}

test('config - loadPlantYaml reads a valid plant and fills defaults', () => {
  const p = loadPlantYaml(VALID_YAML);
  assert.deepEqual(p.sampling, { vibrationRateHz: 10240, vibrationSamples: 4096, noiseFactor: 1 });
  assert.equal(p.sites[0]!.ambientMeanC, 22);
  assert.equal(p.sites[0]!.lines[0]!.machines[1]!.bearing?.contactAngleDeg, 0);
  assert.equal(p.sites[0]!.lines[0]!.machines[1]!.ratedSpeedRpm, 1475);
});

test('config - loadPlantYaml names the bad field', () => {
  throwsConfigError(VALID_YAML.replace('centrifugal-pump', 'turbine'), /sites\.0\.lines\.0\.machines\.0\.type/);
  throwsConfigError(VALID_YAML.replace('ratedSpeedRpm: 1475', 'ratedSpeedRpm: fast'), /machines\.1\.ratedSpeedRpm/);
  throwsConfigError(VALID_YAML.replace('rollingElements: 8', 'rollingElements: 2'), /machines\.1\.bearing\.rollingElements/);
  throwsConfigError(VALID_YAML.replace('motor-002', 'pump-001'), /machines\.1\.id: duplicate/);
  throwsConfigError(VALID_YAML.replace('id: site-a', 'id: site/a'), /sites\.0\.id/);
  throwsConfigError(`${VALID_YAML}sampling: { vibrationSamples: 1000 }\n`, /sampling\.vibrationSamples: must be a power of two/);
  throwsConfigError('sites: [ { id: x', /invalid YAML/);
  throwsConfigError('', /\(root\)/);
});

const validPlant = fc
  .array(fc.array(fc.array(fc.record({ type: fc.constantFrom(...MachineType.options), rpm: fc.option(fc.integer({ min: 300, max: 3600 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 })
  .map((sites) => {
    let n = 0;
    return {
      sites: sites.map((lines, si) => ({
        id: `site-${si}`,
        lines: lines.map((ms, li) => ({
          id: `line-${li}`,
          machines: ms.map((m) => ({ id: `m-${++n}`, type: m.type, ...(m.rpm === undefined ? {} : { ratedSpeedRpm: m.rpm }) })),
        })),
      })),
      sampling: { vibrationRateHz: 10240, vibrationSamples: 4096 },
    } as Record<string, unknown>;
  });

type Path = (string | number)[];

function pathsOf(v: unknown, prefix: Path = []): Path[] {
  if (v === null || typeof v !== 'object') return [prefix];
  const kids = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [prefix, ...kids.flatMap(([k, x]) => pathsOf(x, [...prefix, k]))];
}

function mutate(root: unknown, path: Path, op: 'set' | 'delete', value: unknown): unknown {
  if (path.length === 0) return op === 'set' ? value : undefined;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (op === 'set') node[last] = value;
  else if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return copy;
}

const badValue = fc.oneof(fc.jsonValue(), fc.constantFrom(-1, 0, 1e9, '', 'x/y', 'pump 1', null, true, [], {}, 4095, 65536));

test('config - any mutation of a valid plant gives a valid PlantConfig or a ConfigError naming the field', () => {
  fc.assert(
    fc.property(validPlant, fc.nat(), fc.constantFrom('set' as const, 'delete' as const), badValue, (plant, pick, op, value) => {
      const paths = pathsOf(plant);
      const path = paths[pick % paths.length]!;
      const mutated = mutate(plant, path, op, value);
      const text = mutated === undefined ? '' : stringify(mutated);
      let parsed: PlantConfig;
      try {
        parsed = loadPlantYaml(text);
      } catch (e) {
        assert.ok(e instanceof ConfigError, `threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
        // Set: the field itself (or inside it); delete: its parent, which lost a required member.
        // (At the root every field is inside the mutated one.)
        const named = (op === 'set' ? path : path.slice(0, -1)).join('.');
        const ok = named === '' || e.message.includes(`${named}.`) || e.message.includes(`${named}:`) || (path[path.length - 1] === 'id' && /duplicate/.test(e.message));
        assert.ok(ok, `mutating ${path.join('.')} (${op}) gave "${e.message}", which does not name ${named}`);
        return;
      }
      assert.ok(PlantConfig.safeParse(parsed).success, 'what loads is a valid PlantConfig');
    }),
    { numRuns: 300 },
  );
});

test('config - random edits of the YAML text never give anything but a PlantConfig or a ConfigError', () => {
  fc.assert(
    fc.property(fc.nat(), fc.nat({ max: 20 }), fc.string({ maxLength: 8 }), (pos, del, insert) => {
      const at = pos % VALID_YAML.length;
      const text = VALID_YAML.slice(0, at) + insert + VALID_YAML.slice(at + del);
      try {
        assert.ok(PlantConfig.safeParse(loadPlantYaml(text)).success);
      } catch (e) {
        assert.ok(e instanceof ConfigError, `threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      }
    }),
    { numRuns: 300 },
  );
});

test('config - defaultPlant spreads mixed machine types over sites and lines', () => {
  const p = defaultPlant({ machines: 10, sites: 3 });
  assert.deepEqual(p.sites.map((s) => s.id), ['site-a', 'site-b', 'site-c']);
  const ms = p.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
  assert.equal(ms.length, 10);
  assert.ok(ms.some((m) => m.id === 'pump-001' && m.type === 'centrifugal-pump'));
  assert.ok(ms.some((m) => m.id === 'motor-002' && m.type === 'induction-motor'));
  assert.ok(ms.some((m) => m.id === 'fan-003' && m.type === 'fan'));
  assert.equal(new Set(ms.map((m) => m.id)).size, 10);
  assert.ok(p.sites.every((s) => s.lines.every((l, i) => l.id === `line-${i + 1}`)));
  assert.ok(PlantConfig.safeParse(p).success);
  assert.equal(defaultPlant({ machines: 20 }).sites[0]!.lines.length, 5, 'four machines a line');
  assert.throws(() => defaultPlant({ machines: 2, sites: 3 }), ConfigError);
  assert.throws(() => defaultPlant({ machines: 0 }), ConfigError);
});

test('config - the example plant file loads', async () => {
  const { readFile } = await import('node:fs/promises');
  const p = loadPlantYaml(await readFile(new URL('./plant.example.yaml', import.meta.url), 'utf8'));
  assert.equal(p.sites.length, 2);
  assert.equal(p.sites[0]!.lines[0]!.machines[2]!.ratedSpeedRpm, 740);
  assert.equal(p.sites[1]!.ambientMeanC, 22);
});
