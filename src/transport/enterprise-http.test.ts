import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { EnterpriseApiError, ServiceUnavailableError, type MaintenanceRequest } from '../core/index.ts';
import { needServices } from '../../test/support/services.ts';
import { startEnterprise, type RunningEnterprise } from '../enterprise/index.ts';
import { HOUR_MS, T0, openFixture, request, type Fixture } from '../enterprise/test-fixture.ts';
import { createEnterpriseHttpClient } from './enterprise-http.ts';
import { MATERIALS } from '../enterprise/catalogue.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise http client - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    let ent: RunningEnterprise;
    before(async () => {
      f = await openFixture(kind);
      ent = await startEnterprise({ store: f.store, port: 0, env: {} });
    });
    after(async () => {
      await ent?.close();
      await f?.close();
    });
    const site = 'http-site';
    const req = (incidentId: string): MaintenanceRequest => request({ incidentId, site, machine: 'http-motor', machineType: 'induction-motor' });

    test('enterprise http - registers the plant, requests maintenance once, and lists what it created', async () => {
      assert.match(ent.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const client = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration') });
      await client.registerPlant([{ machine: 'http-motor', site, line: 'line-1', machineType: 'induction-motor' }], { startMs: T0, horizonMs: 24 * HOUR_MS });
      const first = await client.requestMaintenance(req('http.1'));
      const again = await client.requestMaintenance(req('http.1'));
      assert.equal(first.created, true);
      assert.deepEqual(again, first, 'the Idempotency-Key replays the first response');
      assert.equal(first.materialId, 'MAT-BRG-6309-2Z');
      const pos = await client.listPurchaseOrders({ incidentId: 'http.1' });
      assert.equal(pos.total, 1);
      assert.equal(pos.items[0]!.id, first.purchaseOrderId);
      assert.equal(pos.items[0]!.materialDescription.includes('6309'), true);
      assert.equal((await client.listNotifications({ incidentId: 'http.1' })).items[0]!.id, first.notificationId);
      assert.equal((await client.listWorkOrders({ incidentId: 'http.1' })).items[0]!.id, first.workOrderId);
      assert.equal((await client.listProductionMoves({ incidentId: 'http.1' })).total, first.movedProductionOrders.length);
      const bom = await client.listBom({ limit: 2, offset: 1 });
      assert.deepEqual([bom.items.length, bom.total, bom.limit, bom.offset], [2, MATERIALS.length, 2, 1]);
    });

    test('enterprise http - syncPlant runs the plant loop and getIncident returns the full record', async () => {
      const client = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration') });
      const wo = (await client.listWorkOrders({ incidentId: 'http.1' })).items[0]!;
      let afterSeq = 0;
      const seen: string[] = [];
      for (let t = T0; t < wo.plannedEndMs + 6 * HOUR_MS; t += 6 * HOUR_MS) {
        const r = await client.syncPlant({ nowMs: t, afterSeq });
        for (const a of r.actions) {
          seen.push(`${a.action}@${a.atMs - T0}`);
          afterSeq = a.seq;
        }
      }
      assert.deepEqual(seen, [`stop-for-maintenance@${wo.plannedStartMs - T0}`, `repair-complete@${wo.plannedEndMs - T0}`]);
      const rec = await client.getIncident('http.1');
      assert.equal(rec?.workOrder?.status, 'completed');
      assert.deepEqual(rec?.purchaseOrders.map((p) => p.status), ['received']);
      assert.equal(await client.getIncident('http.none'), null);
    });

    test('enterprise http - a wrong or viewer token is refused with 401 / 403', async () => {
      const nobody = createEnterpriseHttpClient({ baseUrl: ent.url, token: 'not-a-token' });
      await assert.rejects(nobody.listBom(), (err) => err instanceof EnterpriseApiError && err.status === 401);
      const viewer = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('viewer') });
      assert.equal((await viewer.listBom()).total, MATERIALS.length);
      await assert.rejects(viewer.requestMaintenance(req('http.viewer')), (err) => err instanceof EnterpriseApiError && err.status === 403);
      await assert.rejects(viewer.syncPlant({ nowMs: T0, afterSeq: 0 }), (err) => err instanceof EnterpriseApiError && err.status === 403);
    });

    test('enterprise http - an error status is an EnterpriseApiError with that status and the reason', async () => {
      const client = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration') });
      await assert.rejects(client.requestMaintenance({ ...req('http.ghost'), machine: 'ghost' }), (err) => err instanceof EnterpriseApiError && err.status === 422 && /ghost/.test(err.message));
      await assert.rejects(client.listBom({ limit: 501 }), (err) => err instanceof EnterpriseApiError && err.status === 400 && /limit/.test(err.message));
    });
  });
}

test('enterprise http - nobody listening is a ServiceUnavailableError', async () => {
  const client = createEnterpriseHttpClient({ baseUrl: 'http://127.0.0.1:1', token: 'x', timeoutMs: 2000 });
  await assert.rejects(client.listBom(), (err) => err instanceof ServiceUnavailableError && /127\.0\.0\.1:1/.test(err.message));
});

test('enterprise http - a 2xx answer that does not match MaintenanceOutcome is rejected', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ incidentId: 'x', notificationId: 7 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const client = createEnterpriseHttpClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'x' });
    await assert.rejects(client.requestMaintenance(request({ incidentId: 'x', site: 's', machine: 'm', machineType: 'fan' })), (err) => err instanceof EnterpriseApiError && /notificationId/.test(err.message));
  } finally {
    await new Promise((r) => server.close(r));
  }
});
