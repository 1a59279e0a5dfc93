// ERP order creation (src/enterprise): maintenance requests per second, each creating a
// notification, a purchase order (nothing on the shelf, so every request buys its part: the
// heavier path) and a work order placed in a downtime window, with p50/p99 per request.
//
//   node --import tsx eval/bench/erp.ts [--requests 100] [--concurrency 8] [--machines 40] [--runs 3]
//        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--json artifacts/bench-erp.json]
//
// Through the REST API (what the cloud calls: fastify, zod, idempotency key) and, for the HTTP
// share, straight into the service. One at a time gives the per-request latency on an idle
// service; --concurrency requests in flight give the throughput. Stores: PGlite in process (the
// demo default; its CPU is in this process) and PostgreSQL when reachable (a throwaway database;
// the server's CPU is not in the per-CPU figure).
import { parseArgs } from 'node:util';
import type { MaintenanceRequest, SqlStore } from '../../src/core/index.ts';
import { startEnterprise, type EnterpriseService } from '../../src/enterprise/index.ts';
import { createPgliteStore, createPostgresStore } from '../../src/store/index.ts';
import { createEnterpriseHttpClient } from '../../src/transport/index.ts';
import { cpuSecondsSince, environment, log, median, quantile, reachable, runMain, sig, tempDatabase, writeReport, type SummaryRow } from './harness.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.UTC(2025, 0, 6);

interface RunResult {
  restMs: number[];
  serviceMs: number[];
  concurrentPerSecond: number;
  concurrentPerCpuSecond: number;
  created: { notifications: number; purchaseOrders: number; workOrders: number };
}

async function openStore(kind: 'pglite' | 'postgres', postgresUrl: string): Promise<{ store: SqlStore; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const store = await createPgliteStore();
    return { store, close: () => store.close() };
  }
  const db = await tempDatabase(postgresUrl);
  const store = await createPostgresStore({ url: db.url, max: 12 });
  return { store, close: async () => (await store.close(), await db.drop()) };
}

async function runOnce(kind: 'pglite' | 'postgres', requests: number, inFlight: number, machines: number, postgresUrl: string): Promise<RunResult> {
  const { store, close } = await openStore(kind, postgresUrl);
  try {
    const ent = await startEnterprise({ store, host: '127.0.0.1', port: 0, seed: { stock: [] }, tokens: [{ role: 'integration', token: 'bench-integration-token' }] });
    try {
      const http = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration'), timeoutMs: 60_000 });
      const site = 'bench-site';
      await ent.service.registerPlant(
        Array.from({ length: machines }, (_, i) => ({ machine: `pump-${i}`, site, line: 'line-1', machineType: 'centrifugal-pump' as const })),
        { startMs: T0, horizonMs: 30 * 24 * HOUR_MS },
      );
      let n = 0;
      const request = (): MaintenanceRequest => {
        const i = n++;
        return {
          v: 1, incidentId: `bench.pump-${i % machines}.${T0 + i}`, site, line: 'line-1', machine: `pump-${i % machines}`, machineType: 'centrifugal-pump',
          faultType: 'bearing-outer-race', component: 'drive-end-bearing', priority: 'high', detectedAt: T0 + i * 60_000, dueBy: T0 + 200 * HOUR_MS,
          explanation: 'BPFO harmonics in the envelope spectrum',
        };
      };
      const timedOne = async (call: (r: MaintenanceRequest) => Promise<unknown>): Promise<number> => {
        const r = request();
        const t0 = performance.now();
        await call(r);
        return performance.now() - t0;
      };
      const viaRest = (r: MaintenanceRequest) => http.requestMaintenance(r);
      const viaService = (r: MaintenanceRequest) => (ent.service as EnterpriseService).requestMaintenance(r);
      for (let i = 0; i < 5; i++) await timedOne(viaRest); // warm-up: JIT, query plans
      const restMs: number[] = [];
      for (let i = 0; i < requests; i++) restMs.push(await timedOne(viaRest));
      const serviceMs: number[] = [];
      for (let i = 0; i < requests; i++) serviceMs.push(await timedOne(viaService));
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next++ < requests) await viaRest(request());
      }));
      const s = (performance.now() - t0) / 1000;
      const count = async (table: string) => Number((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
      const created = { notifications: await count('notifications'), purchaseOrders: await count('purchase_orders'), workOrders: await count('work_orders') };
      return { restMs, serviceMs, concurrentPerSecond: requests / s, concurrentPerCpuSecond: requests / cpuSecondsSince(c0), created };
    } finally {
      await ent.close();
    }
  } finally {
    await close();
  }
}

async function measure(kind: 'pglite' | 'postgres', requests: number, inFlight: number, machines: number, runs: number, postgresUrl: string) {
  const rs: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    rs.push(await runOnce(kind, requests, inFlight, machines, postgresUrl));
    const r = rs.at(-1)!;
    log(`  ${kind} run ${i + 1}/${runs}: REST p50 ${quantile(r.restMs, 0.5).toFixed(1)} ms, service p50 ${quantile(r.serviceMs, 0.5).toFixed(1)} ms, ${Math.round(r.concurrentPerSecond)} requests/s concurrent; created ${JSON.stringify(r.created)}`);
  }
  const fig = (f: (r: RunResult) => number) => sig(median(rs.map(f)))!;
  const expected = 5 + 3 * requests;
  const last = rs.at(-1)!.created;
  if (last.notifications !== expected || last.workOrders !== expected || last.purchaseOrders !== expected) {
    throw new Error(`${kind}: expected ${expected} notifications, purchase orders and work orders each, got ${JSON.stringify(last)}`);
  }
  return {
    store: kind,
    restMs: { p50: fig((r) => quantile(r.restMs, 0.5)), p99: fig((r) => quantile(r.restMs, 0.99)) },
    serviceMs: { p50: fig((r) => quantile(r.serviceMs, 0.5)), p99: fig((r) => quantile(r.serviceMs, 0.99)) },
    concurrent: { inFlight, requestsPerSecond: fig((r) => r.concurrentPerSecond), requestsPerCpuSecond: fig((r) => r.concurrentPerCpuSecond) },
    createdPerRequest: { notifications: 1, purchaseOrders: 1, workOrders: 1 },
  };
}
type Measured = Awaited<ReturnType<typeof measure>>;

function rows(label: string, m: Measured | { skipped: string }): SummaryRow[] {
  if ('skipped' in m) return [{ name: `ERP orders, ${label}`, value: null, unit: 'requests/s', note: m.skipped }];
  return [
    { name: `ERP orders (notification+PO+WO), ${label}`, value: m.concurrent.requestsPerSecond, unit: 'requests/s', note: `REST, ${m.concurrent.inFlight} in flight; ${m.concurrent.requestsPerCpuSecond} per CPU s` },
    { name: `ERP order p50, ${label}`, value: m.restMs.p50, unit: 'ms', note: `REST, one at a time; service alone ${m.serviceMs.p50} ms` },
    { name: `ERP order p99, ${label}`, value: m.restMs.p99, unit: 'ms', note: `REST, one at a time; service alone ${m.serviceMs.p99} ms` },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '8' },
      machines: { type: 'string', default: '40' },
      runs: { type: 'string', default: '3' },
      postgres: { type: 'string', default: process.env.PDM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      json: { type: 'string', default: 'artifacts/bench-erp.json' },
    },
  });
  const [requests, inFlight, machines, runs] = [values.requests, values.concurrency, values.machines, values.runs].map(Number) as [number, number, number, number];
  if (![requests, inFlight, machines, runs].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--requests, --concurrency, --machines, --runs: integers >= 1');
  const env = environment();
  log(`ERP order creation: ${requests} requests per pattern, ${inFlight} in flight when concurrent, ${machines} machines, ${runs} run(s)`);
  const pglite = await measure('pglite', requests, inFlight, machines, runs, values.postgres!);
  const postgres: Measured | { skipped: string } = (await reachable(values.postgres!, 5432))
    ? await measure('postgres', requests, inFlight, machines, runs, values.postgres!)
    : { skipped: `PostgreSQL at ${values.postgres} unreachable` };
  if ('skipped' in postgres) log(`  PostgreSQL skipped: ${postgres.skipped}`);
  const summary = [...rows('PGlite', pglite), ...rows('PostgreSQL', postgres)];
  await writeReport(values.json!, { bench: 'erp', ...env, runs, requests, machines, pglite, postgres, summary });
  const line = (m: Measured | { skipped: string }, name: string) =>
    'skipped' in m
      ? `  ${name.padEnd(11)} skipped: ${m.skipped}\n`
      : `  ${name.padEnd(11)} REST one at a time p50/p99 ${m.restMs.p50}/${m.restMs.p99} ms (service alone ${m.serviceMs.p50}/${m.serviceMs.p99} ms)   ${m.concurrent.inFlight} in flight: ${m.concurrent.requestsPerSecond} requests/s (${m.concurrent.requestsPerCpuSecond} per CPU s)\n`;
  process.stdout.write(`ERP order creation benchmark (each request: notification + purchase order + work order): median of ${runs}; JSON in ${values.json}\n${line(pglite, 'PGlite')}${line(postgres, 'PostgreSQL')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
