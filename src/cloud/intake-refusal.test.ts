// The diagnosis service when the enterprise refuses a maintenance request for good (a 4xx such as
// 422 "no BOM position"): the escalation is decided as refused exactly once, acked to the edge (its
// outbox drains), counted, logged and shown; redeliveries change nothing. Transient failures (5xx,
// 409 while the Idempotency-Key is still reserved, 429...) keep the retry with backoff.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EnterpriseApiError,
  ServiceUnavailableError,
  encodeJson,
  subjects,
  type DashboardEvent,
  type SqlStore,
} from '../core/index.ts';
import { createPgliteStore, createPostgresStore, migrate } from '../store/index.ts';
import { createTempDatabase, needServices } from '../../test/support/services.ts';
import { createMemoryQueue } from '../transport/index.ts';
import { isPermanentRefusal, refusalOf } from './enterprise-refusal.ts';
import { outerRaceEvidence, recordingEnterprise, sampleEscalation } from './fixtures.ts';
import { collectAcks } from './intake.test-support.ts';
import { createDiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { findDecision } from './repository.ts';
import { waitUntil as waitFor } from '../../test/support/wait.ts';

const BOM_REASON = 'the bill of materials has no drive-end-bearing for machine type centrifugal-pump';

const waitUntil = (predicate: () => boolean, what: string, timeoutMs = 10_000) => waitFor(predicate, what, timeoutMs);

let seq = 0;
const nextEscalation = () => sampleEscalation(outerRaceEvidence(), { id: `site-a.pump-1.${Date.UTC(2026, 4, 1) + ++seq}` });

/** A migrated cloud store of `kind` and how to let go of it. */
async function openStore(kind: 'pglite' | 'postgres'): Promise<{ store: SqlStore; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const store = await createPgliteStore();
    await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
    return { store, close: () => store.close() };
  }
  const db = await createTempDatabase();
  const store = await createPostgresStore({ url: db.url });
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
  return { store, close: async () => { await store.close(); await db.drop(); } };
}

const decisionRow = async (store: SqlStore, id: string) =>
  (await store.query<{ outcome: unknown; refusal: unknown; decided_at_ms: number }>('SELECT outcome, refusal, decided_at_ms FROM decisions WHERE escalation_id = $1', [id])).rows;

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`intake refusal - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    let opened: { store: SqlStore; close(): Promise<void> };
    before(async () => {
      opened = await openStore(kind);
    });
    after(async () => {
      await opened?.close();
    });
    test('intake refusal - an ERP answering 422 decides the escalation as refused once, acks, counts and shows it; 5 redeliveries change nothing', async () => {
      const { store } = opened;
      const queue = createMemoryQueue();
      try {
        const enterprise = recordingEnterprise({ refuse: { status: 422, reason: BOM_REASON } });
        const svc = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 5 });
        const events: DashboardEvent[] = [];
        svc.onEvent((e) => events.push(e));
        const acks = await collectAcks(queue);
        const esc = nextEscalation();
        await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
        await waitUntil(() => acks.length >= 1, 'the first ack');

        // Decided, not redelivered: the edge gets "decided" with the enterprise's reason and its outbox drains.
        assert.deepEqual(acks.map((a) => [a.escalationId, a.outcome, a.detail]), [[esc.id, 'decided', `refused by ERP: ${BOM_REASON}`]]);
        assert.equal(enterprise.calls.length, 1);
        const stats = svc.stats();
        assert.equal(stats['cloud.decisions.refused'], 1);
        assert.equal(stats['cloud.intake.decided'], 1);
        assert.equal(stats['cloud.intake.failed'], 0);
        const rows = await decisionRow(store, esc.id);
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.outcome, null);
        const stored = await findDecision(store, esc.id);
        assert.deepEqual(stored?.refusal, { v: 1, incidentId: esc.id, status: 422, reason: BOM_REASON });
        assert.equal(stored?.outcome, null);
        assert.equal(stored?.diagnosis?.faultType, 'bearing-outer-race');

        // Where incidents are shown: the view, the snapshot and the live decision event carry the reason.
        const inc = svc.incidents().find((i) => i.escalation.id === esc.id);
        assert.equal(inc?.refusal?.reason, BOM_REASON);
        assert.equal(inc?.outcome, null);
        assert.ok(inc?.request && inc.decidedAtMs !== null);
        assert.equal(svc.snapshot().incidents.find((i) => i.escalation.id === esc.id)?.refusal?.status, 422);
        assert.equal(events.filter((e) => e.type === 'decision' && e.incident.escalation.id === esc.id && e.incident.refusal?.reason === BOM_REASON).length, 1);

        // The edge resends it 5 times (or the queue redelivers): nothing changes, every copy is acked.
        for (let i = 0; i < 5; i++) await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
        await waitUntil(() => acks.length >= 6, '6 acks');
        assert.deepEqual(acks.slice(1).map((a) => [a.outcome, a.detail]), Array(5).fill(['duplicate', `refused by ERP: ${BOM_REASON}`]));
        assert.equal(enterprise.calls.length, 1, 'the enterprise is not asked again');
        assert.equal(svc.stats()['cloud.decisions.refused'], 1);
        assert.equal(svc.stats()['cloud.intake.decided'], 1);
        assert.equal(svc.stats()['cloud.intake.duplicate'], 5);
        assert.deepEqual(await decisionRow(store, esc.id), rows);
        assert.deepEqual(svc.incidents().find((i) => i.escalation.id === esc.id), inc);
        await svc.close();

        // A restarted worker reads the refusal back from the store and answers a late copy the same way.
        const again = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 5 });
        assert.deepEqual(again.incidents().find((i) => i.escalation.id === esc.id)?.refusal, stored?.refusal);
        await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
        await waitUntil(() => acks.length >= 7, '7 acks');
        assert.deepEqual([acks[6]!.outcome, acks[6]!.detail], ['duplicate', `refused by ERP: ${BOM_REASON}`]);
        assert.equal(enterprise.calls.length, 1);
        await again.close();
      } finally {
        await queue.close();
      }
    });

    test('intake refusal - an ERP answering 503 twice then 201 is retried and decided normally', async () => {
      const { store } = opened;
      const queue = createMemoryQueue();
      try {
        const enterprise = recordingEnterprise({ failFirst: 2, failStatus: 503 });
        const svc = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 5 });
        const acks = await collectAcks(queue);
        const esc = nextEscalation();
        await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
        await waitUntil(() => acks.length >= 1, 'the ack');
        assert.deepEqual(acks.map((a) => [a.outcome, a.detail]), [['decided', undefined]]);
        assert.equal(enterprise.calls.length, 3);
        const stats = svc.stats();
        assert.equal(stats['cloud.intake.failed'], 2);
        assert.equal(stats['cloud.decisions.refused'], 0);
        const stored = await findDecision(store, esc.id);
        assert.equal(stored?.refusal, null);
        assert.equal(stored?.outcome?.workOrderId, 'WO-1');
        const inc = svc.incidents().find((i) => i.escalation.id === esc.id);
        assert.equal(inc?.outcome?.workOrderId, 'WO-1');
        assert.equal(inc?.refusal, undefined);
        await svc.close();
      } finally {
        await queue.close();
      }
    });
  });
}

test('intake refusal - 408, 409 (key still reserved), 425, 429, 401 and 5xx are retried, never refused', async () => {
  const { store, close } = await openStore('pglite');
  try {
    for (const status of [408, 409, 425, 429, 401, 500, 502]) {
      const queue = createMemoryQueue();
      const acks = await collectAcks(queue);
      const enterprise = recordingEnterprise({ failFirst: 1, failStatus: status });
      const svc = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 5 });
      const esc = nextEscalation();
      await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
      await waitUntil(() => acks.length >= 1, `the ack after ${status}`);
      assert.deepEqual(acks.map((a) => [a.outcome, a.detail]), [['decided', undefined]], `after ${status}`);
      assert.equal(enterprise.calls.length, 2, `retried after ${status}`);
      assert.equal(svc.stats()['cloud.decisions.refused'], 0);
      assert.equal((await findDecision(store, esc.id))?.outcome?.created, true);
      await svc.close();
      await queue.close();
    }
  } finally {
    await close();
  }
});

test('enterprise refusal - a 4xx that judges the request is final; timing, credentials, routes, 5xx and no answer are not', () => {
  for (const s of [400, 410, 413, 415, 422]) assert.equal(isPermanentRefusal(s), true, String(s));
  for (const s of [200, 201, 401, 403, 404, 407, 408, 409, 425, 429, 500, 502, 503, 504]) assert.equal(isPermanentRefusal(s), false, String(s));
  assert.deepEqual(refusalOf(new EnterpriseApiError(422, BOM_REASON), 'inc-1'), { v: 1, incidentId: 'inc-1', status: 422, reason: BOM_REASON });
  assert.equal(refusalOf(new EnterpriseApiError(503, 'down'), 'inc-1'), null);
  assert.equal(refusalOf(new ServiceUnavailableError('enterprise', 'no answer within 10000 ms'), 'inc-1'), null);
  assert.equal(refusalOf(new Error('422 in a message is no status'), 'inc-1'), null);
  // A 2xx answer that does not match its schema (enterprise-http.ts) carries a 2xx status: retried.
  assert.equal(refusalOf(new EnterpriseApiError(201, 'response does not match its schema'), 'inc-1'), null);
});
