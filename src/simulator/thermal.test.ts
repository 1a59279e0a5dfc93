import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEARING_TAU_MS, bearingDriveC, thermalStep } from './thermal.ts';
import { ambientC } from './operating.ts';

test('thermal - a step in drive reaches ~63% within one time constant, in one step or many', () => {
  const fromC = 30;
  const toC = 60;
  const one = thermalStep(fromC, toC, BEARING_TAU_MS);
  assert.ok(Math.abs((one - fromC) / (toC - fromC) - (1 - Math.exp(-1))) < 1e-9, `one step: ${one}`);
  // Five-minute simulator windows must give the same curve (exact discretisation).
  let t = fromC;
  const stepMs = 5 * 60_000;
  for (let elapsed = 0; elapsed < BEARING_TAU_MS; elapsed += stepMs) t = thermalStep(t, toC, stepMs);
  const frac = (t - fromC) / (toC - fromC);
  assert.ok(frac > 0.62 && frac < 0.64, `after tau: ${(frac * 100).toFixed(1)}% of the step`);
  // Half a time constant is well short of it, three time constants almost all of it (95%).
  assert.ok((thermalStep(fromC, toC, BEARING_TAU_MS / 2) - fromC) / (toC - fromC) < 0.45);
  assert.ok((thermalStep(fromC, toC, 3 * BEARING_TAU_MS) - fromC) / (toC - fromC) > 0.94);
  assert.ok(BEARING_TAU_MS >= 20 * 60_000 && BEARING_TAU_MS <= 40 * 60_000, 'time constant in the 20-40 min range');
});

test('thermal - bearing drive rises with load and fault friction; ambient cycles daily', () => {
  assert.ok(bearingDriveC(20, 1, 30, 0) > bearingDriveC(20, 0.5, 30, 0));
  assert.equal(bearingDriveC(20, 0.5, 30, 10) - bearingDriveC(20, 0.5, 30, 0), 10);
  const day = Date.UTC(2024, 5, 1);
  const at = (h: number) => ambientC(22, day + h * 3_600_000);
  assert.ok(at(15) > at(9) && at(9) > at(3), 'warmest mid-afternoon, coolest before dawn');
  assert.ok(Math.abs(at(15) - at(15 + 24)) < 1e-9, 'period of one day');
});
