// Sovereignty end to end in one process (memory broker, memory queue, PGlite), wired as the demo
// wires it (src/cli/sovereignty.ts): an escalation crosses the link only sealed and is decided;
// after the site revokes the cloud's grant nothing of it decrypts and the cloud says so; no raw
// waveform sample reaches any cloud-side table or message; the audit log verifies intact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bearingDefectOrders, decodeJson, encodeJson, encodeWindowBinary, Escalation, EscalationAck, machineTopic, silentLogger, subjects,
  type MaintenanceOutcome, type MaintenanceRequest, type SqlStore, type TelemetryWindow, type WorkQueue,
} from '../../src/core/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../../src/transport/index.ts';
import { createEdgeAgent, type EdgeAgent } from '../../src/edge/index.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations, createDiagnosisService, type DiagnosisService } from '../../src/cloud/index.ts';
import { createDemoSovereignty, type DemoSovereignty } from '../../src/cli/sovereignty.ts';
import { runAuditVerify } from '../../src/cli/commands/audit.ts';
import { add, bearingImpacts, gaussian, rng, testBirth, tone, windowOf } from '../../src/edge/features/synthetic.test-support.ts';

const N = 4096;
const RATE = 10240;
const BPFO_HZ = bearingDefectOrders(testBirth.bearing).bpfo * 25;
const SITE = testBirth.site;
/** One window a minute of event time (the test's windows are spaced so). */
const WINDOW_MS = 60_000;

async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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

/** The enterprise as an external system: records calls, idempotent per incident. */
function fakeEnterprise() {
  const calls: MaintenanceRequest[] = [];
  return {
    calls,
    async requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome> {
      calls.push(req);
      return { incidentId: req.incidentId, notificationId: `N-${calls.length}`, purchaseOrderId: null, materialId: null, workOrderId: `WO-${calls.length}`, movedProductionOrders: [], created: true };
    },
  };
}

interface Rig {
  store: SqlStore;
  sov: DemoSovereignty;
  agent: EdgeAgent;
  cloud: DiagnosisService;
  /** Every message handed to the cloud link, by anyone (edge and cloud). */
  wire: { subject: string; data: Uint8Array }[];
  acks: EscalationAck[];
  /** Every window fed in (the raw waveforms that must stay on site). */
  windows: TelemetryWindow[];
  feed(machine: string, from: number, to: number, faulty: boolean): Promise<void>;
}

async function rig(t: { after(fn: () => Promise<void>): void }): Promise<Rig> {
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
  const enterprise = fakeEnterprise();
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
    store, sov, agent, cloud, wire, acks, windows,
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

const text = (d: Uint8Array) => Buffer.from(d).toString('utf8');

/** Every text and json value of every table in the store's public schema, as one string per value. */
async function tableTexts(store: SqlStore): Promise<{ table: string; column: string; value: string }[]> {
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

/**
 * Finds runs of consecutive waveform samples in `haystack`: each sample as JSON prints it, at full
 * precision and after the float32 rounding of the binary wire format. Three samples in a row of
 * 16-17 significant digits cannot occur by chance; one leaked window holds thousands of such runs.
 * Returns how many samples in `haystack` end a run of at least `minRun` of them.
 */
function waveformRuns(windows: TelemetryWindow[], haystack: string, minRun = 3): number {
  const samples = new Set<string>();
  for (const w of windows) {
    for (const c of w.channels) {
      if (c.values.length < 64) continue; // scalar channels (speed, temperature) are not waveforms
      for (const x of c.values) {
        if (Math.abs(x) < 1e-3) continue;
        samples.add(JSON.stringify(x));
        samples.add(JSON.stringify(Math.fround(x)));
      }
    }
  }
  let runs = 0;
  let run = 0;
  for (const token of haystack.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi) ?? []) {
    run = samples.has(token) ? run + 1 : 0;
    if (run >= minRun) runs++; // every sample that ends a run of at least minRun
  }
  return runs;
}

test('e2e sovereignty - an escalation crosses the link sealed, is decided, and the cloud row carries its jurisdiction', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'a decided ack');
  await waitUntil(() => r.agent.stats().pendingOutbox === 0, 'the outbox emptied by the ack');

  const onLink = r.wire.filter((m) => m.subject === subjects.escalation(SITE));
  assert.ok(onLink.length >= 1);
  for (const m of onLink) {
    const raw = JSON.parse(text(m.data)) as Record<string, unknown>;
    assert.equal(raw['kind'], 'edge-pdm.sealed');
    assert.equal(raw['jurisdiction'], 'DE');
    assert.equal(Escalation.safeParse(raw).success, false, 'no escalation readable on the link');
    assert.ok(!text(m.data).includes('"evidence"') && !text(m.data).includes('accel.'), 'no field of the evidence readable on the link');
  }
  const decided = r.acks.find((a) => a.outcome === 'decided')!;
  assert.equal(decided.escalationId, JSON.parse(text(onLink[0]!.data)).escalationId);
  const inc = r.cloud.incidents().find((i) => i.escalation.id === decided.escalationId);
  assert.ok(inc?.outcome?.workOrderId, 'the cloud decided on the decrypted escalation');
  const { rows } = await r.store.query<{ jurisdiction: string | null }>('SELECT jurisdiction FROM escalations WHERE id = $1', [decided.escalationId]);
  assert.equal(rows[0]?.jurisdiction, 'DE');

  const summary = await r.sov.dashboardSource.summary();
  const site = summary.sites.find((s) => s.site === SITE);
  assert.equal(site?.grant, 'active');
  assert.ok((site?.messagesOut ?? 0) >= onLink.length + 1, 'statuses and escalations counted');
  assert.equal(site?.bytesOut, r.agent.stats().linkBytesOut);
  assert.ok((site?.classesOut['derived-feature'] ?? 0) >= 1);
  assert.ok(summary.audit.ok && summary.audit.entries > 0);
});

test('e2e sovereignty - after the site revokes its grant a new escalation is not decrypted, the cloud says "revoked", the dashboard shows it', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'the first incident decided');
  const firstEnvelope = JSON.parse(text(r.wire.find((m) => m.subject === subjects.escalation(SITE))!.data)) as unknown;

  assert.equal(await r.sov.revoke(SITE), 1);
  const decidedBefore = r.cloud.incidents().filter((i) => i.outcome).length;
  await r.feed('p2', 0, 40, false);
  await r.feed('p2', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'rejected'), 'the refusal ack');
  await waitUntil(() => r.agent.stats().pendingOutbox === 0, 'the edge to stop resending');

  const refused = r.acks.find((a) => a.outcome === 'rejected')!;
  assert.match(refused.escalationId, /p2/);
  assert.match(refused.detail ?? '', /^grant-revoked: site s1 revoked the cloud's grant at \S+: evidence from s1 cannot be decrypted$/);
  assert.ok(r.cloud.stats()['cloud.intake.revoked']! >= 1);
  assert.ok(r.cloud.deadLetters.list().some((d) => /revoked the cloud's grant/.test(d.reason)));
  assert.equal(r.cloud.incidents().filter((i) => i.outcome).length, decidedBefore, 'nothing decided after the revocation');
  assert.ok(!r.cloud.incidents().some((i) => i.escalation.machine === 'p2'), 'nothing of the refused escalation is known to the cloud');

  // Crypto-shredding: evidence stored before the revocation cannot be read either.
  const again = await r.sov.inboundGuard.open(firstEnvelope);
  assert.equal(again.ok ? 'opened' : again.code, 'grant-revoked');

  const site = (await r.sov.dashboardSource.summary()).sites.find((s) => s.site === SITE);
  assert.equal(site?.grant, 'revoked');
});

test('e2e sovereignty - no raw waveform sample reaches a cloud-side table or message; audit verify says intact', { timeout: 120_000 }, async (t) => {
  const r = await rig(t);
  await r.feed('p1', 0, 40, false);
  await r.feed('p1', 40, 70, true);
  await waitUntil(() => r.acks.some((a) => a.outcome === 'decided'), 'a decided ack');

  // The scanner can fail: it finds the samples in one window's own JSON.
  assert.ok(waveformRuns(r.windows, text(encodeJson(r.windows[45]))) > 1000, 'the scanner must see a leaked window');

  const found: string[] = [];
  for (const m of r.wire) if (waveformRuns(r.windows, text(m.data)) > 0) found.push(`message on ${m.subject}`);
  for (const v of await tableTexts(r.store)) if (waveformRuns(r.windows, v.value) > 0) found.push(`${v.table}.${v.column}`);
  if (waveformRuns(r.windows, JSON.stringify(r.cloud.incidents())) > 0) found.push('cloud incidents in memory');
  if (waveformRuns(r.windows, JSON.stringify(r.cloud.deadLetters.list())) > 0) found.push('cloud dead letters');
  assert.deepEqual(found, []);
  // What did reach the cloud is the evidence: derived features of those windows.
  const { rows } = await r.store.query<{ payload: unknown }>('SELECT payload FROM escalations');
  assert.ok(rows.length >= 1 && JSON.stringify(rows[0]!.payload).includes('accel.'), 'the decrypted evidence is stored');

  const verdict = await runAuditVerify(r.store);
  assert.ok(verdict.intact, verdict.summary);
  assert.ok(verdict.checkpoints >= 1, 'signed checkpoints were written');
  const { rows: actions } = await r.store.query<{ action: string }>('SELECT DISTINCT action FROM audit_log');
  for (const a of ['keys.grant', 'transfer.policy', 'keys.wrap', 'transfer.seal', 'keys.unwrap', 'evidence.open', 'decision.commit']) {
    assert.ok(actions.some((x) => x.action === a), `${a} not audited`);
  }
});
