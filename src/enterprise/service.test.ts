import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Component, MachineType } from '../core/index.ts';
import { needServices } from '../../test/support/services.ts';
import { MATERIALS, mixedStock } from './catalogue.ts';
import { seedCatalogue } from './seed.ts';
import { HOUR_MS, T0, openFixture, request, type Fixture } from './test-fixture.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise service - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    before(async () => {
      f = await openFixture(kind, [
        { materialId: 'MAT-BRG-6309-2Z', site: 'stocked', quantity: 1 },
        { materialId: 'MAT-BRG-6205-2RS', site: 'stocked', quantity: 3 },
      ]);
    });
    after(() => f?.close());

    test('enterprise - the BOM gives the right material per machine type and component', async () => {
      const site = 'bom-site';
      await f.service.registerPlant(
        MachineType.options.map((t) => ({ machine: `bom-${t}`, site, line: 'line-1', machineType: t })),
        { startMs: T0, horizonMs: 48 * HOUR_MS },
      );
      for (const machineType of MachineType.options) {
        for (const component of Component.options.filter((c) => MATERIALS.some((m) => m.machineType === machineType && m.component === c))) {
          const incidentId = `bom.${machineType}.${component}`;
          const out = await f.service.requestMaintenance(request({ incidentId, site, machine: `bom-${machineType}`, machineType, component }));
          const expected = MATERIALS.find((m) => m.machineType === machineType && m.component === component)!.id;
          assert.equal(out.materialId, expected, `${machineType} ${component}`);
          assert.ok(out.purchaseOrderId, 'no stock at this site: a purchase order');
          const pos = await f.service.listPurchaseOrders({ incidentId });
          assert.equal(pos.items[0]?.materialId, expected);
          assert.ok(pos.items[0]?.materialDescription.length);
        }
      }
      assert.equal(new Set(MATERIALS.map((m) => m.id)).size, MATERIALS.length, 'every BOM position a distinct part');
    });

    test('enterprise - out of stock orders from the supplier that meets the due date at least cost', async () => {
      const site = 'po-site';
      await f.service.registerPlant([{ machine: 'po-pump', site, line: 'line-1', machineType: 'centrifugal-pump' }], { startMs: T0, horizonMs: 24 * HOUR_MS });
      // Bearing 6205: SUP-1001 12.80 EUR in 72 h (24 h expedited at +35 %), SUP-1002 15.36 EUR in 24 h (8 h at +50 %).
      const cases = [
        { dueH: 100, supplierId: 'SUP-1001', unitPriceCents: 1280, expedited: false, late: false, deliveryH: 72 },
        { dueH: 30, supplierId: 'SUP-1002', unitPriceCents: 1536, expedited: false, late: false, deliveryH: 24 },
        { dueH: 10, supplierId: 'SUP-1002', unitPriceCents: 2304, expedited: true, late: false, deliveryH: 8 },
        { dueH: 2, supplierId: 'SUP-1002', unitPriceCents: 2304, expedited: true, late: true, deliveryH: 8 },
      ];
      for (const c of cases) {
        const incidentId = `po.due${c.dueH}`;
        await f.service.requestMaintenance(request({ incidentId, site, machine: 'po-pump', machineType: 'centrifugal-pump', dueBy: T0 + c.dueH * HOUR_MS }));
        const po = (await f.service.listPurchaseOrders({ incidentId })).items[0]!;
        assert.deepEqual(
          { supplierId: po.supplierId, unitPriceCents: po.unitPriceCents, expedited: po.expedited, late: po.late, deliveryH: (po.expectedDeliveryMs - T0) / HOUR_MS },
          { supplierId: c.supplierId, unitPriceCents: c.unitPriceCents, expedited: c.expedited, late: c.late, deliveryH: c.deliveryH },
          `due in ${c.dueH} h`,
        );
        const wo = (await f.service.listWorkOrders({ incidentId })).items[0]!;
        assert.equal(wo.partReadyMs, po.expectedDeliveryMs, 'the part is ready when it arrives');
        assert.ok(wo.plannedStartMs >= po.expectedDeliveryMs, 'the repair starts once the part is there');
        assert.ok(po.decision.length > 0, 'the supplier choice is explained');
      }
    });

    test('enterprise - in stock reserves one (available stock drops, on-hand stays until goods issue); the last unit goes to one request only', async () => {
      const site = 'stocked';
      await f.service.registerPlant(
        [
          { machine: 'stk-m1', site, line: 'line-1', machineType: 'induction-motor' },
          { machine: 'stk-m2', site, line: 'line-1', machineType: 'induction-motor' },
          { machine: 'stk-pump', site, line: 'line-1', machineType: 'centrifugal-pump' },
        ],
        { startMs: T0, horizonMs: 24 * HOUR_MS },
      );
      const pump = await f.service.requestMaintenance(request({ incidentId: 'stk.pump', site, machine: 'stk-pump', machineType: 'centrifugal-pump' }));
      assert.equal(pump.purchaseOrderId, null);
      assert.equal(pump.materialId, 'MAT-BRG-6205-2RS');
      const shelf = async (materialId: string) =>
        (await f.service.listStock({ site, limit: 500 })).items.filter((s) => s.materialId === materialId).reduce((n, s) => n + s.availableQuantity, 0);
      assert.equal(await shelf('MAT-BRG-6205-2RS'), 2);
      const onHand = (await f.service.listStock({ site, limit: 500 })).items.find((s) => s.materialId === 'MAT-BRG-6205-2RS')!;
      assert.deepEqual([onHand.quantity, onHand.reservedQuantity], [3, 1], 'reserved, not yet issued');

      const [a, b] = await Promise.all(
        ['m1', 'm2'].map((m) => f.service.requestMaintenance(request({ incidentId: `stk.${m}`, site, machine: `stk-${m}`, machineType: 'induction-motor' }))),
      );
      const reserved = [a!, b!].filter((o) => o.purchaseOrderId === null);
      const ordered = [a!, b!].filter((o) => o.purchaseOrderId !== null);
      assert.equal(reserved.length, 1, 'one request gets the last unit');
      assert.equal(ordered.length, 1, 'the other orders one');
      assert.equal(await shelf('MAT-BRG-6309-2Z'), 0, 'never negative');
      const res = await f.service.listReservations({ site });
      assert.deepEqual(res.items.filter((r) => r.status === 'open').map((r) => r.incidentId).sort(), ['stk.pump', reserved[0]!.incidentId].sort());
      assert.deepEqual(res.items.filter((r) => r.status === 'awaiting-delivery').map((r) => r.incidentId), [ordered[0]!.incidentId], 'the ordered part is reserved for its delivery');
    });

    test('enterprise - an overlapping production order moves to the other capable machine that is free', async () => {
      const site = 'mes-site';
      await f.service.registerPlant([{ machine: 'fan-a', site, line: 'line-1', machineType: 'fan' }], { startMs: T0, horizonMs: 96 * HOUR_MS });
      // fan-b's schedule starts later, so it is free when fan-a is repaired.
      await f.service.registerPlant([{ machine: 'fan-b', site, line: 'line-2', machineType: 'fan' }], { startMs: T0 + 100 * HOUR_MS, horizonMs: 48 * HOUR_MS });
      // A coupling insert from SUP-1003 arrives after 48 h: the window [48 h, 52 h) lies in fan-a's order [48 h, 56 h).
      const out = await f.service.requestMaintenance(
        request({ incidentId: 'mes.1', site, machine: 'fan-a', machineType: 'fan', faultType: 'misalignment', component: 'coupling-insert', dueBy: T0 + 60 * HOUR_MS }),
      );
      const wo = (await f.service.listWorkOrders({ incidentId: 'mes.1' })).items[0]!;
      assert.equal(wo.plannedStartMs, T0 + 48 * HOUR_MS);
      assert.equal(out.movedProductionOrders.length, 1);
      const onB = (await f.service.listProductionOrders({ machine: 'fan-b', limit: 500 })).items;
      const moved = onB.find((o) => o.id === out.movedProductionOrders[0]);
      assert.ok(moved, 'the order now runs on fan-b');
      assert.deepEqual([moved.startMs, moved.endMs], [T0 + 48 * HOUR_MS, T0 + 56 * HOUR_MS], 'at the same time');
      const onA = (await f.service.listProductionOrders({ machine: 'fan-a', limit: 500 })).items;
      assert.ok(onA.every((o) => o.endMs <= wo.plannedStartMs || o.startMs >= wo.plannedEndMs), 'fan-a is clear during the repair');
      const moves = (await f.service.listProductionMoves({ incidentId: 'mes.1' })).items;
      assert.deepEqual(moves.map((m) => [m.productionOrderId, m.fromWorkCentre, m.toWorkCentre]), [[moved.id, 'fan-a', 'fan-b']]);
    });

    test('enterprise - with no free capable machine the window displaces the fewest orders and later ones ripple', async () => {
      const site = 'solo-site';
      // busy-pump is capable but runs the same back-to-back schedule, so it is never free.
      await f.service.registerPlant(
        ['solo-pump', 'busy-pump'].map((machine) => ({ machine, site, line: 'line-1', machineType: 'centrifugal-pump' as const })),
        { startMs: T0, horizonMs: 80 * HOUR_MS },
      );
      const busyBefore = (await f.service.listProductionOrders({ machine: 'busy-pump', limit: 500 })).items;
      const before = (await f.service.listProductionOrders({ machine: 'solo-pump', limit: 500 })).items;
      assert.equal(before.length, 10);
      const out = await f.service.requestMaintenance(
        request({ incidentId: 'solo.1', site, machine: 'solo-pump', machineType: 'centrifugal-pump', faultType: 'misalignment', component: 'coupling-insert', dueBy: T0 + 60 * HOUR_MS }),
      );
      const wo = (await f.service.listWorkOrders({ incidentId: 'solo.1' })).items[0]!;
      const after = (await f.service.listProductionOrders({ machine: 'solo-pump', limit: 500 })).items;
      assert.equal(after.length, 10, 'nothing lost');
      assert.ok(after.every((o) => o.endMs <= wo.plannedStartMs || o.startMs >= wo.plannedEndMs), 'clear during the repair');
      for (let i = 1; i < after.length; i++) assert.ok(after[i]!.startMs >= after[i - 1]!.endMs, 'no two orders overlap');
      assert.ok(after.every((o) => o.endMs - o.startMs === 8 * HOUR_MS), 'orders keep their length');
      // Part at 48 h, failure by 60 h: a window at 48 h would push 4 orders by 4 h, one at 56 h (after the order
      // 48-56 h ends) pushes only the 3 after it: less total delay, nobody late.
      assert.equal(wo.plannedStartMs, T0 + 56 * HOUR_MS);
      assert.equal(wo.ordersMoved, 3);
      assert.equal(wo.lostCapacityMs, 4 * HOUR_MS);
      const shifted = before.filter((o) => o.startMs >= T0 + 56 * HOUR_MS).map((o) => o.id);
      assert.deepEqual(out.movedProductionOrders, shifted, 'the overlapped order and every later one moved');
      const moves = (await f.service.listProductionMoves({ incidentId: 'solo.1' })).items;
      assert.equal(moves.length, shifted.length);
      assert.ok(moves.every((m) => m.newStartMs - m.oldStartMs === 4 * HOUR_MS && m.toWorkCentre === 'solo-pump'));
      assert.deepEqual((await f.service.listProductionOrders({ machine: 'busy-pump', limit: 500 })).items, busyBefore, 'the busy machine is untouched');
    });

    test('enterprise - the same request 10 times in parallel gives one notification, one PO, one work order', async () => {
      const site = 'dup-site';
      await f.service.registerPlant([{ machine: 'dup-motor', site, line: 'line-1', machineType: 'induction-motor' }], { startMs: T0, horizonMs: 24 * HOUR_MS });
      const req = request({ incidentId: 'dup.1', site, machine: 'dup-motor', machineType: 'induction-motor' });
      const outs = await Promise.all(Array.from({ length: 10 }, () => f.service.requestMaintenance(req)));
      assert.equal(outs.filter((o) => o.created).length, 1);
      const first = outs.find((o) => o.created)!;
      for (const o of outs) assert.deepEqual({ ...o, created: true }, first);
      assert.equal((await f.service.listNotifications({ incidentId: 'dup.1' })).total, 1);
      assert.equal((await f.service.listPurchaseOrders({ incidentId: 'dup.1' })).total, 1);
      assert.equal((await f.service.listWorkOrders({ incidentId: 'dup.1' })).total, 1);
    });

    test('enterprise - inspect-only requests order nothing; misfits are refused as values and write nothing', async () => {
      const site = 'misc-site';
      await f.service.registerPlant([{ machine: 'misc-fan', site, line: 'line-1', machineType: 'fan' }], { startMs: T0, horizonMs: 24 * HOUR_MS });
      const inspect = await f.service.requestMaintenance(request({ incidentId: 'misc.inspect', site, machine: 'misc-fan', machineType: 'fan', faultType: 'unknown', component: null }));
      assert.equal(inspect.purchaseOrderId, null);
      assert.equal(inspect.materialId, null);
      assert.ok(inspect.workOrderId);
      const unknown = await f.service.tryRequestMaintenance(request({ incidentId: 'misc.unknown', site, machine: 'no-such', machineType: 'fan' }));
      assert.equal(unknown.ok, false);
      const wrongType = await f.service.tryRequestMaintenance(request({ incidentId: 'misc.type', site, machine: 'misc-fan', machineType: 'centrifugal-pump' }));
      assert.ok(!wrongType.ok && /fan/.test(wrongType.reason));
      assert.equal((await f.service.listNotifications({ site })).total, 1);
    });

    test('enterprise - seeding again changes nothing; a mixed-stock site takes both the reservation and the purchase path', async () => {
      const site = 'mixed-site';
      await seedCatalogue(f.store, { stock: mixedStock(site) });
      await seedCatalogue(f.store, { stock: mixedStock(site).map((s) => ({ ...s, quantity: 99 })) });
      assert.equal((await f.service.listMaterials()).total, MATERIALS.length);
      const shelf = (await f.service.listStock({ site })).items;
      assert.equal(shelf.find((s) => s.materialId === 'MAT-BRG-6205-2RS')?.quantity, 2, 'existing stock is kept');
      await f.service.registerPlant([{ machine: 'mixed-pump', site, line: 'line-1', machineType: 'centrifugal-pump' }], { startMs: T0, horizonMs: 24 * HOUR_MS });
      const bearing = await f.service.requestMaintenance(request({ incidentId: 'mixed.b', site, machine: 'mixed-pump', machineType: 'centrifugal-pump' }));
      const insert = await f.service.requestMaintenance(
        request({ incidentId: 'mixed.c', site, machine: 'mixed-pump', machineType: 'centrifugal-pump', faultType: 'misalignment', component: 'coupling-insert' }),
      );
      assert.deepEqual([bearing.purchaseOrderId === null, insert.purchaseOrderId === null], [true, false]);
    });

    test('enterprise - registering the plant twice schedules nothing new; a longer horizon appends', async () => {
      const m = [{ machine: 'reg-pump', site: 'reg-site', line: 'line-1', machineType: 'centrifugal-pump' as const }];
      await f.service.registerPlant(m, { startMs: T0, horizonMs: 24 * HOUR_MS });
      await f.service.registerPlant(m, { startMs: T0, horizonMs: 24 * HOUR_MS });
      assert.equal((await f.service.listProductionOrders({ machine: 'reg-pump' })).total, 3);
      await f.service.registerPlant(m, { startMs: T0, horizonMs: 48 * HOUR_MS });
      const orders = (await f.service.listProductionOrders({ machine: 'reg-pump' })).items;
      assert.deepEqual(orders.map((o) => (o.startMs - T0) / HOUR_MS), [0, 8, 16, 24, 32, 40]);
    });
  });
}
