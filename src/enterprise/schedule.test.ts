// The default two-shift schedule: the night gap absorbs a maintenance delay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shiftStarts } from './plant.ts';
import { HOUR_MS, T0, openFixture, request } from './test-fixture.ts';

test('enterprise schedule - two shifts a day from 06:00 UTC leave the night free', () => {
  const starts = shiftStarts(T0, T0 + 48 * HOUR_MS, 8 * HOUR_MS, 2, 6);
  assert.deepEqual(starts.map((s) => (s - T0) / HOUR_MS), [6, 14, 30, 38]);
  assert.deepEqual(shiftStarts(T0 + 7 * HOUR_MS, T0 + 22 * HOUR_MS, 8 * HOUR_MS, 2, 6).map((s) => (s - T0) / HOUR_MS), [14], 'only whole shifts');
});

test('enterprise schedule - with the default two shifts the window goes into the night gap when the failure allows', async () => {
  const f = await openFixture('pglite', [], {});
  try {
    const site = 'night-site';
    await f.service.registerPlant(
      ['night-pump', 'day-pump'].map((machine) => ({ machine, site, line: 'line-1', machineType: 'centrifugal-pump' as const })),
      { startMs: T0, horizonMs: 5 * 24 * HOUR_MS },
    );
    const before = (await f.service.listProductionOrders({ machine: 'night-pump', limit: 500 })).items;
    assert.equal(before.length, 10, 'two shifts a day for five days');
    const out = await f.service.requestMaintenance(
      request({ incidentId: 'night.1', site, machine: 'night-pump', machineType: 'centrifugal-pump', faultType: 'misalignment', component: 'coupling-insert', detectedAt: T0 + 10 * HOUR_MS, dueBy: T0 + 100 * HOUR_MS }),
    );
    const wo = (await f.service.listWorkOrders({ incidentId: 'night.1' })).items[0]!;
    const after = (await f.service.listProductionOrders({ machine: 'night-pump', limit: 500 })).items;
    assert.ok(after.every((o) => o.endMs <= wo.plannedStartMs || o.startMs >= wo.plannedEndMs), 'clear during the repair');
    // Detected at 10:00 on day 0, the part arrives 48 h later (10:00 day 2); the failure is due at 100 h. The
    // night gap 22:00-06:00 (70 h) takes the 4 h window without touching production.
    assert.equal(wo.plannedStartMs - T0, 70 * HOUR_MS, `window starts at ${(wo.plannedStartMs - T0) / HOUR_MS} h`);
    assert.equal(out.movedProductionOrders.length, 0, 'nothing moved');
    assert.equal(wo.lostCapacityMs, 0);
    // Failure due sooner (by 64 h): the window must overlap a shift; the late shift (14-22 h) then runs after it.
    const tight = await f.service.requestMaintenance(
      request({ incidentId: 'night.2', site, machine: 'day-pump', machineType: 'centrifugal-pump', faultType: 'misalignment', component: 'coupling-insert', detectedAt: T0 + 10 * HOUR_MS, dueBy: T0 + 64 * HOUR_MS }),
    );
    const wo2 = (await f.service.listWorkOrders({ incidentId: 'night.2' })).items[0]!;
    assert.ok(wo2.plannedEndMs <= T0 + 64 * HOUR_MS);
    assert.ok(tight.movedProductionOrders.length >= 1 && tight.movedProductionOrders.length <= 2, 'ripples only until the night gap');
    assert.equal(wo2.lateOrders, 0);
    const nextDay = wo.plannedEndMs + 24 * HOUR_MS;
    const untouched = (list: typeof before) => list.filter((o) => o.startMs >= nextDay).map((o) => `${o.id}@${o.startMs}`);
    assert.deepEqual(untouched(after), untouched(before), 'later days keep their schedule');
  } finally {
    await f.close();
  }
});
