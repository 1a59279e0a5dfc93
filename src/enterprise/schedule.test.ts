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

test('enterprise schedule - with the default two shifts a pushed order ripples only until the night gap', async () => {
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
    // Detected at 10:00 on day 0, the part arrives 48 h later: the window 10:00-14:00 on day 2
    // overlaps the early shift, which is pushed behind it and pushes the late shift into the night.
    assert.ok(wo.plannedStartMs - T0 === 58 * HOUR_MS, `window starts at ${(wo.plannedStartMs - T0) / HOUR_MS} h`);
    assert.equal(out.movedProductionOrders.length, 2, 'the overlapped shift and the one after it, no further');
    const nextDay = wo.plannedEndMs + 24 * HOUR_MS;
    const untouched = (list: typeof before) => list.filter((o) => o.startMs >= nextDay).map((o) => `${o.id}@${o.startMs}`);
    assert.deepEqual(untouched(after), untouched(before), 'later days keep their schedule');
  } finally {
    await f.close();
  }
});
