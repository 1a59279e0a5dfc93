import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDashboard } from './server.ts';
import { fetchAs } from './session.test-support.ts';
import { fakeEnterprise, fakeSource, fakeSovereignty, fleetMachine, fullIncident } from './fixtures.test-support.ts';

const TOKEN = 'viewer-token-123';
/** The JSON body of a response, untyped (the test asserts its fields). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

test('dashboard enterprise proxy - lists and the incident record are read with the server-held token', async () => {
  const m = fleetMachine(0);
  const incident = fullIncident(m, 'decision');
  const ent = await fakeEnterprise(TOKEN, incident, [m, fleetMachine(1)]);
  const dash = await startDashboard({ source: fakeSource([m]), enterprise: { baseUrl: ent.url, token: TOKEN } });
  try {
    const config = await body(fetchAs(dash, 'api/config'));
    assert.deepEqual(config, { enterprise: true, sovereignty: false, preAlarmScore: 4 });
    const pos = await body(fetchAs(dash, 'api/enterprise/purchase-orders?limit=20&machine=pump-001&evil=1'));
    assert.equal(pos.items[0].id, 'PO-000007');
    const call = ent.calls.find((c) => c.includes('/api/v1/purchase-orders'))!;
    assert.match(call, /limit=20/);
    assert.match(call, /machine=pump-001/);
    assert.doesNotMatch(call, /evil/, 'only known query parameters pass');
    assert.match(call, new RegExp(`Bearer ${TOKEN}$`));

    const rec = await body(fetchAs(dash, `api/enterprise/incidents/${encodeURIComponent(incident.escalation.id)}`));
    assert.equal(rec.workOrder.id, 'WO-000009');
    const missing = await fetchAs(dash, 'api/enterprise/incidents/nope');
    assert.equal(missing.status, 404);

    const sched = await body(fetchAs(dash, 'api/enterprise/schedule'));
    assert.equal(sched.workOrders[0].id, 'WO-000009');
    assert.equal(sched.productionOrders.length, 16);
    assert.equal(sched.moves.length, 1);
    assert.equal(typeof sched.clock.nowMs, 'number');

    assert.equal((await fetchAs(dash, 'api/enterprise/plant')).status, 404, 'no route outside the whitelist');
  } finally {
    await dash.close();
    await ent.close();
  }
});

test('dashboard enterprise proxy - an enterprise that is down or refuses the token is a 502 with a message', async () => {
  const ent = await fakeEnterprise(TOKEN, null, []);
  const wrong = await startDashboard({ source: fakeSource(), enterprise: { baseUrl: ent.url, token: 'wrong-token' } });
  await ent.close();
  const down = await startDashboard({ source: fakeSource(), enterprise: { baseUrl: ent.url, token: TOKEN, timeoutMs: 1000 } });
  try {
    const r = await fetchAs(down, 'api/enterprise/stock');
    assert.equal(r.status, 502);
    const b = await body(r);
    assert.equal(b.error, 'enterprise-unavailable');
    assert.match(b.message, /unreachable/);
    // The dashboard itself keeps serving.
    assert.equal((await fetchAs(down, 'api/state')).status, 200);
    assert.equal((await fetchAs(down, 'api/enterprise/schedule')).status, 502);
  } finally {
    await down.close();
    await wrong.close();
  }
  const ent2 = await fakeEnterprise(TOKEN, null, []);
  const refused = await startDashboard({ source: fakeSource(), enterprise: { baseUrl: ent2.url, token: 'wrong-token' } });
  try {
    const r = await fetchAs(refused, 'api/enterprise/stock');
    assert.equal(r.status, 502);
    assert.match((await body(r)).message, /refused the dashboard's token \(401\)/);
  } finally {
    await refused.close();
    await ent2.close();
  }
});

test('dashboard enterprise proxy - without an enterprise link the routes say it is not configured', async () => {
  const dash = await startDashboard({ source: fakeSource() });
  try {
    const r = await fetchAs(dash, 'api/enterprise/stock');
    assert.equal(r.status, 404);
    assert.equal((await body(r)).error, 'enterprise-not-configured');
    assert.equal((await fetchAs(dash, 'api/sovereignty')).status, 404);
  } finally {
    await dash.close();
  }
});

test('dashboard - /api/sovereignty serves the source summary, a failing source is a 502', async () => {
  let fail = false;
  const sov = fakeSovereignty();
  const dash = await startDashboard({ source: fakeSource(), sovereignty: { summary: () => (fail ? Promise.reject(new Error('key service down')) : sov.summary()) } });
  try {
    const s = await body(fetchAs(dash, 'api/sovereignty'));
    assert.equal(s.sites[1].grant, 'revoked');
    assert.equal(s.audit.ok, true);
    fail = true;
    const r = await fetchAs(dash, 'api/sovereignty');
    assert.equal(r.status, 502);
    assert.match((await body(r)).message, /key service down/);
  } finally {
    await dash.close();
  }
});

test('dashboard - /api/history keeps each machine status points in event-time order', async () => {
  const source = fakeSource([fleetMachine(0, 1000)]);
  const dash = await startDashboard({ source });
  try {
    for (let k = 1; k <= 5; k++) source.push({ type: 'status', machine: fleetMachine(0, 1000 + k * 60_000) });
    source.push({ type: 'status', machine: fleetMachine(0, 1000 + 2 * 60_000) }); // late repeat: dropped
    const h = await body(fetchAs(dash, 'api/history?machine=' + encodeURIComponent('site-a/line-1/pump-001')));
    assert.deepEqual(h.points.map((p: { t: number }) => p.t), [1000, 61_000, 121_000, 181_000, 241_000, 301_000]);
    assert.equal(typeof h.points[0].features.rms, 'number');
    assert.equal(h.points[1].wallMs, 61_000, 'each point keeps the wall time the status arrived (fixtures: lastSeenMs = ts)');
    assert.equal((await fetchAs(dash, 'api/history')).status, 400);
  } finally {
    await dash.close();
  }
});
