import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBrokerUsers, loadBrokerUsers, readPemFiles } from './broker-credentials.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { createMqttTransport } from './mqtt-transport.ts';
import { ConfigError, TransportError } from '../core/errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');

test('broker credentials - the example users file parses', () => {
  const users = loadBrokerUsers(join(ROOT, 'config/embedded-broker/users.example.yaml'));
  assert.deepEqual(users.map((u) => `${u.username}:${u.role}`), ['edge-site-a:edge', 'sim-site-a:simulator', 'pump-1:machine', 'evaluator:evaluator']);
});

test('broker credentials - a bad users file is a ConfigError naming the entry, never the password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-users-'));
  try {
    const bad = join(dir, 'users.json');
    writeFileSync(bad, JSON.stringify({ users: [{ username: 'x', password: 'TOPSECRET', role: 'edge' }] }));
    assert.throws(() => loadBrokerUsers(bad), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /users\.0.*site/);
      assert.ok(!err.message.includes('TOPSECRET'));
      return true;
    });
    const twice = join(dir, 'twice.yaml');
    writeFileSync(twice, 'users:\n  - {username: a, password: p, role: evaluator}\n  - {username: a, password: q, role: evaluator}\n');
    assert.throws(() => loadBrokerUsers(twice), /listed twice/);
    assert.throws(() => loadBrokerUsers(join(dir, 'missing.yaml')), ConfigError);
    assert.throws(() => readPemFiles({ ca: join(dir, 'nope.crt') }), /TLS ca file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('broker credentials - generated demo users log in with their roles and nothing more', async () => {
  const gen = generateBrokerUsers(['site-a', 'site-b']);
  const broker = await startEmbeddedBroker({ port: 0, users: gen.users });
  try {
    const edge = await createMqttTransport({ url: broker.url, ...gen.edge('site-a') });
    await assert.rejects(edge.subscribe('pdm/site-b/#', () => {}), TransportError);
    await edge.close();
    const ev = await createMqttTransport({ url: broker.url, ...gen.evaluator() });
    const got: string[] = [];
    await ev.subscribe('truth/#', (topic) => got.push(topic));
    const sim = await createMqttTransport({ url: broker.url, ...gen.simulator() });
    await sim.publish('truth/site-b/l/m', 'label');
    await sim.publish('pdm/site-a/l/m/command', 'not a simulator topic');
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(got, ['truth/site-b/l/m']);
    assert.equal(broker.counters.get('broker.publish_denied'), 1);
    await sim.close();
    await ev.close();
    await assert.rejects(createMqttTransport({ url: broker.url, username: gen.edge('site-a').username, password: gen.edge('site-b').password }), TransportError);
    assert.throws(() => gen.edge('site-c'), ConfigError);
  } finally {
    await broker.close();
  }
});
