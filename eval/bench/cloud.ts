// Cloud intake and diagnosis (src/cloud): escalations decided per second and p50/p99 per
// escalation, from its publish on the cloud link to the service's 'decision' event (stored,
// diagnosed against the fleet and the case library, remaining life, costed decision, committed).
// The enterprise is a stand-in that answers at once, so the figure is the cloud's own; ERP order
// creation has its own benchmark (erp.ts).
//
//   node --import tsx eval/bench/cloud.ts [--sequential 100] [--burst 300] [--runs 3]
//        [--nats nats://127.0.0.1:4222] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
//        [--json artifacts/bench-cloud.json]
//
// Two backends: embedded (in-process queue + PGlite, the demo default) and, when both answer,
// NATS JetStream + PostgreSQL (a throwaway stream and database, removed afterwards). Two
// patterns: one escalation at a time (the latency of one incident on an idle service) and a burst
// of --burst at once (throughput; latency then includes queueing).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations, createDiagnosisService, healthyEvidence, misalignmentEvidence, outerRaceEvidence, sampleEscalation } from '../../src/cloud/index.ts';
import { encodeJson, subjects, type EnterpriseApi, type MaintenanceOutcome, type SqlStore, type WorkQueue } from '../../src/core/index.ts';
import { createPgliteStore, createPostgresStore, migrate } from '../../src/store/index.ts';
import { createJetStreamQueue, createMemoryQueue, namespacedQueue } from '../../src/transport/index.ts';
import { cpuSecondsSince, environment, log, median, quantile, reachable, runMain, sig, tempDatabase, until, writeReport, type SummaryRow } from './harness.ts';

/** An enterprise that creates nothing and answers at once (idempotent per incident, like the real one). */
function instantEnterprise(): Pick<EnterpriseApi, 'requestMaintenance'> {
  const seen = new Map<string, MaintenanceOutcome>();
  return {
    async requestMaintenance(req) {
      const prior = seen.get(req.incidentId);
      if (prior) return { ...prior, created: false };
      const n = seen.size + 1;
      const out: MaintenanceOutcome = {
        incidentId: req.incidentId, notificationId: `N-${n}`, purchaseOrderId: req.component ? `PO-${n}` : null,
        materialId: req.component ? `MAT-${n}` : null, workOrderId: `WO-${n}`, movedProductionOrders: [], created: true,
      };
      seen.set(req.incidentId, out);
      return out;
    },
  };
}

interface Backend {
  name: string;
  open(): Promise<{ store: SqlStore; queue: WorkQueue; close(): Promise<void> }>;
}

const embedded: Backend = {
  name: 'embedded (memory queue + PGlite)',
  async open() {
    const store = await createPgliteStore();
    const queue = createMemoryQueue();
    return { store, queue, close: async () => (await queue.close(), await store.close()) };
  },
};

function natsPostgres(natsUrl: string, postgresUrl: string): Backend {
  return {
    name: 'NATS JetStream + PostgreSQL',
    async open() {
      const token = randomBytes(4).toString('hex');
      const db = await tempDatabase(postgresUrl);
      const store = await createPostgresStore({ url: db.url });
      const js = await createJetStreamQueue({ url: natsUrl, stream: `PDMBENCH_${token}`, subjects: [`b${token}.>`] });
      return {
        store, queue: namespacedQueue(js, `b${token}`),
        async close() {
          await js.deleteStream().catch(() => undefined);
          await js.close();
          await store.close();
          await db.drop();
        },
      };
    },
  };
}

interface RunResult {
  sequentialMs: number[];
  burstDecidedPerSecond: number;
  burstDecidedPerCpuSecond: number;
  burstMs: number[];
}

const EVIDENCE = [outerRaceEvidence, misalignmentEvidence, healthyEvidence];

async function runOnce(backend: Backend, sequential: number, burst: number, run: number): Promise<RunResult> {
  const { store, queue, close } = await backend.open();
  try {
    await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
    const svc = await createDiagnosisService({ store, queue, enterprise: instantEnterprise() as EnterpriseApi, workerId: `bench-${run}` });
    const publishedAt = new Map<string, number>();
    const decidedMs: number[] = [];
    svc.onEvent((e) => {
      if (e.type !== 'decision') return;
      const t0 = publishedAt.get(e.incident.escalation.id);
      if (t0 !== undefined) decidedMs.push(performance.now() - t0);
    });
    let n = 0;
    // 40 machines, three evidence patterns: the fleet comparison sees peers, as in a plant.
    const next = () => {
      const i = n++;
      return sampleEscalation(EVIDENCE[i % EVIDENCE.length]!(), { id: `site-a.pump-${i % 40}.${1_767_600_000_000 + i}`, machine: `pump-${i % 40}` });
    };
    const send = async () => {
      const esc = next();
      publishedAt.set(esc.id, performance.now());
      await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
    };
    const decided = () => svc.stats()['cloud.intake.decided']!;
    try {
      // Warm-up (JIT, first queries' plans): not measured.
      for (let i = 0; i < 5; i++) await send();
      await until(() => decided() >= 5, 'warm-up decisions', 60_000);
      decidedMs.length = 0;
      for (let i = 0; i < sequential; i++) {
        const before = decided();
        await send();
        await until(() => decided() > before, 'a decision', 60_000);
      }
      const sequentialMs = decidedMs.splice(0);
      const base = decided();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < burst; i++) await send();
      await until(() => decided() >= base + burst, 'the burst decisions', 300_000);
      const s = (performance.now() - t0) / 1000;
      return { sequentialMs, burstMs: decidedMs.splice(0), burstDecidedPerSecond: burst / s, burstDecidedPerCpuSecond: burst / cpuSecondsSince(c0) };
    } finally {
      await svc.close();
    }
  } finally {
    await close();
  }
}

async function measure(backend: Backend, sequential: number, burst: number, runs: number) {
  const rs: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    rs.push(await runOnce(backend, sequential, burst, i));
    const r = rs.at(-1)!;
    log(`  ${backend.name} run ${i + 1}/${runs}: one at a time p50 ${quantile(r.sequentialMs, 0.5).toFixed(1)} ms, burst ${Math.round(r.burstDecidedPerSecond)}/s`);
  }
  const fig = (f: (r: RunResult) => number) => sig(median(rs.map(f)))!;
  return {
    backend: backend.name,
    oneAtATimeMs: { p50: fig((r) => quantile(r.sequentialMs, 0.5)), p99: fig((r) => quantile(r.sequentialMs, 0.99)), perSecond: fig((r) => 1000 / (r.sequentialMs.reduce((a, b) => a + b, 0) / r.sequentialMs.length)) },
    burst: { decidedPerSecond: fig((r) => r.burstDecidedPerSecond), decidedPerCpuSecond: fig((r) => r.burstDecidedPerCpuSecond), p50Ms: fig((r) => quantile(r.burstMs, 0.5)), p99Ms: fig((r) => quantile(r.burstMs, 0.99)) },
  };
}
type Measured = Awaited<ReturnType<typeof measure>>;

function rows(label: string, m: Measured | { skipped: string }): SummaryRow[] {
  if ('skipped' in m) return [{ name: `cloud decisions, ${label}`, value: null, unit: 'escalations/s', note: m.skipped }];
  return [
    { name: `cloud decisions, ${label}, burst`, value: m.burst.decidedPerSecond, unit: 'escalations/s', note: `${m.burst.decidedPerCpuSecond} per CPU s; p50/p99 with queueing ${m.burst.p50Ms}/${m.burst.p99Ms} ms` },
    { name: `cloud escalation->decision p50, ${label}`, value: m.oneAtATimeMs.p50, unit: 'ms', note: 'one at a time' },
    { name: `cloud escalation->decision p99, ${label}`, value: m.oneAtATimeMs.p99, unit: 'ms', note: 'one at a time' },
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sequential: { type: 'string', default: '100' },
      burst: { type: 'string', default: '300' },
      runs: { type: 'string', default: '3' },
      nats: { type: 'string', default: process.env.PDM_TEST_NATS_URL ?? 'nats://127.0.0.1:4222' },
      postgres: { type: 'string', default: process.env.PDM_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
      json: { type: 'string', default: 'artifacts/bench-cloud.json' },
    },
  });
  const [sequential, burst, runs] = [values.sequential, values.burst, values.runs].map(Number) as [number, number, number];
  if (![sequential, burst, runs].every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--sequential, --burst, --runs: integers >= 1');
  const env = environment();
  log(`cloud intake: ${sequential} one at a time, then a burst of ${burst}; ${runs} run(s)`);
  const emb = await measure(embedded, sequential, burst, runs);
  const services = (await reachable(values.nats!, 4222)) && (await reachable(values.postgres!, 5432));
  const real: Measured | { skipped: string } = services
    ? await measure(natsPostgres(values.nats!, values.postgres!), sequential, burst, runs)
    : { skipped: `NATS (${values.nats}) or PostgreSQL (${values.postgres}) unreachable` };
  if ('skipped' in real) log(`  NATS + PostgreSQL skipped: ${real.skipped}`);
  const summary = [...rows('embedded', emb), ...rows('NATS+PostgreSQL', real)];
  await writeReport(values.json!, { bench: 'cloud', ...env, runs, sequential, burst, embedded: emb, natsPostgres: real, summary });
  const line = (m: Measured | { skipped: string }, name: string) =>
    'skipped' in m
      ? `  ${name.padEnd(28)} skipped: ${m.skipped}\n`
      : `  ${name.padEnd(28)} one at a time p50/p99 ${m.oneAtATimeMs.p50}/${m.oneAtATimeMs.p99} ms   burst ${m.burst.decidedPerSecond} escalations/s (${m.burst.decidedPerCpuSecond} per CPU s), p50/p99 ${m.burst.p50Ms}/${m.burst.p99Ms} ms\n`;
  process.stdout.write(`cloud intake and diagnosis benchmark: median of ${runs}; JSON in ${values.json}\n${line(emb, 'embedded')}${line(real, 'NATS JetStream + PostgreSQL')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) runMain(main);
