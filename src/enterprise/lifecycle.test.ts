// The whole loop in simulated time: maintenance request → purchase order created → confirmed →
// shipped → received → window starts (goods issue, stop-for-maintenance) → repair → completed,
// driven only by the plant's sync; breakdowns; the sync's idempotency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlantSyncResponse } from '../core/index.ts';
import { needServices } from '../../test/support/services.ts';
import { HOUR_MS, T0, openFixture, request, type Fixture } from './test-fixture.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise lifecycle - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    before(async () => {
      f = await openFixture(kind, [{ materialId: 'MAT-BRG-6205-2RS', site: 'bd-site', quantity: 1, reorderPoint: 1 }]);
    });
    after(() => f?.close());

    test('enterprise lifecycle - request, PO created → confirmed → shipped → received, window, repair, completed, with actions', async () => {
      const site = 'life-site';
      await f.service.registerPlant(
        ['life-motor', 'life-motor-2'].map((machine) => ({ machine, site, line: 'line-1', machineType: 'induction-motor' as const })),
        { startMs: T0, horizonMs: 6 * 24 * HOUR_MS },
      );
      const out = await f.service.requestMaintenance(request({ incidentId: 'life.1', site, machine: 'life-motor', machineType: 'induction-motor', dueBy: T0 + 100 * HOUR_MS }));
      assert.ok(out.purchaseOrderId, 'no stock: a purchase order');
      const po = async () => (await f.service.listPurchaseOrders({ incidentId: 'life.1' })).items[0]!;
      const wo = async () => (await f.service.listWorkOrders({ incidentId: 'life.1' })).items[0]!;
      const sync = (nowMs: number, afterSeq = 0) => f.service.syncPlant({ nowMs, afterSeq, events: [] });

      // SUP-1001, 72 h: acknowledged within 4 h, dispatched 24 h before delivery.
      assert.deepEqual([(await po()).status, (await wo()).status], ['created', 'created']);
      assert.deepEqual((await sync(T0 + 1 * HOUR_MS)).actions, []);
      assert.equal((await po()).status, 'created');
      await sync(T0 + 5 * HOUR_MS);
      assert.deepEqual([(await po()).status, (await po()).confirmedAtMs], ['confirmed', T0 + 4 * HOUR_MS]);
      await sync(T0 + 50 * HOUR_MS);
      assert.deepEqual([(await po()).status, (await po()).shippedAtMs], ['shipped', T0 + 48 * HOUR_MS]);
      const stockOf = async () => (await f.service.listStock({ site, limit: 500 })).items.find((s) => s.materialId === 'MAT-BRG-6309-2Z')!;
      assert.equal((await stockOf()).quantity, 0);
      const w0 = await wo();
      assert.ok(w0.plannedStartMs >= T0 + 72 * HOUR_MS && w0.plannedEndMs <= T0 + 100 * HOUR_MS, 'window in [part ready, predicted failure]');
      assert.match(w0.windowReason, /candidate windows/);

      await sync(T0 + 72 * HOUR_MS);
      assert.deepEqual([(await po()).status, (await po()).receivedAtMs], ['received', T0 + 72 * HOUR_MS]);
      assert.deepEqual([(await stockOf()).quantity, (await stockOf()).reservedQuantity], [1, 1], 'goods receipt raises stock, ring-fenced for the order');
      const res = (await f.service.listReservations({ incidentId: 'life.1' })).items[0]!;
      assert.equal(res.status, 'open');
      const beforeStart = await sync(w0.plannedStartMs - 1);
      assert.deepEqual(beforeStart.actions, [], 'nothing before the window');
      assert.equal((await wo()).status, 'released');

      const started = await sync(w0.plannedStartMs);
      assert.equal(started.actions.length, 1);
      const stop = started.actions[0]!;
      assert.deepEqual({ ...stop, seq: 0 }, {
        seq: 0, workOrderId: w0.id, incidentId: 'life.1', machine: 'life-motor', action: 'stop-for-maintenance', atMs: w0.plannedStartMs, faultType: 'bearing-outer-race', component: 'drive-end-bearing',
      });
      assert.equal((await wo()).status, 'in-progress');
      assert.deepEqual([(await stockOf()).quantity, (await stockOf()).reservedQuantity], [0, 0], 'goods issue at execution');

      const done = await sync(w0.plannedEndMs, stop.seq);
      assert.deepEqual(done.actions.map((a) => [a.action, a.atMs]), [['repair-complete', w0.plannedEndMs]]);
      assert.ok(done.actions[0]!.seq > stop.seq, 'seq increases');
      const w1 = await wo();
      assert.equal(w1.status, 'completed');
      assert.equal(w1.actualStartMs, w0.plannedStartMs);
      assert.equal(w1.downtimeMs, 4 * HOUR_MS);
      assert.equal(w1.actualCostCents, w1.plannedLabourCents + w1.plannedPartsCents + w1.plannedSurchargeCents);
      assert.equal(w1.actualCostCents, 4 * 9_500 + 4_650, '4 h at 95 EUR and the 6309 bearing at 46.50 EUR');

      // Repeats: the same afterSeq answers the same; the clock never goes back.
      const again = await sync(T0, 0);
      assert.equal(again.nowMs, w0.plannedEndMs, 'the clock did not go back');
      assert.deepEqual(again.actions, [stop, ...done.actions]);
      assert.deepEqual((await sync(T0, done.actions[0]!.seq)).actions, []);

      // The goods issue left no unreserved bearing (reorder point 1): a replenishment requisition became a PO.
      const prs = (await f.service.listRequisitions({ site, limit: 50 })).items as { reason: string; status: string; purchaseOrderId: string }[];
      const reorder = prs.find((p) => p.reason === 'reorder-point');
      assert.ok(reorder && reorder.status === 'converted' && reorder.purchaseOrderId, 'reorder point raised a requisition, converted to a PO');
      const ledger = (await f.service.listStockMovements({ site, limit: 50 })).items as { movementType: string; quantity: number }[];
      assert.deepEqual(ledger.map((m) => [m.movementType, m.quantity]), [['101-goods-receipt', 1], ['261-goods-issue', -1]]);

      const record = await f.service.getIncident('life.1');
      assert.ok(record);
      assert.equal(record.operations.length, 3);
      assert.equal(record.plantActions.length, 2);
      assert.equal(record.stockMovements.length, 2);
      if (process.env.PRINT_INCIDENT === '1' && kind === 'pglite') console.log(JSON.stringify(record, null, 2));
    });

    test('enterprise lifecycle - a breakdown becomes an emergency order: part from stock, else expedited; repeated events change nothing', async () => {
      const site = 'bd-site';
      await f.service.registerPlant(
        [{ machine: 'bd-pump', site, line: 'line-1', machineType: 'centrifugal-pump' as const }, { machine: 'bd-fan', site, line: 'line-1', machineType: 'fan' as const }],
        { startMs: T0, horizonMs: 3 * 24 * HOUR_MS },
      );
      const clock = (await f.service.clock()).nowMs;
      const at = Math.max(clock, T0) + HOUR_MS;
      const ev = { id: 'bd-1', kind: 'breakdown' as const, machine: 'bd-pump', atMs: at };
      const first = await f.service.syncPlant({ nowMs: at, afterSeq: 0, events: [ev] });
      const wos = (await f.service.listWorkOrders({ machine: 'bd-pump' })).items;
      assert.equal(wos.length, 1);
      const wo = wos[0]!;
      assert.deepEqual([wo.kind, wo.materialId, wo.plannedStartMs], ['breakdown', 'MAT-BRG-6205-2RS', at + 30 * 60_000], 'from stock: picked in 30 min, repaired at once');
      assert.equal((await f.service.listPurchaseOrders({ incidentId: wo.incidentId })).total, 0);
      assert.ok(!first.actions.some((a) => a.workOrderId === wo.id), 'not started before its time');
      // the same event again, and again in a later sync: nothing new
      await f.service.syncPlant({ nowMs: at, afterSeq: 0, events: [ev, ev] });
      const later = await f.service.syncPlant({ nowMs: at + 5 * HOUR_MS, afterSeq: 0, events: [ev] });
      assert.equal((await f.service.listNotifications({ machine: 'bd-pump' })).total, 1);
      const mine = later.actions.filter((a) => a.workOrderId === wo.id);
      assert.deepEqual(mine.map((a) => [a.action, a.incidentId, a.atMs]), [['stop-for-maintenance', null, at + 30 * 60_000], ['repair-complete', null, at + 4.5 * HOUR_MS]]);
      const done = (await f.service.listWorkOrders({ machine: 'bd-pump' })).items[0]!;
      assert.deepEqual([done.status, done.downtimeMs], ['completed', 4.5 * HOUR_MS], 'downtime counts from the breakdown');

      // No fan bearing on the shelf: expedited purchase (SUP-1002 in 8 h at +50 %), flagged late with the reason.
      const fanAt = at + 6 * HOUR_MS;
      await f.service.syncPlant({ nowMs: fanAt, afterSeq: 0, events: [{ id: 'bd-2', kind: 'breakdown', machine: 'bd-fan', atMs: fanAt }] });
      const fanWo = (await f.service.listWorkOrders({ machine: 'bd-fan' })).items[0]!;
      const fanPo = (await f.service.listPurchaseOrders({ incidentId: fanWo.incidentId })).items[0]!;
      assert.deepEqual([fanPo.supplierId, fanPo.expedited, fanPo.late, fanPo.expectedDeliveryMs - fanAt], ['SUP-1002', true, true, 8 * HOUR_MS]);
      assert.match(fanPo.decision, /expedited/);
      assert.equal(fanWo.plannedStartMs, fanPo.expectedDeliveryMs, 'repaired as soon as the part is there');
      assert.equal(fanWo.plannedSurchargeCents, fanPo.surchargeCents);
    });

    test('enterprise lifecycle - a breakdown before the planned window brings the planned order forward to when its part is there', async () => {
      const site = 'early-site';
      await f.service.registerPlant([{ machine: 'early-gear', site, line: 'line-1', machineType: 'gearbox' as const }], { startMs: T0, horizonMs: 10 * 24 * HOUR_MS });
      const nowMs = Math.max((await f.service.clock()).nowMs, T0);
      const out = await f.service.requestMaintenance(request({
        incidentId: 'early.1', site, machine: 'early-gear', machineType: 'gearbox', faultType: 'gear-tooth-wear', component: 'gear-set', detectedAt: nowMs, dueBy: nowMs + 200 * HOUR_MS,
      }));
      const planned = (await f.service.listWorkOrders({ incidentId: 'early.1' })).items[0]!;
      assert.equal(out.materialId, 'MAT-GEAR-H160-I4');
      const po = (await f.service.listPurchaseOrders({ incidentId: 'early.1' })).items[0]!;
      // It breaks after the part arrived but before the planned window.
      const breakAt = po.expectedDeliveryMs + HOUR_MS;
      assert.ok(breakAt < planned.plannedStartMs, 'the planned window is later than the breakdown');
      const r = await f.service.syncPlant({ nowMs: breakAt + 8 * HOUR_MS, afterSeq: 0, events: [{ id: 'early-bd', kind: 'breakdown', machine: 'early-gear', atMs: breakAt }] });
      const mine = r.actions.filter((a) => a.workOrderId === planned.id);
      assert.deepEqual(mine.map((a) => [a.action, a.incidentId, a.atMs - breakAt]), [['stop-for-maintenance', 'early.1', 0], ['repair-complete', 'early.1', 4 * HOUR_MS]]);
      const wo = (await f.service.listWorkOrders({ incidentId: 'early.1' })).items[0]!;
      assert.deepEqual([wo.status, wo.breakdownAtMs, wo.downtimeMs], ['completed', breakAt, 4 * HOUR_MS]);
      assert.equal((await f.service.listNotifications({ machine: 'early-gear' })).total, 1, 'no second notification');
    });
  });
}
