import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { filterWithin, grantsFor, mayPublish, maySubscribe, type BrokerUser } from './broker-acl.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { createMqttTransport, type MqttTransport } from './mqtt-transport.ts';
import { mqttTopicMatches } from './mqtt-topic.ts';
import { ServiceUnavailableError, TransportError } from '../core/errors.ts';

const level = fc.constantFrom('a', 'b', 'c');
const topicArb = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));
const filterArb = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '+'), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([l, hash]) => (hash ? [...l, '#'] : l).join('/'));

test('broker acl - a filter judged within a grant never matches a topic outside it', () => {
  fc.assert(
    fc.property(filterArb, filterArb, topicArb, (filter, outer, topic) => {
      if (filterWithin(filter, outer) && mqttTopicMatches(filter, topic)) assert.ok(mqttTopicMatches(outer, topic), `${filter} within ${outer} but ${topic}`);
    }),
    { numRuns: 3000 },
  );
});

test('broker acl - grants per role', () => {
  const edge = grantsFor({ role: 'edge', site: 'site-a' });
  assert.ok(mayPublish(edge, 'pdm/site-a/l1/m1/command'));
  assert.ok(!mayPublish(edge, 'pdm/site-b/l1/m1/command'));
  assert.ok(!mayPublish(edge, 'truth/site-a/l1/m1'));
  assert.ok(maySubscribe(edge, 'pdm/site-a/+/+/telemetry'));
  assert.ok(!maySubscribe(edge, 'pdm/+/+/+/telemetry'));
  assert.ok(!maySubscribe(edge, 'pdm/#'));
  assert.ok(!maySubscribe(edge, 'truth/#'));
  const machine = grantsFor({ role: 'machine', site: 'site-a', machines: ['l1/m1'] });
  assert.ok(mayPublish(machine, 'pdm/site-a/l1/m1/telemetry'));
  assert.ok(mayPublish(machine, 'pdm/site-a/l1/m1/birth'));
  assert.ok(!mayPublish(machine, 'pdm/site-a/l1/m2/telemetry'));
  assert.ok(!mayPublish(machine, 'pdm/site-a/l1/m1/alarm'));
  assert.ok(maySubscribe(machine, 'pdm/site-a/l1/m1/command'));
  assert.ok(!maySubscribe(machine, 'pdm/site-a/l1/+/command'));
  const sim = grantsFor({ role: 'simulator', site: 'site-a' });
  assert.ok(mayPublish(sim, 'truth/site-a/l1/m1'));
  assert.ok(!mayPublish(sim, 'truth/site-b/l1/m1'));
  for (const role of ['edge', 'machine', 'evaluator'] as const) {
    assert.ok(!mayPublish(grantsFor({ role, site: 'site-a' }), 'truth/site-a/l1/m1'), `${role} may not publish truth`);
  }
  assert.ok(maySubscribe(grantsFor({ role: 'evaluator' }), 'truth/#'));
});

test('password hash - verifies the right password only; malformed hashes are false', async () => {
  const h = await hashPassword('s3cret');
  assert.match(h, /^scrypt\$16384\$8\$1\$/);
  assert.ok(!h.includes('s3cret'));
  assert.equal(await verifyPassword('s3cret', h), true);
  assert.equal(await verifyPassword('s3cret!', h), false);
  assert.equal(await verifyPassword('s3cret', 'scrypt$x$8$1$aa$bb'), false);
  assert.notEqual(await hashPassword('s3cret'), h, 'salted');
});

async function withBroker(users: BrokerUser[], fn: (url: string, broker: Awaited<ReturnType<typeof startEmbeddedBroker>>) => Promise<void>) {
  const broker = await startEmbeddedBroker({ port: 0, users });
  try {
    await fn(broker.url, broker);
  } finally {
    await broker.close();
  }
}

const received = (t: MqttTransport, filter: string) => {
  const got: string[] = [];
  return t.subscribe(filter, (topic) => got.push(topic)).then(() => got);
};
const settle = () => new Promise((r) => setTimeout(r, 150));

test('embedded broker auth - site isolation, truth only for the simulator, evaluator reads truth', async () => {
  const users: BrokerUser[] = [
    { username: 'edge-a', passwordHash: await hashPassword('pw-a'), role: 'edge', site: 'site-a' },
    { username: 'edge-b', password: 'pw-b', role: 'edge', site: 'site-b' },
    { username: 'sim-a', password: 'pw-sim', role: 'simulator', site: 'site-a' },
    { username: 'eval', password: 'pw-eval', role: 'evaluator' },
    { username: 'm1', password: 'pw-m1', role: 'machine', site: 'site-a', machines: ['l1/m1'] },
  ];
  await withBroker(users, async (url, broker) => {
    const a = await createMqttTransport({ url, username: 'edge-a', password: 'pw-a' });
    const b = await createMqttTransport({ url, username: 'edge-b', password: 'pw-b' });
    const sim = await createMqttTransport({ url, username: 'sim-a', password: 'pw-sim' });
    const ev = await createMqttTransport({ url, username: 'eval', password: 'pw-eval' });
    const m1 = await createMqttTransport({ url, username: 'm1', password: 'pw-m1' });
    try {
      const atB = await received(b, 'pdm/site-b/#');
      const atA = await received(a, 'pdm/site-a/#');
      const truth = await received(ev, 'truth/#');
      // site A's edge writes into site B's tree: acknowledged (no reconnect loop) but dropped.
      await a.publish('pdm/site-b/l1/m1/command', 'forged');
      await a.publish('truth/site-a/l1/m1', 'forged-label');
      await m1.publish('pdm/site-a/l1/m2/telemetry', 'other machine');
      await m1.publish('pdm/site-a/l1/m1/telemetry', 'own');
      await sim.publish('truth/site-a/l1/m1', 'label');
      await b.publish('pdm/site-b/l1/m1/command', 'legit');
      await settle();
      assert.deepEqual(atB, ['pdm/site-b/l1/m1/command'], 'only site B\'s own message reaches site B');
      assert.deepEqual(atA, ['pdm/site-a/l1/m1/telemetry'], 'only m1\'s own telemetry reaches site A');
      assert.deepEqual(truth, ['truth/site-a/l1/m1'], 'only the simulator\'s label');
      assert.equal(broker.counters.get('broker.publish_denied'), 3);
      // Subscriptions outside the grant are refused with SUBACK 0x80.
      await assert.rejects(a.subscribe('truth/#', () => {}), TransportError);
      await assert.rejects(a.subscribe('pdm/site-b/#', () => {}), TransportError);
      await assert.rejects(a.subscribe('pdm/#', () => {}), TransportError);
      await assert.rejects(a.subscribe('$denied', () => {}), TransportError);
      assert.equal(broker.counters.get('broker.subscribe_denied'), 4);
      // The denied client stays connected and usable.
      await a.publish('pdm/site-a/l1/m1/command', 'still here');
      assert.equal(a.counters.get('transport.reconnect'), 0);
    } finally {
      await Promise.all([a, b, sim, ev, m1].map((t) => t.close()));
    }
  });
});

test('embedded broker auth - bad password, unknown user and anonymous are refused with a TransportError', async () => {
  await withBroker([{ username: 'edge-a', password: 'pw-a', role: 'edge', site: 'site-a' }], async (url, broker) => {
    const started = Date.now();
    await assert.rejects(createMqttTransport({ url, username: 'edge-a', password: 'wrong', connectTimeoutMs: 3000 }), (err: unknown) => {
      assert.ok(err instanceof TransportError);
      assert.match(err.message, /refused.*edge-a.*code 4/);
      assert.ok(!err.message.includes('wrong'), 'no password in the message');
      return true;
    });
    assert.ok(Date.now() - started < 2000, 'refused at once, not after the connect timeout');
    await assert.rejects(createMqttTransport({ url, username: 'nobody', password: 'x' }), TransportError);
    await assert.rejects(createMqttTransport({ url }), (err: unknown) => err instanceof TransportError && /code 5/.test(err.message));
    assert.equal(broker.counters.get('broker.auth_refused'), 3);
  });
});

test('embedded broker - without users it stays anonymous and logs so', async () => {
  const lines: string[] = [];
  const logger = { info: (_o: unknown, m: string) => lines.push(m), warn() {}, error() {}, debug() {}, child() { return logger; } } as never;
  const broker = await startEmbeddedBroker({ port: 0, logger });
  try {
    const t = await createMqttTransport({ url: broker.url });
    await t.publish('truth/x/y/z', 'ok');
    await t.close();
    assert.ok(lines.some((l) => /ANONYMOUS/.test(l)));
  } finally {
    await broker.close();
  }
});

test('embedded broker - TLS listener with client certificates from scripts/dev-ca.sh', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-ca-'));
  try {
    try {
      execFileSync('bash', ['scripts/dev-ca.sh', dir], { stdio: 'pipe' });
    } catch (err) {
      t.skip(`dev-ca.sh failed (openssl missing?): ${(err as Error).message}`);
      return;
    }
    const pem = (n: string) => readFileSync(join(dir, n));
    const broker = await startEmbeddedBroker({
      port: null,
      users: [{ username: 'edge-a', password: 'pw-a', role: 'edge', site: 'site-a' }],
      tls: { port: 0, cert: pem('server.crt'), key: pem('server.key'), ca: pem('ca.crt') },
    });
    try {
      assert.match(broker.url, /^mqtts:\/\//);
      const c = await createMqttTransport({ url: broker.url, username: 'edge-a', password: 'pw-a', ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') });
      const got = await received(c, 'pdm/site-a/#');
      await c.publish('pdm/site-a/l/m/command', 'x');
      await settle();
      assert.deepEqual(got, ['pdm/site-a/l/m/command']);
      await c.close();
      // Without a client certificate the handshake fails.
      await assert.rejects(createMqttTransport({ url: broker.url, username: 'edge-a', password: 'pw-a', ca: pem('ca.crt'), connectTimeoutMs: 1000, reconnectPeriodMs: 200 }), ServiceUnavailableError);
      // Without trusting the CA the client refuses the server.
      await assert.rejects(createMqttTransport({ url: broker.url, username: 'edge-a', password: 'pw-a', cert: pem('client.crt'), key: pem('client.key'), connectTimeoutMs: 1000, reconnectPeriodMs: 200 }), ServiceUnavailableError);
    } finally {
      await broker.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mqtt transport - credentials refused on a reconnect stop the reconnect loop with a TransportError', async () => {
  const first = await startEmbeddedBroker({ port: 0, users: [{ username: 'edge-a', password: 'old', role: 'edge', site: 'site-a' }] });
  const port = first.port;
  const c = await createMqttTransport({ url: first.url, username: 'edge-a', password: 'old', reconnectPeriodMs: 50 });
  await first.close();
  // The broker comes back with a rotated password: retrying with the old one cannot succeed.
  const second = await startEmbeddedBroker({ port, users: [{ username: 'edge-a', password: 'new', role: 'edge', site: 'site-a' }] });
  try {
    const deadline = Date.now() + 5000;
    while (c.counters.get('transport.auth_refused') === 0 && Date.now() < deadline) await settle();
    assert.equal(c.counters.get('transport.auth_refused'), 1);
    await assert.rejects(c.publish('pdm/site-a/l/m/command', 'x'), TransportError);
    const refusals = second.counters.get('broker.auth_refused');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(second.counters.get('broker.auth_refused'), refusals, 'no further attempts');
  } finally {
    await c.close();
    await second.close();
  }
});
