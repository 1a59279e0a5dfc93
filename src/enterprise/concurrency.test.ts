// Integrity under concurrency: two diagnosis workers (two services, each with its own connection
// pool on PostgreSQL) deciding on the same incident at the same time; stock never negative.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { needServices } from '../../test/support/services.ts';
import { createEnterpriseService } from './service.ts';
import { HOUR_MS, T0, THREE_SHIFTS, openFixture, request, type Fixture } from './test-fixture.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise concurrency - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    before(async () => {
      f = await openFixture(kind, [{ materialId: 'MAT-BRG-6206-2RS', site: 'race-site', quantity: 1, reorderPoint: 0 }]);
    });
    after(() => f?.close());

    test('enterprise concurrency - two workers racing on one incident yield one notification, one PO, one work order', async () => {
      const site = 'race-site';
      await f.service.registerPlant(['race-m1', 'race-m2'].map((machine) => ({ machine, site, line: 'line-1', machineType: 'induction-motor' as const })), { startMs: T0, horizonMs: 96 * HOUR_MS });
      const workerB = createEnterpriseService({ store: await f.openPeer(), config: THREE_SHIFTS });
      const req = request({ incidentId: 'race.1', site, machine: 'race-m1', machineType: 'induction-motor' });
      const outs = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? workerB : f.service).requestMaintenance(req)));
      assert.equal(outs.filter((o) => o.created).length, 1, 'one worker created it');
      const first = outs.find((o) => o.created)!;
      for (const o of outs) assert.deepEqual({ ...o, created: true }, first, 'the others read the same outcome');
      assert.equal((await f.service.listNotifications({ incidentId: 'race.1' })).total, 1);
      assert.equal((await f.service.listPurchaseOrders({ incidentId: 'race.1' })).total, 1);
      assert.equal((await f.service.listWorkOrders({ incidentId: 'race.1' })).total, 1);
      assert.equal((await f.service.listRequisitions({ incidentId: 'race.1' })).total, 1);
      // Two incidents on two machines of one type planned at once never get overlapping or double-booked slots.
      await Promise.all([
        f.service.requestMaintenance(request({ incidentId: 'race.2', site, machine: 'race-m2', machineType: 'induction-motor' })),
        workerB.requestMaintenance(request({ incidentId: 'race.3', site, machine: 'race-m2', machineType: 'induction-motor', component: 'coupling-insert', faultType: 'misalignment' })),
      ]);
      for (const m of ['race-m1', 'race-m2']) {
        const orders = (await f.service.listProductionOrders({ machine: m, limit: 500 })).items;
        const wos = (await f.service.listWorkOrders({ machine: m, limit: 500 })).items.map((w) => ({ startMs: w.plannedStartMs, endMs: w.plannedEndMs }));
        const slots = [...orders, ...wos].sort((a, b) => a.startMs - b.startMs);
        for (let i = 1; i < slots.length; i++) assert.ok(slots[i]!.startMs >= slots[i - 1]!.endMs, `${m}: nothing overlaps`);
      }
    });

    test('enterprise concurrency - racing for the last unit: one reservation, the rest buy; stock can never go negative', async () => {
      const site = 'race-site';
      await f.service.registerPlant(['fan-1', 'fan-2', 'fan-3', 'fan-4'].map((machine) => ({ machine, site, line: 'line-2', machineType: 'fan' as const })), { startMs: T0, horizonMs: 48 * HOUR_MS });
      const workerB = createEnterpriseService({ store: await f.openPeer(), config: THREE_SHIFTS });
      const outs = await Promise.all(['fan-1', 'fan-2', 'fan-3', 'fan-4'].map((m, i) =>
        (i % 2 ? workerB : f.service).requestMaintenance(request({ incidentId: `last.${m}`, site, machine: m, machineType: 'fan' }))));
      assert.equal(outs.filter((o) => o.purchaseOrderId === null).length, 1, 'exactly one got the unit on the shelf');
      const row = (await f.service.listStock({ site, limit: 500 })).items.find((s) => s.materialId === 'MAT-BRG-6206-2RS')!;
      assert.deepEqual([row.quantity, row.reservedQuantity, row.availableQuantity], [1, 1, 0]);
      // The database itself refuses a negative or over-reserved stock, whatever the code does.
      await assert.rejects(f.store.query(`UPDATE stock SET quantity = quantity - 2 WHERE material_id = 'MAT-BRG-6206-2RS' AND site = $1`, [site]), /check constraint/i);
      await assert.rejects(f.store.query(`UPDATE stock SET reserved_quantity = quantity + 1 WHERE material_id = 'MAT-BRG-6206-2RS' AND site = $1`, [site]), /check constraint/i);
    });
  });
}
