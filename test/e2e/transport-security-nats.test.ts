// nats-server with the documented configuration (config/nats/nats-server.conf: users and subject
// permissions for edges and diagnosis workers, JetStream), started by this test on a spare port
// with a temp store. Needs the nats-server binary (not the running service).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJetStreamQueue, type JetStreamQueue, type JetStreamQueueConfig } from '../../src/transport/jetstream-queue.ts';
import { findBinary, needBinary, sparePort, startService } from '../../src/transport/test-process.ts';
import { TransportError } from '../../src/core/errors.ts';
import { subjects } from '../../src/core/topics.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const NATS = findBinary('/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server');
const skip = needBinary('nats-server', NATS);

const PASSWORDS = {
  PDM_NATS_ADMIN_PASSWORD: 'pw-admin',
  PDM_NATS_WORKER_PASSWORD: 'pw-worker',
  PDM_NATS_EDGE_SITE_A_PASSWORD: 'pw-edge-a',
  PDM_NATS_EDGE_SITE_B_PASSWORD: 'pw-edge-b',
};

function generateConfig(dir: string, port: number): string {
  let conf = readFileSync(join(ROOT, 'config/nats/nats-server.conf'), 'utf8');
  const rewrite = (from: RegExp, to: string) => {
    assert.match(conf, from, `config/nats/nats-server.conf lost ${from}`);
    conf = conf.replace(from, to);
  };
  rewrite(/^listen: 127\.0\.0\.1:4222$/m, `listen: 127.0.0.1:${port}`);
  rewrite(/store_dir: "[^"]*"/, `store_dir: "${dir}/js"`);
  return conf;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('nats security - edge and worker users with the subject permissions from config/nats', { skip, timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-nats-'));
  const queues: JetStreamQueue[] = [];
  let server: Awaited<ReturnType<typeof startService>> | undefined;
  const prevEnv = { ...process.env };
  try {
    const port = await sparePort();
    writeFileSync(join(dir, 'nats-server.conf'), generateConfig(dir, port));
    // nats-server reads the passwords from its environment ($VAR in the config).
    Object.assign(process.env, PASSWORDS);
    server = await startService(NATS!, ['-c', join(dir, 'nats-server.conf')], port);
    const url = `nats://127.0.0.1:${port}`;
    const open = async (user: string, pass: string, extra: Partial<JetStreamQueueConfig> = {}) => {
      const q = await createJetStreamQueue({ url, user, pass, inboxPrefix: `_INBOX_${user}`, ackWaitMs: 2000, connectTimeoutMs: 3000, ...extra });
      queues.push(q);
      return q;
    };

    // The operator creates the stream; restricted users only look it up.
    await open('pdm-admin', PASSWORDS.PDM_NATS_ADMIN_PASSWORD, { inboxPrefix: undefined });
    const edgeA = await open('edge-site-a', PASSWORDS.PDM_NATS_EDGE_SITE_A_PASSWORD);
    const edgeB = await open('edge-site-b', PASSWORDS.PDM_NATS_EDGE_SITE_B_PASSWORD);
    const worker = await open('pdm-worker', PASSWORDS.PDM_NATS_WORKER_PASSWORD);

    await t.test('an edge publishes its own escalation and status but not another site\'s', async () => {
      await edgeA.publish(subjects.escalation('site-a'), enc('esc-a'));
      await edgeA.publish(subjects.status('site-a'), enc('status-a'));
      await edgeB.publish(subjects.escalation('site-b'), enc('esc-b'));
      await assert.rejects(edgeA.publish(subjects.escalation('site-b'), enc('forged')), TransportError);
      await assert.rejects(edgeA.publish(subjects.ack('site-a'), enc('forged-ack')), TransportError);
    });

    await t.test('a worker consumes every site\'s escalations, and only the real ones', async () => {
      const got: string[] = [];
      const c = await worker.consume(subjects.escalationsAll, 'diagnosis', async (m) => {
        got.push(`${m.subject}=${dec(m.data)}`);
        return 'ack' as const;
      });
      const deadline = Date.now() + 10_000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      await c.stop();
      assert.deepEqual(got.sort(), ['pdm.escalation.site-a=esc-a', 'pdm.escalation.site-b=esc-b']);
      assert.equal(worker.counters.get('queue.ack_failed'), 0, 'the server recorded the acks ($JS.ACK permission)');
    });

    await t.test('a worker acks to a site; only that site\'s edge can consume it', async () => {
      await worker.publish(subjects.ack('site-a'), enc('ack-a'));
      await assert.rejects(worker.publish(subjects.escalation('site-a'), enc('x')), TransportError);
      const got: string[] = [];
      const c = await edgeA.consume(subjects.ack('site-a'), 'edge-site-a', async (m) => {
        got.push(dec(m.data));
        return 'ack' as const;
      });
      const deadline = Date.now() + 10_000;
      while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await c.stop();
      assert.deepEqual(got, ['ack-a']);
      assert.equal(edgeA.counters.get('queue.ack_failed'), 0, 'the server recorded the ack ($JS.ACK permission)');
      // Site B's edge cannot read site A's acks, nor join the workers' durable.
      await assert.rejects(edgeB.consume(subjects.ack('site-a'), 'edge-site-a', async () => 'ack' as const));
      await assert.rejects(edgeB.consume(subjects.ack('site-a'), 'edge-site-b', async () => 'ack' as const));
      await assert.rejects(edgeA.consume(subjects.escalationsAll, 'diagnosis', async () => 'ack' as const));
    });

    await t.test('model releases and fleet status flow with the same kind of grants', async () => {
      await worker.publish(subjects.model('site-a'), enc('model-a'));
      const models: string[] = [];
      const statuses: string[] = [];
      const cm = await edgeA.consume(subjects.model('site-a'), 'models-site-a', async (m) => {
        models.push(dec(m.data));
        return 'ack' as const;
      });
      const cs = await worker.consume(subjects.statusAll, 'fleet-status', async (m) => {
        statuses.push(`${m.subject}=${dec(m.data)}`);
        return 'ack' as const;
      });
      const deadline = Date.now() + 10_000;
      while ((models.length < 1 || statuses.length < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await cm.stop();
      await cs.stop();
      assert.deepEqual(models, ['model-a']);
      assert.deepEqual(statuses, ['pdm.status.site-a=status-a']);
      assert.equal(edgeA.counters.get('queue.ack_failed') + worker.counters.get('queue.ack_failed'), 0);
      await assert.rejects(edgeB.consume(subjects.model('site-a'), 'models-site-b', async () => 'ack' as const));
    });

    await t.test('a wrong password is refused with a TransportError', async () => {
      await assert.rejects(createJetStreamQueue({ url, user: 'edge-site-a', pass: 'wrong', connectTimeoutMs: 3000 }), (err: unknown) => {
        assert.ok(err instanceof TransportError, String(err));
        assert.ok(!err.message.includes('wrong'));
        return true;
      });
      await assert.rejects(createJetStreamQueue({ url, connectTimeoutMs: 3000 }), TransportError); // no credentials
    });
  } finally {
    await Promise.all(queues.map((q) => q.close().catch(() => {})));
    await server?.stop();
    for (const k of Object.keys(PASSWORDS)) if (!(k in prevEnv)) delete process.env[k];
    rmSync(dir, { recursive: true, force: true });
  }
});
