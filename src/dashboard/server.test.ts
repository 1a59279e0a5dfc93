import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Script } from 'node:vm';
import { DashboardState, type Incident } from '../core/index.ts';
import { startDashboard } from './server.ts';
import { sampleIncident } from './incident.test-support.ts';
import { signIn } from './session.test-support.ts';
import { fakeSource as drivenSource } from './fixtures.test-support.ts';

/** The hand-driven source with one pump in alarm and three escalations received. */
function fakeSource(): ReturnType<typeof drivenSource> {
  const source = drivenSource([
    {
      site: 'site-a',
      line: 'line-1',
      machine: 'pump-7',
      machineType: 'centrifugal-pump',
      status: { v: 1, site: 'site-a', line: 'line-1', machine: 'pump-7', machineType: 'centrifugal-pump', ts: 1000, state: 'alarm', score: 9.5, windows: 10 },
      lastSeenMs: 2000,
      openIncidents: ['site-a.pump-7.900'],
    },
  ]);
  source.state.stats['cloud.intake.received'] = 3;
  return source;
}

const incident: Incident = sampleIncident(0.9);

/** Reads SSE text from a stream until `until` matches, returning all text read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: RegExp): Promise<string> {
  const dec = new TextDecoder();
  let text = '';
  while (!until.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${until}: ${text}`);
    text += dec.decode(value, { stream: true });
  }
  return text;
}

test('dashboard - GET / serves one page whose scripts and styles all come from this process', async () => {
  const dash = await startDashboard({ source: fakeSource() });
  try {
    const res = await fetch(dash.url, { headers: { cookie: await signIn(dash) } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const html = await res.text();
    for (const landmark of ['<main', '<header>', '<nav aria-label="Views">', 'id="conn"', 'role="status"', '<html lang="en">']) assert.ok(html.includes(landmark), `page has ${landmark}`);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external scripts or styles');
    // Every asset the page loads, and every module those import, is served here.
    const seen = new Set<string>();
    const queue = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(queue.includes('assets/app.js') && queue.includes('assets/style.css'));
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const r = await fetch(new URL(path, dash.url));
      assert.equal(r.status, 200, `${path} is served`);
      const body = await r.text();
      if (path.endsWith('.js')) {
        assert.match(r.headers.get('content-type') ?? '', /javascript/);
        assert.doesNotMatch(body, /from '(https?:)?\/\//, `${path} imports nothing remote`);
        for (const m of body.matchAll(/from '\.\/([^']+)'/g)) queue.push(`assets/${m[1]}`);
      }
    }
    assert.ok(seen.size >= 8, `all modules reached (${[...seen].join(', ')})`);
    assert.equal((await fetch(new URL('assets/nope.js', dash.url))).status, 404);
    assert.equal((await fetch(new URL('assets/..%2Fserver.ts', dash.url))).status, 404);
  } finally {
    await dash.close();
  }
});

test('dashboard - /api/state returns the source snapshot', async () => {
  const source = fakeSource();
  const dash = await startDashboard({ source });
  try {
    const cookie = await signIn(dash);
    const body = DashboardState.parse(await (await fetch(new URL('api/state', dash.url), { headers: { cookie } })).json());
    assert.equal(body.machines[0]?.machine, 'pump-7');
    assert.equal(body.machines[0]?.status?.state, 'alarm');
    assert.equal(body.stats['cloud.intake.received'], 3);
    source.state.incidents.push(incident);
    const again = DashboardState.parse(await (await fetch(new URL('api/state', dash.url), { headers: { cookie } })).json());
    assert.equal(again.incidents[0]?.diagnosis?.faultType, 'bearing-outer-race');
  } finally {
    await dash.close();
  }
});

test('dashboard - /events sends the snapshot, then streams an event pushed by the source', async () => {
  const source = fakeSource();
  const dash = await startDashboard({ source });
  const abort = new AbortController();
  try {
    const res = await fetch(new URL('events', dash.url), { signal: abort.signal, headers: { cookie: await signIn(dash) } });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const first = await readUntil(reader, /event: snapshot\ndata: .*\n\n/);
    assert.match(first, /"pump-7"/);
    source.push({ type: 'diagnosis', incident });
    const next = await readUntil(reader, /event: diagnosis\ndata: (.*)\n\n/);
    const data = JSON.parse(/event: diagnosis\ndata: (.*)\n\n/.exec(next)![1]!);
    assert.equal(data.incident.diagnosis.explanation, 'Outer race: envelope peak at 3.58x shaft speed');
    abort.abort();
    // The server notices the client left and unsubscribes.
    const deadline = Date.now() + 2000;
    while (source.listeners.size > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(source.listeners.size, 2, 'only the machine history and the incident stamps listen');
  } finally {
    abort.abort();
    await dash.close();
  }
});

test('dashboard - close() ends open event streams and stops listening', async () => {
  const source = fakeSource();
  const dash = await startDashboard({ source });
  const res = await fetch(new URL('events', dash.url), { headers: { cookie: await signIn(dash) } });
  const reader = res.body!.getReader();
  await readUntil(reader, /event: snapshot/);
  assert.equal(source.listeners.size, 3, 'the stream, the machine history and the incident stamps');
  await dash.close();
  let done = false;
  while (!done) done = (await reader.read()).done;
  assert.equal(source.listeners.size, 0);
  await assert.rejects(fetch(dash.url));
});
