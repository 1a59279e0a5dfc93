// Mosquitto with the documented configuration (config/mosquitto/: TLS listener, password file,
// per-site ACL), started by this test on a spare port with certificates from scripts/dev-ca.sh.
// Needs the mosquitto binary (not the running service).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMqttTransport, type MqttTransport, type MqttTransportConfig } from '../../src/transport/mqtt-transport.ts';
import { findBinary, needBinary, sparePort, startService } from '../../src/transport/test-process.ts';
import { ServiceUnavailableError, TransportError } from '../../src/core/errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const MOSQUITTO = findBinary('/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto');
const PASSWD = findBinary('/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd', '/usr/local/bin/mosquitto_passwd');
const skip = needBinary('mosquitto', MOSQUITTO) || needBinary('mosquitto_passwd', PASSWD);

const PASSWORDS: Record<string, string> = { 'site-a': 'pw-site-a', 'site-b': 'pw-site-b', simulator: 'pw-sim', evaluator: 'pw-eval' };

/** The documented config with its paths and port pointed at `dir`; fails if the config no longer has what we rewrite. */
function generateConfig(dir: string, port: number): string {
  let conf = readFileSync(join(ROOT, 'config/mosquitto/mosquitto.conf'), 'utf8');
  const rewrite = (from: RegExp, to: string) => {
    assert.match(conf, from, `config/mosquitto/mosquitto.conf lost ${from}`);
    conf = conf.replace(from, to);
  };
  rewrite(/\/etc\/mosquitto\/edge-pdm\//g, `${dir}/`);
  rewrite(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  rewrite(/^listener 8883$/m, `listener ${port} 127.0.0.1`);
  // As root Mosquitto switches to the `mosquitto` user, which cannot read our temp dir.
  if (process.getuid?.() === 0) conf += '\nuser root\n';
  return conf;
}

test('mosquitto security - TLS, passwords and the per-site ACL from config/mosquitto', { skip, timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-mosq-'));
  const clients: MqttTransport[] = [];
  let broker: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    execFileSync('bash', [join(ROOT, 'scripts/dev-ca.sh'), dir], { stdio: 'pipe' });
    copyFileSync(join(ROOT, 'config/mosquitto/acl'), join(dir, 'acl'));
    let first = true;
    for (const [user, pw] of Object.entries(PASSWORDS)) {
      execFileSync(PASSWD!, [...(first ? ['-c'] : []), '-b', join(dir, 'passwd'), user, pw], { stdio: 'pipe' });
      first = false;
    }
    chmodSync(join(dir, 'passwd'), 0o600);
    assert.ok(!readFileSync(join(dir, 'passwd'), 'utf8').includes('pw-site-a'), 'password file holds hashes');
    const port = await sparePort();
    writeFileSync(join(dir, 'mosquitto.conf'), generateConfig(dir, port));
    broker = await startService(MOSQUITTO!, ['-c', join(dir, 'mosquitto.conf')], port);

    const ca = readFileSync(join(dir, 'ca.crt'));
    const url = `mqtts://localhost:${port}`;
    const open = async (user: string, extra: Partial<MqttTransportConfig> = {}) => {
      const c = await createMqttTransport({ url, username: user, password: PASSWORDS[user], ca, connectTimeoutMs: 3000, ...extra });
      clients.push(c);
      return c;
    };
    const listen = async (c: MqttTransport, filter: string) => {
      const got: string[] = [];
      try {
        await c.subscribe(filter, (topic, p) => got.push(`${topic}=${new TextDecoder().decode(p)}`));
      } catch (err) {
        // Mosquitto may refuse the subscription outright (SUBACK 0x80); either way nothing arrives.
        assert.ok(err instanceof TransportError);
      }
      return got;
    };
    const settle = () => new Promise((r) => setTimeout(r, 300));

    const a = await open('site-a');
    const b = await open('site-b');
    const sim = await open('simulator');
    const ev = await open('evaluator');

    await t.test('a site user publishes and subscribes in its own tree', async () => {
      const got = await listen(a, 'pdm/site-a/#');
      await a.publish('pdm/site-a/l1/m1/command', 'own');
      await sim.publish('pdm/site-a/l1/m1/telemetry', 'from-sim');
      await settle();
      assert.deepEqual(got.sort(), ['pdm/site-a/l1/m1/command=own', 'pdm/site-a/l1/m1/telemetry=from-sim']);
    });

    await t.test('a site user cannot publish into or read from another site', async () => {
      const atB = await listen(b, 'pdm/site-b/#');
      const aSeesB = await listen(a, 'pdm/site-b/#');
      const aSeesAll = await listen(a, 'pdm/+/+/+/command');
      await a.publish('pdm/site-b/l1/m1/command', 'forged'); // acknowledged by Mosquitto, then dropped
      await b.publish('pdm/site-b/l1/m1/command', 'legit');
      await settle();
      assert.deepEqual(atB, ['pdm/site-b/l1/m1/command=legit'], 'site B gets only its own message');
      assert.deepEqual(aSeesB, [], 'site A reads nothing of site B');
      assert.ok(aSeesAll.every((m) => m.startsWith('pdm/site-a/')), `site A's wide filter leaked ${aSeesAll.join(', ')}`);
    });

    await t.test('ground truth: only the simulator writes it, only the evaluator reads it', async () => {
      const evGot = await listen(ev, 'truth/#');
      const aGot = await listen(a, 'truth/#');
      await a.publish('truth/site-a/l1/m1', 'forged-label');
      await sim.publish('truth/site-a/l1/m1', 'label');
      await settle();
      assert.deepEqual(evGot, ['truth/site-a/l1/m1=label']);
      assert.deepEqual(aGot, []);
    });

    await t.test('a bad password is refused with a TransportError at once', async () => {
      await assert.rejects(createMqttTransport({ url, username: 'site-a', password: 'wrong', ca, connectTimeoutMs: 3000 }), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.match(err.message, /refused/);
        return true;
      });
      await assert.rejects(createMqttTransport({ url, ca, connectTimeoutMs: 3000 }), TransportError); // anonymous
    });

    await t.test('plain TCP and an untrusted server certificate are refused on the TLS port', async () => {
      await assert.rejects(
        createMqttTransport({ url: `mqtt://127.0.0.1:${port}`, username: 'site-a', password: PASSWORDS['site-a'], connectTimeoutMs: 1500, reconnectPeriodMs: 300 }),
        ServiceUnavailableError,
      );
      await assert.rejects(
        createMqttTransport({ url, username: 'site-a', password: PASSWORDS['site-a'], connectTimeoutMs: 1500, reconnectPeriodMs: 300 }),
        ServiceUnavailableError, // no ca: the dev CA is not trusted
      );
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
