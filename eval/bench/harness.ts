// Shared pieces of the benchmarks: statistics, CPU time, service probes, and the report each
// benchmark writes (its own figures plus `summary` rows that `npm run bench` gathers into one
// table). Timings are medians over runs; the machines are small and shared (DESIGN.md).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import pg from 'pg';

/** A comparison the issue sets for a figure ("at least 10 M/s", "p99 under 2 ms"). */
export interface Target {
  op: '>=' | '<=' | '>' | '<';
  value: number;
}

/** One line of the summary table: a figure, its unit, and the target when the issues give one. */
export interface SummaryRow {
  name: string;
  /** null when the figure could not be measured (service unreachable, benchmark failed). */
  value: number | null;
  unit: string;
  target?: Target;
  /** Why the value is null, or a short remark (e.g. "per CPU s"). */
  note?: string;
}

/** Middle value (mean of the two middle ones for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Nearest-rank quantile (Hyndman & Fan type 1), q in [0, 1]; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Process CPU seconds (user + system) since `from`: the per-core denominator on a shared machine. */
export function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** Rounds to `digits` significant digits, for JSON that stays readable; null stays null. */
export function sig(x: number | null | undefined, digits = 4): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  return Number(x.toPrecision(digits));
}

/** Whether something accepts TCP connections at the URL's host and port (1 s timeout). */
export function reachable(url: string, defaultPort: number, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A throwaway PostgreSQL database on the server at `adminUrl`: its URL, and drop() to remove it. */
export async function tempDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `edge_pdm_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Waits until `pred` holds, polling on the event loop; throws naming `what` after `timeoutMs`. */
export async function until(pred: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Where and how loaded the benchmark ran: so a reader can tell a slow machine from slow code. */
export function environment(): { node: string; cpus: number; loadAverage1m: number; startedAt: string } {
  return { node: process.version, cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)), startedAt: new Date().toISOString() };
}

/** Writes a benchmark's report as JSON (creating the folder), with its summary rows. */
export async function writeReport(path: string, report: Record<string, unknown> & { summary: SummaryRow[] }): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** Progress lines go to stderr, so stdout holds only the table. */
export const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** Runs a benchmark's main, printing the error and setting exit code 1 on failure. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
