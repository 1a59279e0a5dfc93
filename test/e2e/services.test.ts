// The four processes as children against the real services on 127.0.0.1 (Mosquitto, NATS
// JetStream, PostgreSQL): one injected fault must end as exactly one purchase-order row in
// PostgreSQL, and every process must stop cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTempDatabase, needServices, serviceUrls } from '../support/services.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edge-pdm.js');

interface Child { proc: ChildProcess; out: string[]; err: string[]; name: string }

function start(name: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { proc, out: [], err: [], name };
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => c.out.push(d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => c.err.push(d));
  return c;
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, children: Child[]): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    for (const c of children) {
      if (c.proc.exitCode !== null && c.proc.exitCode !== 0) throw new Error(`${c.name} exited ${c.proc.exitCode}: ${c.err.join('').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${children.map((c) => `--- ${c.name}\n${c.out.join('')}${c.err.join('').slice(-1500)}`).join('\n')}`);
}

function printed(c: Child, prefix: string): string | undefined {
  const line = c.out.join('').split('\n').find((l) => l.startsWith(prefix));
  return line?.slice(prefix.length).trim();
}

function stop(c: Child): Promise<number | null> {
  if (c.proc.exitCode !== null) return Promise.resolve(c.proc.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => c.proc.kill('SIGKILL'), 15_000);
    c.proc.once('exit', (code) => { clearTimeout(kill); resolve(code); });
    c.proc.kill('SIGTERM');
  });
}

test('e2e services - sim, edge, cloud and enterprise as processes on Mosquitto, JetStream and PostgreSQL', { timeout: 300_000, skip: await needServices('mqtt', 'nats', 'postgres') }, async () => {
  const db = await createTempDatabase();
  const run = randomBytes(4).toString('hex');
  const site = `e2e${run}-a`;
  // The enterprise API takes bearer tokens: the cloud and the plant floor present the integration one.
  const token = randomBytes(16).toString('hex');
  const common = {
    MQTT_URL: serviceUrls.mqtt, NATS_URL: serviceUrls.nats, DATABASE_URL: db.url,
    NATS_NAMESPACE: `e2e${run}`, PDM_DATA_DIR: mkdtempSync(join(tmpdir(), 'edge-pdm-services-')),
    ENTERPRISE_TOKENS: `integration:${token}`, ENTERPRISE_TOKEN: token,
  };
  const children: Child[] = [];
  try {
    const enterprise = start('enterprise', ['enterprise', '--port', '0'], common);
    children.push(enterprise);
    const entUrl = await waitFor('enterprise URL', () => printed(enterprise, 'enterprise:'), 60_000, children);
    const cloud = start('cloud', ['cloud', '--port', '0'], { ...common, ENTERPRISE_URL: entUrl });
    const edge = start('edge', ['edge', '--site', site], common);
    children.push(cloud, edge);
    await waitFor('cloud dashboard URL', () => printed(cloud, 'dashboard:'), 60_000, children);
    await waitFor('edge ready', () => printed(edge, `edge ${site}:`), 60_000, children);

    const sim = start('sim', ['sim', '--machines', '3', '--site-prefix', `e2e${run}`, '--speed', '20000', '--duration', '40h', '--fault', 'pump-001:bearing-outer-race:8h:36h'], { ...common, ENTERPRISE_URL: entUrl });
    children.push(sim);
    await waitFor('sim to finish', () => (sim.proc.exitCode === 0 ? true : undefined), 180_000, children);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await waitFor('one purchase order row', async () => {
        // Replenishment orders (stock below its reorder point after the repair) carry no incident.
        const r = await client.query('SELECT * FROM purchase_orders WHERE incident_id IS NOT NULL');
        return r.rows.length >= 1 ? r.rows : undefined;
      }, 60_000, children);
      // Let any straggling duplicate show up before counting.
      await new Promise((r) => setTimeout(r, 2000));
      const again = await client.query('SELECT * FROM purchase_orders WHERE incident_id IS NOT NULL');
      assert.equal(again.rows.length, 1, JSON.stringify(again.rows));
      assert.equal(rows[0].incident_id.startsWith(`${site}.pump-001.`), true, rows[0].incident_id);
    } finally {
      await client.end();
    }
    for (const c of [sim, edge, cloud, enterprise]) {
      const code = await stop(c);
      assert.equal(code, 0, `${c.name} stopped with ${code}: ${c.err.join('').slice(-1500)}`);
    }
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    await db.drop();
  }
});
