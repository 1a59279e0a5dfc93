import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, encodeJson, EscalationAck, incidentUpdateId, subjects, type Escalation, type IncidentUpdate, type SqlStore } from '../core/index.ts';
import { createPgliteStore, migrate } from '../store/index.ts';
import { createMemoryQueue, type MemoryQueue } from '../transport/index.ts';
import { outerRaceEvidence, recordingEnterprise, sampleEscalation } from './fixtures.ts';
import { createDiagnosisService, type DiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { moreUrgentThan } from './update-intake.ts';
import { waitUntil } from '../../test/support/wait.ts';

const HOUR = 3_600_000;

let store: SqlStore;
let queue: MemoryQueue;
let svc: DiagnosisService;
const acks: EscalationAck[] = [];
const ackOf = (id: string) => acks.filter((a) => a.escalationId === id).map((a) => a.outcome);
const rows = async (incidentId: string) => Number((await store.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_rul_updates WHERE incident_id = $1', [incidentId])).rows[0]?.n);

before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
  queue = createMemoryQueue();
  await queue.consume('pdm.ack.>', 'test-acks', async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  svc = await createDiagnosisService({ store, queue, enterprise: recordingEnterprise(), busyRetryMs: 5 });
});
after(async () => {
  await svc.close();
  await queue.close();
  await store.close();
});

let seq = 0;
/** A decided outer-race incident (a fresh id per test: they share one database). */
async function decidedIncident(): Promise<Escalation> {
  const openedAt = Date.UTC(2026, 0, 5, 8) + ++seq * 60_000;
  const esc = sampleEscalation(outerRaceEvidence(), { id: `site-a.pump-1.${openedAt}`, openedAt });
  await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => ackOf(esc.id).includes('decided'), 'the escalation decided');
  return esc;
}

/** An update of `esc` `hours` after its alarm with the bearing's overall acceleration at `rmsMs2` (healthy 1.0, failure 10). */
function update(esc: Escalation, hours: number, rmsMs2: number): IncidentUpdate {
  const ts = esc.openedAt + hours * HOUR;
  const ev = outerRaceEvidence();
  return {
    v: 1, id: incidentUpdateId(esc.id, ts), incidentId: esc.id, site: esc.site, line: esc.line, machine: esc.machine, machineType: esc.machineType,
    openedAt: esc.openedAt, ts, severity: 'warning', score: 8,
    evidence: { ...ev, baseline: {}, features: { ...ev.features, 'accel.rmsMs2': rmsMs2 } },
    sentAtMs: Date.now(),
  };
}
const publish = (u: IncidentUpdate | Uint8Array, site = 'site-a') => queue.publish(subjects.update(site), u instanceof Uint8Array ? u : encodeJson(u));

test('update intake - each update refits the remaining life, is stored as the incident\'s RUL history and acked after the commit', async () => {
  const esc = await decidedIncident();
  const u1 = update(esc, 6, 2.6);
  const u2 = update(esc, 12, 3.6);
  await publish(u1);
  await waitUntil(() => ackOf(u1.id).length === 1, 'the first update acked');
  await publish(u2);
  await waitUntil(() => ackOf(u2.id).length === 1, 'the second update acked');
  assert.deepEqual([...ackOf(u1.id), ...ackOf(u2.id)], ['decided', 'decided']);
  assert.equal(await rows(esc.id), 2);
  const history = svc.incidents().find((i) => i.escalation.id === esc.id)?.rulHistory ?? [];
  assert.deepEqual(history.map((p) => p.updateId), [esc.id, u1.id, u2.id], 'the alarm\'s estimate, then one per update');
  assert.ok(history.every((p) => p.failureAtMs !== null && p.healthIndicator !== null));
  assert.ok(history[2]!.healthIndicator! > history[1]!.healthIndicator!, 'the health indicator follows the growth');
  assert.ok(history[2]!.failureAtMs!.p50 < history[0]!.failureAtMs!.p50, 'faster growth than the alarm assumed: failure expected sooner');
  assert.ok(svc.stats()['cloud.update.estimated']! >= 2);

  // A restarted service reads the history back.
  const again = await createDiagnosisService({ store, queue: createMemoryQueue(), enterprise: recordingEnterprise() });
  assert.deepEqual(again.incidents().find((i) => i.escalation.id === esc.id)?.rulHistory?.map((p) => p.updateId), [esc.id, u1.id, u2.id]);
  await again.close();
});

test('update intake - a redelivered update is acked as a duplicate and changes nothing', async () => {
  const esc = await decidedIncident();
  const u = update(esc, 6, 2.6);
  const before = svc.stats()['cloud.update.duplicate']!;
  for (let i = 0; i < 3; i++) await publish(u);
  await waitUntil(() => ackOf(u.id).length === 3, 'three acks');
  assert.deepEqual(ackOf(u.id), ['decided', 'duplicate', 'duplicate']);
  assert.equal(await rows(esc.id), 1);
  assert.equal(svc.stats()['cloud.update.duplicate']! - before, 2);
  assert.equal(svc.incidents().find((i) => i.escalation.id === esc.id)?.rulHistory?.length, 2);
});

test('update intake - an unknown incident, a closed one and a bad payload are acked, counted and never retried', async () => {
  const ghost = update(sampleEscalation(outerRaceEvidence(), { id: 'site-a.pump-1.1' , openedAt: 1 }), 6, 2.6);
  const dlBefore = svc.deadLetters.counters.snapshot()['deadletter.cloud.update'] ?? 0;
  await publish(ghost);
  await waitUntil(() => ackOf(ghost.id).length === 1, 'the unknown incident\'s update answered');
  assert.deepEqual(ackOf(ghost.id), ['rejected'], 'the edge lets it go');
  assert.equal(svc.stats()['cloud.update.unknown'], 1);

  const esc = await decidedIncident();
  assert.deepEqual(await svc.confirmCase(esc.id, 'bearing-outer-race'), { ok: true, cases: 1 });
  const late = update(esc, 6, 2.6);
  await publish(late);
  await waitUntil(() => ackOf(late.id).length === 1, 'the closed incident\'s update answered');
  assert.deepEqual(ackOf(late.id), ['rejected']);
  assert.equal(svc.stats()['cloud.update.closed'], 1);
  assert.equal(await rows(esc.id), 0);

  const bad = { ...update(esc, 7, 2.6), id: 'not-its-id' };
  await publish(encodeJson(bad));
  await waitUntil(() => ackOf('not-its-id').length === 1, 'the invalid update answered by its id');
  assert.equal(svc.stats()['cloud.update.invalid'], 1);
  await publish(Buffer.from('{not json'));
  await waitUntil(() => svc.stats()['cloud.update.invalid'] === 2, 'the garbage counted');
  const dl = svc.deadLetters.list().filter((d) => d.stage === 'cloud.update');
  assert.equal((svc.deadLetters.counters.snapshot()['deadletter.cloud.update'] ?? 0) - dlBefore, 3, 'unknown, invalid and garbage dead-lettered');
  assert.ok(dl.every((d) => d.reason.length > 0));
});

test('update intake - an estimate that moves failure before the committed repair is recorded as more urgent', async () => {
  const esc = await decidedIncident();
  const near = update(esc, 6, 9.6); // HI close to 1 six hours after the alarm
  await publish(near);
  await waitUntil(() => ackOf(near.id).length === 1, 'acked');
  const point = svc.incidents().find((i) => i.escalation.id === esc.id)?.rulHistory?.at(-1);
  assert.equal(point?.moreUrgent, true, JSON.stringify(point));
  assert.match(point?.note ?? '', /before the repair due by|options now favour/);
  assert.ok(svc.stats()['cloud.update.more_urgent']! >= 1);
  const { rows: r } = await store.query<{ more_urgent: boolean }>('SELECT more_urgent FROM incident_rul_updates WHERE id = $1', [near.id]);
  assert.equal(r[0]?.more_urgent, true);
});

test('update intake - more urgent: failure before the due date, or a more urgent option; not otherwise', () => {
  const rul = { healthIndicator: 0.5, feature: 'accel.rmsMs2', failureLevel: '', medianDays: 2, p10Days: 1, p90Days: 4, failureAtMs: { p10: 1000, p50: 2000, p90: 4000 }, readings: 3, prior: { source: 'default' as const, curves: 0, rateMeanPerDay: 0.1 }, asOfMs: 0 };
  const chosen = { option: 'next-window-standard' as const, repairAtMs: 900, failureProbBeforeRepair: 0.05, expectedCostEur: 1 };
  const r = { ok: true as const, rul, economics: { chosen, options: [chosen], partLeadTimeH: { standard: 1, expedited: 1 }, nextWindowStartMs: 0, summary: '' }, explanation: '' };
  const request = sampleRequest(900, 'next-window-standard');
  assert.equal(moreUrgentThan(request, r), null);
  assert.match(moreUrgentThan(sampleRequest(1500, 'next-window-standard'), r) ?? '', /before the repair due/);
  assert.match(moreUrgentThan(sampleRequest(900, 'run-to-failure'), r) ?? '', /favour next-window-standard/);
  assert.equal(moreUrgentThan(null, r), null);
});

function sampleRequest(dueBy: number, option: 'next-window-standard' | 'run-to-failure') {
  return {
    v: 1 as const, incidentId: 'x', site: 's', line: 'l', machine: 'm', machineType: 'centrifugal-pump' as const, faultType: 'bearing-outer-race' as const,
    component: null, priority: 'medium' as const, dueBy, detectedAt: 0, explanation: '', economics: { option, repairAtMs: 900, failureProbBeforeRepair: 0, expectedCostEur: 0 },
  };
}
