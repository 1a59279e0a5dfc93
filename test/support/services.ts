// Gates for tests that need a real service (Mosquitto, NATS JetStream, PostgreSQL).
// Without PDM_REQUIRE_SERVICES=1 a missing service skips the test with a clear message;
// with it (CI) a missing service fails the run.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const serviceUrls = {
  mqtt: process.env.PDM_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883',
  nats: process.env.PDM_TEST_NATS_URL ?? 'nats://127.0.0.1:4222',
  postgres: process.env.PDM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
} as const;

export type ServiceName = keyof typeof serviceUrls;

function reachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port) || ({ 'mqtt:': 1883, 'nats:': 4222, 'postgres:': 5432, 'postgresql:': 5432 } as Record<string, number>)[u.protocol] || 0;
  return new Promise((resolve) => {
    const s = connect({ host: u.hostname, port });
    const done = (v: boolean) => { s.destroy(); resolve(v); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Returns `false` when every named service answers (run the test), or a skip message. Throws
 * when PDM_REQUIRE_SERVICES=1 and one is missing, so the test file fails instead of skipping.
 * Use as `test(name, { skip: await needServices('nats') }, fn)`.
 */
export async function needServices(...names: ServiceName[]): Promise<false | string> {
  const missing: string[] = [];
  for (const n of names) if (!(await reachable(serviceUrls[n]))) missing.push(`${n} (${serviceUrls[n]})`);
  if (missing.length === 0) return false;
  const msg = `needs ${missing.join(', ')}: not reachable; start it or set PDM_TEST_*_URL`;
  if (process.env.PDM_REQUIRE_SERVICES === '1') throw new Error(`PDM_REQUIRE_SERVICES=1 but this test ${msg}`);
  return msg;
}

/** Creates a fresh PostgreSQL database for one test and returns its URL and a drop function. */
export async function createTempDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `edge_pdm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serviceUrls.postgres });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serviceUrls.postgres);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serviceUrls.postgres });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
