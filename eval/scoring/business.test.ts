import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroundTruthRecord } from '../../src/core/index.ts';
import { scoreBusiness } from './business.ts';
import { percentiles } from './latency.ts';
import { scoreRul } from './rul.ts';

const H = 3_600_000;
const truth = (failedAtMs: number | null): GroundTruthRecord => ({
  v: 1, id: 'm1/f', kind: 'machine', site: 's', line: 'l', machine: 'm1', machineType: 'fan', fault: 'imbalance', channel: null, component: null,
  onsetMs: 0, detectableMs: H, failureMs: 10 * H, failedAtMs, repairedAtMs: null,
});

test('business scoring - downtime, cost with surcharge, lost production and total on a hand-made case', () => {
  const r = scoreBusiness({
    downtime: { m1: { plannedMs: 4 * H, unplannedMs: 6 * H }, m2: { plannedMs: 2 * H, unplannedMs: 0 } },
    workOrders: [
      { kind: 'breakdown', status: 'completed', plannedCostCents: 50_000, actualCostCents: 60_000, plannedSurchargeCents: 10_000, lateOrders: 2, latenessMs: 3 * H, lostCapacityMs: 0 },
      { kind: 'predictive', status: 'released', plannedCostCents: 40_000, lostCapacityMs: 1.5 * H },
      { kind: 'predictive', status: 'cancelled', plannedCostCents: 99_999 },
    ],
    purchaseOrders: [{ surchargeCents: 10_000, expedited: true }, { surchargeCents: 0, expedited: false }],
    truth: [truth(5 * H)],
    productionValuePerHourEur: 500,
    productionShare: 2 / 3,
  });
  assert.equal(r.unplannedDowntimeHours, 6);
  assert.equal(r.plannedDowntimeHours, 6);
  assert.equal(r.maintenanceCostEur, 1000, 'actual cost when completed, planned otherwise, cancelled ignored');
  assert.equal(r.expediteSurchargeEur, 100);
  assert.equal(r.expeditedPurchaseOrders, 1);
  // 6 h unplanned × 2/3 scheduled + 1.5 h capacity not re-placed = 5.5 h × 500 €
  assert.equal(r.lostProductionHours, 5.5);
  assert.equal(r.productionLostEur, 2750);
  assert.equal(r.totalCost, 3750);
  assert.equal(r.lateOrders, 2);
  assert.equal(r.latenessHours, 3);
  assert.equal(r.failures, 1);
  assert.equal(r.breakdownWorkOrders, 1);
});

test('business scoring - nothing happened costs nothing', () => {
  const r = scoreBusiness({ downtime: { m1: { plannedMs: 0, unplannedMs: 0 } }, workOrders: [], purchaseOrders: [], truth: [truth(null)], productionValuePerHourEur: 500, productionShare: 1 });
  assert.equal(r.totalCost, 0);
  assert.equal(r.failures, 0);
});

test('rul scoring - errors at first detection: sign, mean absolute and relative error', () => {
  const r = scoreRul([
    { truthId: 'a', atMs: 0, predictedFailureMs: 12 * H, trueFailureMs: 10 * H },
    { truthId: 'b', atMs: 0, predictedFailureMs: 6 * H, trueFailureMs: 10 * H },
  ]);
  assert.deepEqual(r.errorsHours, [2, -4]);
  assert.equal(r.meanAbsErrorHours, 3);
  assert.equal(r.medianErrorHours, -1);
  assert.ok(Math.abs(r.meanRelativeError! - 0.3) < 1e-12);
  // late by 2 h is penalised more per hour than early by 4 h would be at the same |d|
  assert.ok(Math.abs(r.phm08Score! - (Math.exp(2 / 10) - 1 + Math.exp(4 / 13) - 1)) < 1e-12);
  assert.equal(scoreRul([]).meanAbsErrorHours, null);
});

test('latency scoring - nearest-rank percentiles ignore invalid samples', () => {
  const p = percentiles([5, 1, 4, 2, 3, Number.NaN, -1, 6, 7, 8, 9, 10]);
  assert.equal(p.n, 10);
  assert.equal(p.p50, 5);
  assert.equal(p.p90, 9);
  assert.equal(p.p99, 10);
  assert.equal(percentiles([]).p50, null);
});
