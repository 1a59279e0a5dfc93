// The sovereignty e2e rig: one site's edge agent and the cloud's diagnosis service in one process
// (memory broker, memory queue, PGlite), wired as the demo wires them (src/cli/sovereignty.ts), and
// scanners for what reached the cloud's tables and messages. Used by test/e2e/sovereignty-*.test.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bearingDefectOrders, decodeJson, encodeJson, encodeWindowBinary, EscalationAck, machineTopic, silentLogger,
  type SqlStore, type TelemetryWindow, type WorkQueue,
} from '../../src/core/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../../src/transport/index.ts';
import { createEdgeAgent, type EdgeAgent } from '../../src/edge/index.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations, createDiagnosisService, type DiagnosisService } from '../../src/cloud/index.ts';
import { recordingEnterprise } from '../../src/cloud/fixtures.ts';
import { createDemoSovereignty, type DemoSovereignty } from '../../src/cli/sovereignty.ts';
import { waitUntil as waitFor } from './wait.ts';
import { add, bearingImpacts, gaussian, rng, testBirth, tone, windowOf } from '../../src/edge/features/synthetic.test-support.ts';

const N = 4096;
const RATE = 10240;
const BPFO_HZ = bearingDefectOrders(testBirth.bearing).bpfo * 25;
export const SITE = testBirth.site;
/** One window a minute of event time (the test's windows are spaced so). */
const WINDOW_MS = 60_000;

/** waitUntil with the rig's longer default: a sealed round trip crosses several services. */
export const waitUntil = (predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) => waitFor(predicate, what, timeoutMs);

function pumpWindow(machine: string, i: number, faulty: boolean): TelemetryWindow {
  const u = rng(1000 + i);
  const vib = add(
    tone(N, RATE, 25, 0.5, u() * 6),
    tone(N, RATE, 50, 0.1, u() * 6),
    gaussian(N, 5000 + i, 0.5),
    faulty ? bearingImpacts(N, RATE, BPFO_HZ, 3000, 2) : new Array<number>(N).fill(0),
  );
  return { ...windowOf(vib, { seq: i, ts: 1_700_000_000_000 + i * WINDOW_MS, tempC: 45 + (u() - 0.5) * 0.4, rpm: 1500 + (u() - 0.5) * 4 }), machine };
}

export interface Rig {
  store: SqlStore;
  sov: DemoSovereignty;
  agent: EdgeAgent;
  cloud: DiagnosisService;
  /** Every message handed to the cloud link, by anyone (edge and cloud). */
  wire: { subject: string; data: Uint8Array }[];
  acks: EscalationAck[];
  /** The cloud link (a redelivery can be published on it). */
  link: WorkQueue;
  /** Every window fed in (the raw waveforms that must stay on site). */
  windows: TelemetryWindow[];
  feed(machine: string, from: number, to: number, faulty: boolean): Promise<void>;
}

export async function rig(t: { after(fn: () => Promise<void>): void }): Promise<Rig> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-sov-e2e-'));
  const store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
  const sov = await createDemoSovereignty({ store, sites: [SITE], jurisdiction: 'DE', logger: silentLogger(), checkpointEvery: 5 });
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 5000 });
  const wire: Rig['wire'] = [];
  const link: WorkQueue = {
    publish: (s, d) => {
      wire.push({ subject: s, data: d });
      return queue.publish(s, d);
    },
    consume: (f, d, h) => queue.consume(f, d, h),
    close: () => queue.close(),
  };
  const acks: EscalationAck[] = [];
  await queue.consume('pdm.ack.>', 'test-acks', async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  const enterprise = recordingEnterprise();
  const cloud = await createDiagnosisService({ store, queue: link, enterprise, inboundGuard: sov.inboundGuard, audit: sov.audit, busyRetryMs: 10 });
  for (const machine of ['p1', 'p2']) await plant.publish(machineTopic({ ...testBirth, machine }, 'birth'), encodeJson({ ...testBirth, machine }), { retain: true });
  const agent = await createEdgeAgent({
    site: SITE, transport: createMemoryTransport(broker), link, dataDir, resendAfterMs: 300, statusEveryWindows: 10, calibration: { minScores: 8 },
    guard: sov.guardFor(SITE), destination: sov.destination,
  });
  sov.attachEdge(SITE, agent);
  t.after(async () => {
    await agent.close();
    await cloud.close();
    await queue.close();
    await sov.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await waitUntil(() => agent.counters.get('edge.births') === 2, 'the births');
  const windows: TelemetryWindow[] = [];
  let sent = 0;
  return {
    store, sov, agent, cloud, wire, acks, windows, link,
    async feed(machine, from, to, faulty) {
      for (let i = from; i < to; i++) {
        const w = pumpWindow(machine, i, faulty);
        windows.push(w);
        await plant.publish(machineTopic({ ...testBirth, machine }, 'telemetry'), i % 2 ? encodeWindowBinary(w) : encodeJson(w));
        const target = ++sent;
        await waitUntil(() => agent.stats().windows + agent.stats().deadLetters >= target, `window ${machine}/${i}`);
      }
    },
  };
}

export const text = (d: Uint8Array) => Buffer.from(d).toString('utf8');

/** Every text and json value of every table in the store's public schema, as one string per value. */
export async function tableTexts(store: SqlStore): Promise<{ table: string; column: string; value: string }[]> {
  const { rows: cols } = await store.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'json', 'jsonb', 'character varying', 'bytea', 'ARRAY')`,
  );
  const out: { table: string; column: string; value: string }[] = [];
  for (const c of cols) {
    const { rows } = await store.query<{ v: string | null }>(`SELECT "${c.column_name}"::text AS v FROM "${c.table_name}"`);
    for (const r of rows) if (r.v) out.push({ table: c.table_name, column: c.column_name, value: r.v });
  }
  return out;
}

/** The samples' printed forms, built once per window list (hundreds of stored values are scanned). */
const sampleSets = new WeakMap<TelemetryWindow[], { n: number; set: Set<string> }>();
function sampleSet(windows: TelemetryWindow[]): Set<string> {
  const known = sampleSets.get(windows);
  if (known && known.n === windows.length) return known.set;
  const set = new Set<string>();
  for (const w of windows) {
    for (const c of w.channels) {
      if (c.values.length < 64) continue; // scalar channels (speed, temperature) are not waveforms
      for (const x of c.values) {
        if (Math.abs(x) < 1e-3) continue;
        set.add(JSON.stringify(x));
        set.add(JSON.stringify(Math.fround(x)));
      }
    }
  }
  sampleSets.set(windows, { n: windows.length, set });
  return set;
}

/**
 * Finds runs of consecutive waveform samples in `haystack`: each sample as JSON prints it, at full
 * precision and after the float32 rounding of the binary wire format. Three samples in a row of
 * 16-17 significant digits cannot occur by chance; one leaked window holds thousands of such runs.
 * Returns how many samples in `haystack` end a run of at least `minRun` of them.
 */
export function waveformRuns(windows: TelemetryWindow[], haystack: string, minRun = 3): number {
  const samples = sampleSet(windows);
  let runs = 0;
  let run = 0;
  for (const token of haystack.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi) ?? []) {
    run = samples.has(token) ? run + 1 : 0;
    if (run >= minRun) runs++; // every sample that ends a run of at least minRun
  }
  return runs;
}

