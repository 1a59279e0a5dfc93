import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, FaultType } from '../core/index.ts';
import { defaultPlant } from './default-plant.ts';
import { DEFAULT_MIN_HEALTHY_MS, FAULT_APPLIES_TO, SIMULATED_FAULTS, TIME_TO_FAILURE_MS, faultAppliesTo, faultCountForRate, planFaults } from './faults.ts';
import { loadPlantYaml } from './config.ts';

const START_MS = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;

test('faults - planFaults is deterministic per seed and differs between seeds', () => {
  const plant = defaultPlant({ machines: 12, sites: 2 });
  const opts = { plant, seed: 11, startMs: START_MS, horizonMs: 96 * HOUR_MS, count: 5 };
  const a = planFaults(opts);
  assert.deepEqual(planFaults(opts), a);
  assert.notDeepEqual(planFaults({ ...opts, seed: 12 }), a);
  assert.equal(a.length, 5);
});

test('faults - planFaults picks distinct machines and respects minHealthyMs, the horizon and 18-36 h to failure', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.integer(),
      fc.integer({ min: 24, max: 24 * 30 }),
      fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (machines, seed, horizonH, minHealthyH, countFrac) => {
        const plant = defaultPlant({ machines });
        const count = Math.round(countFrac * machines);
        const horizonMs = horizonH * HOUR_MS;
        const minHealthyMs = minHealthyH === undefined ? undefined : minHealthyH * HOUR_MS;
        const plan = planFaults({ plant, seed, startMs: START_MS, horizonMs, count, minHealthyMs });
        assert.equal(plan.length, count);
        assert.equal(new Set(plan.map((f) => f.machine)).size, count, 'distinct machines');
        const ids = new Set(plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.id))));
        for (const f of plan) {
          assert.ok(ids.has(f.machine));
          assert.ok(FaultType.options.includes(f.fault));
          assert.ok(f.onsetMs >= START_MS + (minHealthyMs ?? DEFAULT_MIN_HEALTHY_MS), 'healthy long enough first');
          assert.ok(f.onsetMs <= START_MS + 0.5 * horizonMs + 1, 'onset in the first half of the horizon');
          const ttf = f.failureMs - f.onsetMs;
          assert.ok(ttf >= TIME_TO_FAILURE_MS[0] && ttf <= TIME_TO_FAILURE_MS[1], `time to failure ${ttf / HOUR_MS} h`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('faults - planFaults uses every simulated fault type and spreads onsets', () => {
  // 200 machines: tool wear and tooth wear each have one type in five to land on.
  const plan = planFaults({ plant: defaultPlant({ machines: 200 }), seed: 3, startMs: START_MS, horizonMs: 96 * HOUR_MS, count: 200 });
  for (const t of SIMULATED_FAULTS) assert.ok(plan.some((f) => f.fault === t), `has ${t}`);
  assert.ok(plan.every((f) => SIMULATED_FAULTS.includes(f.fault)), 'only faults the simulator models');
  const onsets = plan.map((f) => f.onsetMs);
  assert.ok(Math.max(...onsets) - Math.min(...onsets) > 24 * HOUR_MS, 'onsets spread over the window');
});

test('faults - impossible plans are ConfigErrors', () => {
  const plant = defaultPlant({ machines: 3 });
  assert.throws(() => planFaults({ plant, seed: 1, startMs: START_MS, horizonMs: 96 * HOUR_MS, count: 4 }), ConfigError);
  assert.throws(() => planFaults({ plant, seed: 1, startMs: START_MS, horizonMs: 10 * HOUR_MS, count: 1 }), /minHealthyMs/);
});

test('faults - planFaults never puts a fault on a machine type it cannot occur on (no cavitation off pumps)', () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer({ min: 1, max: 24 }), (seed, machines) => {
      const plant = defaultPlant({ machines });
      const typeOf = new Map(plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => [m.id, m.type] as const))));
      const opts = { plant, seed, startMs: START_MS, horizonMs: 96 * HOUR_MS, count: machines };
      const plan = planFaults(opts);
      assert.deepEqual(planFaults(opts), plan, 'deterministic');
      for (const f of plan) {
        const type = typeOf.get(f.machine)!;
        assert.ok(faultAppliesTo(f.fault, type), `${f.fault} on ${type}`);
        if (f.fault === 'cavitation') assert.equal(type, 'centrifugal-pump');
      }
    }),
    { numRuns: 200 },
  );
});

test('faults - every fault mode applies to some machine type; cavitation only to pumps', () => {
  for (const f of FaultType.options) assert.ok(FAULT_APPLIES_TO[f].length > 0, f);
  assert.deepEqual(FAULT_APPLIES_TO.cavitation, ['centrifugal-pump']);
  assert.ok(!faultAppliesTo('cavitation', 'induction-motor') && !faultAppliesTo('cavitation', 'fan'));
  assert.ok(faultAppliesTo('bearing-inner-race', 'fan'));
  assert.deepEqual(FAULT_APPLIES_TO['tool-wear'], ['cnc-spindle']);
  assert.deepEqual(FAULT_APPLIES_TO['gear-tooth-wear'], ['gearbox']);
  assert.deepEqual(FAULT_APPLIES_TO['broken-rotor-bar'], ['induction-motor', 'fan']);
  assert.ok(!faultAppliesTo('misalignment', 'cnc-spindle'), 'a motorised spindle has no coupling');
});

test('faults - a plant file\'s machine-fault rate sets the planned count: rate × machines × weeks, at most one per machine', () => {
  const yaml = (rate: number) => `machineFaults: { perMachinePerWeek: ${rate} }\nsites:\n  - id: s\n    lines:\n      - id: l\n        machines:\n${Array.from({ length: 10 }, (_, i) => `          - { id: m-${i}, type: fan }`).join('\n')}\n`;
  const WEEK = 7 * 24 * 3_600_000;
  assert.equal(faultCountForRate(loadPlantYaml(yaml(0.2)), 2 * WEEK), 4);
  assert.equal(faultCountForRate(loadPlantYaml(yaml(0)), 2 * WEEK), 0);
  assert.equal(faultCountForRate(loadPlantYaml(yaml(7)), 4 * WEEK), 10, 'capped at one fault per machine');
  assert.throws(() => loadPlantYaml(yaml(-1)), /machineFaults\.perMachinePerWeek/);
});

test('faults - planFaults with modes draws only those modes, on machines that can suffer one', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.integer(),
      fc.uniqueArray(fc.constantFrom(...SIMULATED_FAULTS), { minLength: 1, maxLength: 3 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (machines, seed, modes, countFrac) => {
        const plant = defaultPlant({ machines });
        const all = plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines));
        const eligible = all.filter((m) => modes.some((f) => faultAppliesTo(f, m.type)));
        const count = Math.round(countFrac * eligible.length);
        const plan = planFaults({ plant, seed, startMs: START_MS, horizonMs: 72 * HOUR_MS, count, modes });
        assert.equal(plan.length, count);
        assert.equal(new Set(plan.map((f) => f.machine)).size, count, 'distinct machines');
        const typeOf = new Map(all.map((m) => [m.id, m.type]));
        for (const f of plan) {
          assert.ok(modes.includes(f.fault), `${f.fault} is not one of ${modes.join(', ')}`);
          assert.ok(faultAppliesTo(f.fault, typeOf.get(f.machine)!), `${f.fault} on a ${typeOf.get(f.machine)}`);
        }
      },
    ),
  );
});

test('faults - planFaults with every mode listed draws the plan it draws without modes (seeds keep their plans)', () => {
  const plant = defaultPlant({ machines: 12, sites: 2 });
  for (const seed of [1, 2, 3, 101, 205]) {
    const opts = { plant, seed, startMs: START_MS, horizonMs: 72 * HOUR_MS, count: 12 };
    assert.deepEqual(planFaults({ ...opts, modes: [...SIMULATED_FAULTS] }), planFaults(opts));
  }
});

test('faults - planFaults with modes refuses more faults than machines that can suffer them, and an empty list', () => {
  const plant = defaultPlant({ machines: 12, sites: 2 });
  const opts = { plant, seed: 1, startMs: START_MS, horizonMs: 72 * HOUR_MS };
  // 12 machines, five types in turn: two spindles, the only machines a cutter wears on.
  assert.equal(planFaults({ ...opts, count: 2, modes: ['tool-wear'] }).length, 2);
  assert.throws(() => planFaults({ ...opts, count: 3, modes: ['tool-wear'] }), (e: unknown) => e instanceof ConfigError && /2 that can suffer tool-wear/.test(e.message));
  assert.throws(() => planFaults({ ...opts, count: 1, modes: [] }), ConfigError);
});
