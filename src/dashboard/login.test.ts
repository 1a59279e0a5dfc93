import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { startDashboard } from './server.ts';
import { fakeSource, fleetMachine } from './fixtures.test-support.ts';
import { signIn } from './session.test-support.ts';

const VIEWER = 'viewer-token-0123456789';
const PLANNER = 'planner-token-0123456789';
const TOKENS = [{ role: 'viewer' as const, token: VIEWER }, { role: 'planner' as const, token: PLANNER }];

/** Posts the login form as a browser would. */
function postLogin(url: string, token: string, origin?: string) {
  return fetch(new URL('login', url), {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ token }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
  });
}

test('dashboard login - without a session the page redirects to the login form; data routes and the event stream answer 401', async () => {
  const source = fakeSource([fleetMachine(0)]);
  const dash = await startDashboard({ source, tokens: TOKENS });
  try {
    const page = await fetch(dash.url, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(new URL(page.headers.get('location')!, dash.url).pathname, '/login');
    const form = await fetch(new URL('login', dash.url));
    assert.equal(form.status, 200);
    const html = await form.text();
    assert.match(html, /<label for="token">Access token<\/label>/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing from the internet');
    for (const path of ['api/state', 'api/config', 'api/session', 'api/history?machine=a/b/c', 'api/stamps?incident=x', 'api/enterprise/stock', 'api/sovereignty', 'events']) {
      const res = await fetch(new URL(path, dash.url));
      assert.equal(res.status, 401, `${path} needs a session`);
      assert.doesNotMatch(res.headers.get('content-type') ?? '', /event-stream/);
    }
    assert.equal(source.listeners.size, 2, 'no event stream was opened (only the history and stamps listen)');
    const forged = await fetch(new URL('api/state', dash.url), { headers: { cookie: 'pdm_session=forged-session-id' } });
    assert.equal(forged.status, 401);
    // Static assets carry no data and the login page needs its stylesheet.
    assert.equal((await fetch(new URL('assets/style.css', dash.url))).status, 200);
  } finally {
    await dash.close();
  }
});

test('dashboard login - a token opens an HttpOnly, SameSite=Strict session; viewer reads, planner may act; logout ends it', async () => {
  const source = fakeSource([fleetMachine(0)]);
  const dash = await startDashboard({ source, tokens: TOKENS });
  try {
    const wrong = await postLogin(dash.url, 'not-a-token-at-all');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.match(await wrong.text(), /role="alert">That token is not valid/);

    const ok = await postLogin(dash.url, VIEWER);
    assert.equal(ok.status, 303);
    const set = ok.headers.get('set-cookie') ?? '';
    assert.match(set, /^pdm_session=[\w-]{40,};/);
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(set.includes(attr), `cookie has ${attr}`);
    assert.ok(!set.includes(VIEWER), 'the cookie is a session id, not the token');
    const cookie = set.split(';')[0]!;
    const who = (await (await fetch(new URL('api/session', dash.url), { headers: { cookie } })).json()) as { role: string; canAct: boolean; expiresAtMs: number };
    assert.equal(who.role, 'viewer');
    assert.equal(who.canAct, false, 'a viewer is read-only');
    assert.ok(who.expiresAtMs > Date.now());
    const state = await fetch(new URL('api/state', dash.url), { headers: { cookie } });
    assert.equal(state.status, 200);
    assert.equal(((await state.json()) as { machines: { machine: string }[] }).machines[0]!.machine, 'pump-001');
    assert.equal((await fetch(dash.url, { headers: { cookie } })).status, 200);

    const planner = (await postLogin(dash.url, PLANNER)).headers.get('set-cookie')!.split(';')[0]!;
    assert.equal(((await (await fetch(new URL('api/session', dash.url), { headers: { cookie: planner } })).json()) as { canAct: boolean }).canAct, true);

    // A login form posted from another site is refused (login CSRF).
    assert.equal((await postLogin(dash.url, VIEWER, 'http://evil.example')).status, 403);

    const out = await fetch(new URL('logout', dash.url), { method: 'POST', redirect: 'manual', headers: { cookie } });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await fetch(new URL('api/state', dash.url), { headers: { cookie } })).status, 401, 'the session is gone server-side');
  } finally {
    await dash.close();
  }
});

test('dashboard login - the one-time link signs in once; the event stream opens only with a session', async () => {
  const dash = await startDashboard({ source: fakeSource([fleetMachine(0)]) });
  const abort = new AbortController();
  try {
    const link = dash.loginUrl();
    const first = await fetch(link, { redirect: 'manual' });
    assert.equal(first.status, 303);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const again = await fetch(link, { redirect: 'manual' });
    assert.equal(again.status, 401);
    assert.match(await again.text(), /already used or has expired/);
    const stream = await fetch(new URL('events', dash.url), { headers: { cookie }, signal: abort.signal });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/);
  } finally {
    abort.abort();
    await dash.close();
  }
});

test('dashboard login - tokens, codes and session ids never reach the log', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
  const dash = await startDashboard({ source: fakeSource([]), tokens: TOKENS, logger });
  try {
    await postLogin(dash.url, 'wrong-token-0123456789');
    const ok = await postLogin(dash.url, PLANNER);
    const session = ok.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
    const link = dash.loginUrl();
    await fetch(link, { redirect: 'manual' });
    await fetch(link, { redirect: 'manual' });
    await signIn(dash);
    const log = lines.join('');
    assert.match(log, /dashboard login refused/, 'refusals are logged');
    assert.match(log, /dashboard login by one-time link/);
    for (const secret of [PLANNER, VIEWER, 'wrong-token-0123456789', session, new URL(link).searchParams.get('code')!]) assert.ok(!log.includes(secret), 'no secret in the log');
  } finally {
    await dash.close();
  }
});
