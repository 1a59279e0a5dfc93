// Our OWN instances of NATS JetStream, Mosquitto and PostgreSQL on spare ports, for faults that
// restart a service: the machine's shared services are never disturbed. Missing binaries skip
// the test, or fail it when PDM_REQUIRE_SERVICES=1 (CI).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chownSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kill, startProcess, stop, type Child } from './processes.ts';

const run = promisify(execFile);

export const NATS_SERVER = process.env.PDM_NATS_SERVER ?? '/usr/sbin/nats-server';
export const MOSQUITTO = process.env.PDM_MOSQUITTO ?? '/usr/sbin/mosquitto';

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql, if any. */
export function postgresBin(): string | undefined {
  if (process.env.PDM_PG_BIN) return process.env.PDM_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const v = readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  return v ? join(root, v, 'bin') : undefined;
}

/** `false` when our own services can be started (run the test), else a skip message; throws under PDM_REQUIRE_SERVICES=1. */
export function needOwnServices(...names: ('nats' | 'mqtt' | 'postgres')[]): false | string {
  const missing: string[] = [];
  if (names.includes('nats') && !existsSync(NATS_SERVER)) missing.push(NATS_SERVER);
  if (names.includes('mqtt') && !existsSync(MOSQUITTO)) missing.push(MOSQUITTO);
  if (names.includes('postgres') && !postgresBin()) missing.push('PostgreSQL (initdb, pg_ctl under /usr/lib/postgresql/*/bin)');
  if (missing.length === 0) return false;
  const msg = `needs ${missing.join(', ')} to start its own services`;
  if (process.env.PDM_REQUIRE_SERVICES === '1') throw new Error(`PDM_REQUIRE_SERVICES=1 but this test ${msg}`);
  return msg;
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a test). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Resolves once 127.0.0.1:port accepts a connection. */
export async function waitForPort(port: number, timeoutMs = 20_000, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => { s.destroy(); resolve(false); });
    });
    if (ok) return;
    if (child && child.proc.exitCode !== null) throw new Error(`${child.name} exited ${child.proc.exitCode}: ${child.err.join('').slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms${child ? `: ${child.err.join('').slice(-1500)}` : ''}`);
}

/** One service of ours: its URL, and stop/kill/start to inject faults. */
export interface OwnService {
  readonly url: string;
  readonly port: number;
  /** Starts it again on the same port and data (after stop or kill). */
  start(): Promise<void>;
  /** Graceful stop. */
  stop(): Promise<void>;
  /** Crash: SIGKILL (NATS, Mosquitto) or immediate shutdown (PostgreSQL). */
  kill(): Promise<void>;
  /** Stops it and deletes its files. */
  close(): Promise<void>;
}

/** A server binary run as our child on `port`, its state in `dir` (removed on close). */
async function ownProcess(name: string, bin: string, args: string[], url: string, port: number, dir: string): Promise<OwnService> {
  let child: Child | undefined;
  const svc: OwnService = {
    url,
    port,
    async start() {
      child = startProcess(name, bin, args);
      await waitForPort(port, 20_000, child);
    },
    async stop() { if (child) await stop(child); },
    async kill() { if (child) await kill(child); },
    async close() { if (child) await stop(child); rmSync(dir, { recursive: true, force: true }); },
  };
  await svc.start();
  return svc;
}

/** NATS with JetStream, its store in a temp dir. */
export async function startOwnNats(): Promise<OwnService> {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-own-nats-'));
  const port = await freePort();
  return ownProcess('nats-server', NATS_SERVER, ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], `nats://127.0.0.1:${port}`, port, dir);
}

/** Mosquitto with persistence (QoS 1 sessions survive a restart, as in a production config). */
export async function startOwnMosquitto(): Promise<OwnService> {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-own-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // As root Mosquitto drops to user "mosquitto", which cannot write our temp dir: stay root there.
  const asRoot = userInfo().uid === 0 ? 'user root\n' : '';
  writeFileSync(conf, `${asRoot}listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nautosave_interval 1\nmax_queued_messages 100000\n`);
  return ownProcess('mosquitto', MOSQUITTO, ['-c', conf], `mqtt://127.0.0.1:${port}`, port, dir);
}

/** PostgreSQL in a temp cluster (trust auth, fsync off, commits synchronous); as root it runs as user postgres. */
export async function startOwnPostgres(): Promise<OwnService & { createDatabase(name: string): Promise<string> }> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found');
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pdm-own-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // PostgreSQL refuses to run as root: run its tools as the postgres user, owning the temp dir.
  if (root) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const as = (cmd: string, args: string[]) => (root ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args));
  await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  // fsync and full-page writes guard against an OS crash or power loss, which these tests never
  // inject: off, for speed. synchronous_commit stays ON: with it off, an immediate shutdown (our
  // "crash") forgets transactions committed in the last ~3 x wal_writer_delay (PostgreSQL manual,
  // "Asynchronous Commit"), i.e. a decision the cloud already acked to the edge, a loss no product
  // code could prevent or a production server (default on) would show.
  const pgOpts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const svc = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() { await as('pg_ctl', ['-D', data, '-o', pgOpts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']); },
    async stop() { await as('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => {}); },
    async kill() { await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {}); },
    async close() { await svc.stop(); if (process.env.PDM_KEEP_OWN_PG) console.error('own pg kept at', dir); else rmSync(dir, { recursive: true, force: true }); },
    async createDatabase(name: string) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: svc.url });
      await c.connect();
      try { await c.query(`CREATE DATABASE ${name}`); } finally { await c.end(); }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
  await svc.start();
  return svc;
}
