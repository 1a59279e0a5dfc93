import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { needServices } from '../../test/support/services.ts';
import { buildEnterpriseApp } from './api.ts';
import { MATERIALS } from './catalogue.ts';
import { HOUR_MS, T0, TEST_TOKENS, authAs, openFixture, request, type Fixture } from './test-fixture.ts';

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`enterprise api - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let f: Fixture;
    let app: FastifyInstance;
    const site = 'api-site';
    const integration = authAs('integration');
    before(async () => {
      f = await openFixture(kind);
      app = buildEnterpriseApp(f.service, { store: f.store, tokens: [...TEST_TOKENS] });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/plant',
        headers: integration,
        payload: { machines: [{ machine: 'api-pump', site, line: 'line-1', machineType: 'centrifugal-pump' }], startMs: T0, horizonMs: 48 * HOUR_MS },
      });
      assert.equal(res.statusCode, 204);
    });
    after(async () => {
      await app?.close();
      await f?.close();
    });
    const req = (incidentId: string) => request({ incidentId, site, machine: 'api-pump', machineType: 'centrifugal-pump' });
    const post = (url: string, payload: unknown, headers: Record<string, string> = integration) => app.inject({ method: 'POST', url, payload: payload as object, headers });

    test('enterprise api - 201 on the first request, 200 with the same outcome on a repeat without a key', async () => {
      const body = req('api.1');
      const first = await post('/api/v1/maintenance-requests', body);
      assert.equal(first.statusCode, 201);
      const a = first.json();
      assert.equal(a.created, true);
      assert.match(a.purchaseOrderId, /^PO-/);
      const again = await post('/api/v1/maintenance-requests', body);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { ...a, created: false });
    });

    test('enterprise api - Idempotency-Key: same key and body replays the response, another body is a 422', async () => {
      const h = { ...integration, 'idempotency-key': 'key-api.2' };
      const first = await post('/api/v1/maintenance-requests', req('api.2'), h);
      const again = await post('/api/v1/maintenance-requests', req('api.2'), h);
      assert.deepEqual([first.statusCode, again.statusCode], [201, 201]);
      assert.deepEqual(again.json(), first.json(), 'the stored response, created stays true');
      const other = await post('/api/v1/maintenance-requests', req('api.2b'), h);
      assert.equal(other.statusCode, 422);
      assert.equal(other.json().error, 'idempotency-key-reused');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/notifications?incidentId=api.2b', headers: integration })).json().total, 0, 'the other body wrote nothing');
    });

    test('enterprise api - the same keyed requisition 10 times in parallel has one effect and one answer', async () => {
      const planner = { ...authAs('planner'), 'idempotency-key': 'pr-parallel' };
      const body = { materialId: 'MAT-BRG-6205-2RS', site, quantity: 3, needByMs: T0 + 100 * HOUR_MS };
      const all = await Promise.all(Array.from({ length: 10 }, () => post('/api/v1/purchase-requisitions', body, planner)));
      assert.deepEqual(new Set(all.map((r) => r.statusCode)), new Set([201]));
      assert.equal(new Set(all.map((r) => r.json().id)).size, 1, 'one requisition id');
      const prs = (await app.inject({ method: 'GET', url: `/api/v1/purchase-requisitions?site=${site}&limit=500`, headers: integration })).json();
      assert.equal(prs.items.filter((p: { reason: string }) => p.reason === 'manual').length, 1);
    });

    test('enterprise api - a bad body is a 400 naming the field', async () => {
      const res = await post('/api/v1/maintenance-requests', { ...req('api.bad'), machineType: 'turbine' });
      assert.equal(res.statusCode, 400);
      const b = res.json();
      assert.equal(b.error, 'validation');
      assert.deepEqual(b.issues.map((i: { path: string }) => i.path), ['machineType']);
      const missing = await post('/api/v1/maintenance-requests', { ...req('api.bad2'), dueBy: undefined });
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(missing.json().issues.map((i: { path: string }) => i.path), ['dueBy']);
      const notJson = await app.inject({ method: 'POST', url: '/api/v1/maintenance-requests', payload: '{', headers: { ...integration, 'content-type': 'application/json' } });
      assert.equal(notJson.statusCode, 400);
      const sync = await post('/api/v1/plant/sync', { nowMs: 'soon', afterSeq: -1 });
      assert.deepEqual(sync.json().issues.map((i: { path: string }) => i.path).sort(), ['afterSeq', 'nowMs']);
      const event = await post('/api/v1/plant/sync', { nowMs: T0, afterSeq: 0, events: [{ id: 'e', kind: 'fire', machine: 'api-pump', atMs: T0 }] });
      assert.deepEqual(event.json().issues.map((i: { path: string }) => i.path), ['events.0.kind']);
      const pr = await post('/api/v1/purchase-requisitions', { materialId: 'MAT-BRG-6205-2RS', site, quantity: 0, needByMs: T0 }, authAs('planner'));
      assert.deepEqual(pr.json().issues.map((i: { path: string }) => i.path), ['quantity']);
    });

    test('enterprise api - auth: no or unknown token is 401, a viewer cannot write, the planner cannot send plant sync', async () => {
      const none = await app.inject({ method: 'GET', url: '/api/v1/work-orders' });
      assert.equal(none.statusCode, 401);
      assert.equal(none.headers['www-authenticate'], 'Bearer');
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/work-orders', headers: { authorization: 'Bearer nope-nope-nope' } })).statusCode, 401);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/work-orders', headers: authAs('viewer') })).statusCode, 200);
      const viewerOrder = await post('/api/v1/purchase-requisitions', { materialId: 'MAT-BRG-6205-2RS', site, quantity: 1, needByMs: T0 }, authAs('viewer'));
      assert.equal(viewerOrder.statusCode, 403);
      assert.equal((await post('/api/v1/maintenance-requests', req('api.viewer'), authAs('viewer'))).statusCode, 403);
      assert.equal((await post('/api/v1/plant/sync', { nowMs: T0, afterSeq: 0 }, authAs('planner'))).statusCode, 403);
      assert.equal((await post('/api/v1/maintenance-requests', req('api.none'), {})).statusCode, 401);
      assert.equal((await app.inject({ method: 'GET', url: '/api/v1/notifications?incidentId=api.viewer', headers: integration })).json().total, 0, 'refused writes wrote nothing');
    });

    test('enterprise api - an unregistered machine is a 422 with the reason', async () => {
      const res = await post('/api/v1/maintenance-requests', { ...req('api.422'), machine: 'ghost' });
      assert.equal(res.statusCode, 422);
      assert.match(res.json().reason, /ghost/);
    });

    test('enterprise api - /openapi.json lists every route with its schema; /docs and its script are served by the process', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.equal(doc.openapi, '3.1.0');
      for (const path of ['/api/v1/maintenance-requests', '/api/v1/plant/sync', '/api/v1/plant', '/api/v1/purchase-requisitions', '/api/v1/work-orders', '/api/v1/stock', '/api/v1/incidents/{incidentId}']) {
        assert.ok(doc.paths[path], `${path} documented`);
      }
      const body = doc.paths['/api/v1/maintenance-requests'].post.requestBody.content['application/json'].schema;
      assert.ok(body.required.includes('incidentId') && body.properties.machineType.enum.includes('gearbox'));
      assert.ok(doc.paths['/api/v1/work-orders'].get.parameters.some((p: { name: string }) => p.name === 'limit'));
      const page = await app.inject({ method: 'GET', url: '/docs' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /swagger-ui-bundle\.js/);
      assert.doesNotMatch(page.body, /https?:\/\/(unpkg|cdn)/, 'no CDN: works offline');
      const js = await app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
      assert.equal(js.statusCode, 200);
      assert.match(String(js.headers['content-type']), /javascript/);
      assert.ok(js.body.length > 100_000);
      const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
      assert.equal(init.statusCode, 200);
      const uiJson = await app.inject({ method: 'GET', url: '/docs/json' });
      assert.deepEqual(Object.keys(uiJson.json().paths).sort(), Object.keys(doc.paths).sort(), 'the page shows the same document');
    });

    test('enterprise api - lists page with limit and offset and refuse a limit over 500', async () => {
      const get = (url: string) => app.inject({ method: 'GET', url, headers: authAs('viewer') });
      const all = (await get('/api/v1/production-orders?limit=500')).json();
      assert.equal(all.total, 6);
      assert.equal(all.items.length, 6);
      const p1 = (await get('/api/v1/production-orders?limit=4&offset=0')).json();
      const p2 = (await get('/api/v1/production-orders?limit=4&offset=4')).json();
      assert.deepEqual({ n1: p1.items.length, n2: p2.items.length, limit: p2.limit, offset: p2.offset, total: p2.total }, { n1: 4, n2: 2, limit: 4, offset: 4, total: 6 });
      assert.deepEqual([...p1.items, ...p2.items].map((o: { id: string }) => o.id), all.items.map((o: { id: string }) => o.id));
      const tooMany = await get('/api/v1/materials?limit=501');
      assert.equal(tooMany.statusCode, 400);
      assert.deepEqual(tooMany.json().issues.map((i: { path: string }) => i.path), ['limit']);
      for (const path of ['notifications', 'purchase-orders', 'purchase-requisitions', 'work-orders', 'work-order-operations', 'production-moves', 'materials', 'stock', 'stock-movements', 'bom', 'reservations', 'supplier-offers', 'plant-actions', 'plant-events']) {
        const r = await get(`/api/v1/${path}?limit=2`);
        assert.equal(r.statusCode, 200, path);
        assert.ok(Array.isArray(r.json().items) && typeof r.json().total === 'number', path);
      }
      const bom = (await get('/api/v1/bom')).json();
      assert.equal(bom.total, MATERIALS.length);
      const health = await get('/api/v1/health');
      assert.deepEqual(health.json(), { ok: true, store: kind });
      assert.equal((await get('/api/v1/incidents/nope')).statusCode, 404);
    });
  });
}
