import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devSetup, HELD_OUT_SEEDS, isHeldOut, parseModes, refuseHeldOut } from './dev-run.ts';
import { loadScenario } from '../scenarios/scenario.ts';

test('dev runs - the testing seeds and the fresh-check range are held out of development, the tuning seeds are not', () => {
  for (const s of loadScenario('baseline').seeds.testing) assert.ok(isHeldOut(s), `testing seed ${s}`);
  for (const s of [...HELD_OUT_SEEDS.flatMap((r) => [r.from, r.to]), 131, 140, 550]) assert.ok(isHeldOut(s), `fresh-check seed ${s}`);
  for (const s of [...loadScenario('baseline').seeds.tuning, 200, 300, 431, 499, 600, 99]) assert.ok(!isHeldOut(s), `development seed ${s}`);
  assert.throws(() => refuseHeldOut([1, 512]), /seed 512 is held out \(testing and fresh checks 101-199, 500-599\)/);
  assert.throws(() => refuseHeldOut([1, 2, 135]), /seed 135 is held out/);
  assert.doesNotThrow(() => refuseHeldOut([1, 2, 300]));
});

test('dev runs - --modes narrows a dev seed to those fault modes; an unknown mode is named', () => {
  const setup = devSetup(1, 12, 72, parseModes('tool-wear'));
  assert.equal(setup.faults.length, 2, 'the 12-machine plant has two spindles');
  for (const f of setup.faults) assert.equal(f.fault, 'tool-wear');
  assert.ok(devSetup(1, 12, 72).faults.some((f) => f.fault !== 'tool-wear'));
  assert.throws(() => parseModes('tool-wear,bent-shaft'), /unknown fault mode 'bent-shaft'/);
  assert.throws(() => devSetup(135, 12, 72), /seed 135 is held out/);
});

test('dev runs - a scenario may narrow its faults to modes; an unknown mode is a ConfigError naming the field', async () => {
  const { parseScenario } = await import('../scenarios/scenario.ts');
  const { buildSetup } = await import('../setup.ts');
  const yaml = (modes: string) => `name: study\ndescription: x\nplant: { default: { machines: 12, sites: 2 } }\ndurationHours: 72\nfaults: { count: 5, modes: ${modes} }\nseeds: { tuning: [1], testing: [101] }\n`;
  const s = parseScenario(yaml('[tool-wear, gear-tooth-wear]'));
  // Two spindles and two gearboxes can suffer them: five asked, four planned.
  const faults = buildSetup(s, 1).faults;
  assert.equal(faults.length, 4);
  assert.ok(faults.every((f) => f.fault === 'tool-wear' || f.fault === 'gear-tooth-wear'));
  assert.throws(() => parseScenario(yaml('[bent-shaft]')), (e: unknown) => e instanceof Error && e.name === 'ConfigError' && /faults\.modes/.test(e.message));
});
