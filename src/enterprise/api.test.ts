import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { needServices } from '../../test/support/services.ts';
import { buildEnterpriseApp } from './api.ts';
import { MATERIALS } from './catalogue.ts';
import { HOUR_MS, T0, openFixture, request, type Fixture } from './test-fixture.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise api - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    let app: FastifyInstance;
    const site = 'api-site';
    before(async () => {
      f = await openFixture(kind);
      app = buildEnterpriseApp(f.service);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/plant',
        payload: { machines: [{ machine: 'api-pump', site, line: 'line-1', machineType: 'centrifugal-pump' }], startMs: T0, horizonMs: 48 * HOUR_MS },
      });
      assert.equal(res.statusCode, 204);
    });
    after(async () => {
      await app?.close();
      await f?.close();
    });
    const req = (incidentId: string) => request({ incidentId, site, machine: 'api-pump', machineType: 'centrifugal-pump' });

    test('enterprise api - 201 on the first request, 200 with the same outcome on a repeat', async () => {
      const body = req('api.1');
      const first = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: body, headers: { 'idempotency-key': 'api.1' } });
      assert.equal(first.statusCode, 201);
      const a = first.json();
      assert.equal(a.created, true);
      assert.match(a.purchaseOrderId, /^PO-/);
      const again = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: body, headers: { 'idempotency-key': 'api.1' } });
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { ...a, created: false });
    });

    test('enterprise api - a bad body is a 400 naming the field', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: { ...req('api.bad'), machineType: 'turbine' } });
      assert.equal(res.statusCode, 400);
      const b = res.json();
      assert.equal(b.error, 'validation');
      assert.deepEqual(b.issues.map((i: { path: string }) => i.path), ['machineType']);
      const missing = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: { ...req('api.bad2'), dueBy: undefined } });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(missing.json().issues.map((i: { path: string }) => i.path), ['dueBy']);
      const notJson = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: '{', headers: { 'content-type': 'application/json' } });
      assert.equal(notJson.statusCode, 400);
    });

    test('enterprise api - an Idempotency-Key that differs from incidentId is a 400 and writes nothing', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: req('api.key'), headers: { 'idempotency-key': 'other' } });
      assert.equal(res.statusCode, 400);
      const n = await app.inject({ method: 'GET', url: '/api/v1/notifications?incidentId=api.key' });
      assert.equal(n.json().total, 0);
    });

    test('enterprise api - an unregistered machine is a 422 with the reason', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: { ...req('api.422'), machine: 'ghost' } });
      assert.equal(res.statusCode, 422);
      assert.match(res.json().reason, /ghost/);
    });

    test('enterprise api - lists page with limit and offset and refuse a limit over 500', async () => {
      const all = (await app.inject({ method: 'GET', url: '/api/v1/production-orders?limit=500' })).json();
      assert.equal(all.total, 6);
      assert.equal(all.items.length, 6);
      const p1 = (await app.inject({ method: 'GET', url: '/api/v1/production-orders?limit=4&offset=0' })).json();
      const p2 = (await app.inject({ method: 'GET', url: '/api/v1/production-orders?limit=4&offset=4' })).json();
      assert.deepEqual({ n1: p1.items.length, n2: p2.items.length, limit: p2.limit, offset: p2.offset, total: p2.total }, { n1: 4, n2: 2, limit: 4, offset: 4, total: 6 });
      assert.deepEqual([...p1.items, ...p2.items].map((o: { id: string }) => o.id), all.items.map((o: { id: string }) => o.id));
      const tooMany = await app.inject({ method: 'GET', url: '/api/v1/materials?limit=501' });
      assert.equal(tooMany.statusCode, 400);
      assert.deepEqual(tooMany.json().issues.map((i: { path: string }) => i.path), ['limit']);
      for (const path of ['notifications', 'purchase-orders', 'work-orders', 'production-moves', 'materials', 'stock', 'bom', 'reservations']) {
        const r = await app.inject({ method: 'GET', url: `/api/v1/${path}?limit=2` });
        assert.equal(r.statusCode, 200, path);
        assert.ok(Array.isArray(r.json().items) && typeof r.json().total === 'number', path);
      }
      const bom = (await app.inject({ method: 'GET', url: '/api/v1/bom' })).json();
      assert.equal(bom.total, MATERIALS.length);
      const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.deepEqual(health.json(), { ok: true, store: kind });
    });
  });
}
