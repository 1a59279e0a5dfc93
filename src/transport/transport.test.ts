import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { transportContract } from './transport.contract.ts';
import { createMemoryBroker } from './memory-transport.ts';
import { createMqttTransport } from './mqtt-transport.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { ServiceUnavailableError } from '../core/errors.ts';
import { needServices, serviceUrls } from '../../test/support/services.ts';

transportContract('memory', async () => {
  const broker = createMemoryBroker();
  const a = broker.connect();
  const b = broker.connect();
  return { a, b, close: async () => { await a.close(); await b.close(); } };
});

transportContract('mqtt over embedded aedes', async () => {
  const broker = await startEmbeddedBroker({ port: 0 });
  const a = await createMqttTransport({ url: broker.url });
  const b = await createMqttTransport({ url: broker.url });
  return { a, b, close: async () => { await a.close(); await b.close(); await broker.close(); } };
});

transportContract('mqtt over embedded aedes with authentication and TLS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-ca-'));
  execFileSync('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'dev-ca.sh'), dir], { stdio: 'pipe' });
  const pem = (n: string) => readFileSync(join(dir, n));
  const broker = await startEmbeddedBroker({
    port: null,
    users: [{ username: 'ops', password: 'pw-ops', role: 'admin' }],
    tls: { port: 0, cert: pem('server.crt'), key: pem('server.key') },
  });
  const opts = { url: broker.url, username: 'ops', password: 'pw-ops', ca: pem('ca.crt') };
  const a = await createMqttTransport(opts);
  const b = await createMqttTransport(opts);
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

transportContract('mqtt over mosquitto', async () => {
  const a = await createMqttTransport({ url: serviceUrls.mqtt });
  const b = await createMqttTransport({ url: serviceUrls.mqtt });
  return { a, b, close: async () => { await a.close(); await b.close(); } };
}, { skip: await needServices('mqtt') });

test('mqtt transport - an unreachable broker rejects with ServiceUnavailableError naming the URL', async () => {
  // Port 1 on localhost: nothing listens there, so the connection is refused.
  const url = 'mqtt://127.0.0.1:1';
  await assert.rejects(createMqttTransport({ url, connectTimeoutMs: 300 }), (err: unknown) => {
    assert.ok(err instanceof ServiceUnavailableError);
    assert.match(err.message, /127\.0\.0\.1:1/);
    return true;
  });
});

test('mqtt transport - reconnects and resubscribes after the broker restarts', async () => {
  const first = await startEmbeddedBroker({ port: 0 });
  const port = first.port;
  const sub = await createMqttTransport({ url: first.url, reconnectPeriodMs: 100 });
  const got: string[] = [];
  await sub.subscribe('pdm/restart/+', (_t, p) => got.push(new TextDecoder().decode(p)));
  await first.close();
  const second = await startEmbeddedBroker({ port });
  const pub = await createMqttTransport({ url: second.url });
  try {
    const deadline = Date.now() + 5000;
    // Publish until the resubscribed client hears one (it reconnects within ~100 ms).
    while (got.length === 0 && Date.now() < deadline) {
      await pub.publish('pdm/restart/x', 'after-restart', { qos: 1 });
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(got.includes('after-restart'), 'no message after the broker restarted');
    assert.ok(sub.counters.get('transport.reconnect') >= 1);
  } finally {
    await sub.close();
    await pub.close();
    await second.close();
  }
});

test('embedded broker - close() completes with clients still connected', async () => {
  const broker = await startEmbeddedBroker({ port: 0 });
  const c = await createMqttTransport({ url: broker.url, reconnectPeriodMs: 100 });
  await broker.close();
  await c.close();
  await assert.rejects(createMqttTransport({ url: broker.url, connectTimeoutMs: 200 }), ServiceUnavailableError);
});
