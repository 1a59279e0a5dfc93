import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreBusiness } from '../scoring/business.ts';
import { runOfflinePolicy } from './offline.ts';
import { oneFaultSetup } from './one-fault.test-support.ts';

const H = 3_600_000;

/** Onset at 6 h, functional failure at 14 h, 30 h simulated. */
const tinySetup = (intervalHours: number) => oneFaultSetup({ durationHours: 30, onsetH: 6, failureH: 14, preventiveIntervalHours: intervalHours });

test('policy runners - reactive: the machine runs to failure, unplanned downtime lasts from failure to repair', { timeout: 120_000 }, async () => {
  const { setup, machine } = tinySetup(4);
  const run = await runOfflinePolicy(setup, { policy: 'reactive' });
  const t = run.truth.find((x) => x.kind === 'machine')!;
  assert.equal(t.failedAtMs, setup.startMs + 14 * H, 'failed at its scheduled failure');
  assert.ok(t.repairedAtMs !== null && t.repairedAtMs > t.failedAtMs!, 'the emergency order repaired it within the run');
  assert.equal(run.downtime[machine]!.unplannedMs, t.repairedAtMs! - t.failedAtMs!);
  assert.equal(run.downtime[machine]!.plannedMs, 0);
  assert.deepEqual(run.workOrders.map((w) => w.kind), ['breakdown']);
  assert.ok(run.closedLoop);
  const b = scoreBusiness({ downtime: run.downtime, workOrders: run.workOrders, purchaseOrders: run.purchaseOrders, truth: run.truth, productionValuePerHourEur: 500, productionShare: 1 });
  assert.equal(b.failures, 1);
  assert.ok(b.maintenanceCostEur > 0);
});

test('policy runners - preventive with an interval shorter than the time to failure has no unplanned downtime', { timeout: 120_000 }, async () => {
  const { setup, machine } = tinySetup(4);
  const run = await runOfflinePolicy(setup, { policy: 'preventive' });
  const t = run.truth.find((x) => x.kind === 'machine')!;
  assert.equal(t.failedAtMs, null, 'never failed');
  assert.ok(t.repairedAtMs !== null && t.repairedAtMs < t.failureMs, 'a preventive order renewed the part before the failure');
  assert.equal(run.downtime[machine]!.unplannedMs, 0);
  assert.ok(run.downtime[machine]!.plannedMs > 0, 'the preventive windows are planned downtime');
  assert.ok(run.workOrders.length >= 2 && run.workOrders.every((w) => w.kind !== 'breakdown'));
});
