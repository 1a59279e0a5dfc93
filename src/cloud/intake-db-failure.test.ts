// The diagnosis service when the database fails between the enterprise call and the decision's
// commit (the PostgreSQL-crash fault of issue 9, made deterministic): the redelivery must repeat
// the enterprise call with the same body under the same Idempotency-Key, as a real HTTP
// idempotency layer refuses a reused key with another body (IETF httpapi Idempotency-Key draft).
// And when a worker died holding an incident's lease, the others wait it out with backoff.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  EnterpriseApiError,
  EscalationAck,
  ServiceUnavailableError,
  decodeJson,
  encodeJson,
  subjects,
  type MaintenanceOutcome,
  type MaintenanceRequest,
  type Escalation,
  type SqlStore,
} from '../core/index.ts';
import { createPgliteStore, migrate } from '../store/index.ts';
import { createMemoryQueue, type MemoryQueue } from '../transport/index.ts';
import { outerRaceEvidence, sampleEscalation } from './fixtures.ts';
import { createDiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { claimIncident, recordEscalation } from './repository.ts';

/** The enterprise behind its HTTP idempotency layer: a key repeated with another body is a 422. */
function idempotentEnterprise(beforeFirst?: () => Promise<void>) {
  const calls: MaintenanceRequest[] = [];
  const byKey = new Map<string, { hash: string; outcome: MaintenanceOutcome }>();
  return {
    calls,
    async requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome> {
      calls.push(req);
      if (calls.length === 1) await beforeFirst?.();
      const hash = createHash('sha256').update(JSON.stringify(req)).digest('hex');
      const prior = byKey.get(req.incidentId);
      if (prior && prior.hash !== hash) throw new EnterpriseApiError(422, 'this Idempotency-Key was used with a different body');
      if (prior) return prior.outcome;
      const outcome: MaintenanceOutcome = {
        incidentId: req.incidentId, notificationId: `N-${byKey.size + 1}`, purchaseOrderId: null, materialId: null,
        workOrderId: `WO-${byKey.size + 1}`, movedProductionOrders: [], created: true,
      };
      byKey.set(req.incidentId, { hash, outcome });
      return outcome;
    },
  };
}

/**
 * The store with its connection "dropped" inside the next `failures` decision transactions (the
 * INSERT INTO decisions throws as pg does on a dead socket, so the transaction rolls back).
 */
/** Publishes `esc` and collects the edge's acks until the first arrives or `timeoutMs` passes. */
async function sendAndAwaitAck(queue: MemoryQueue, esc: Escalation, timeoutMs: number): Promise<EscalationAck[]> {
  const acks: EscalationAck[] = [];
  await queue.consume('pdm.ack.>', 'acks', async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  const deadline = Date.now() + timeoutMs;
  while (acks.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return acks;
}

function failingDecisions(inner: SqlStore, failures: number): SqlStore {
  let left = failures;
  return {
    kind: inner.kind,
    query: (sql, params) => inner.query(sql, params),
    transaction: (fn) =>
      inner.transaction((tx) =>
        fn({
          async query(sql, params) {
            if (left > 0 && /INSERT INTO decisions/.test(sql)) {
              left--;
              throw new ServiceUnavailableError('postgres', 'connection terminated unexpectedly (injected)');
            }
            return tx.query(sql, params);
          },
        }),
      ),
    close: () => inner.close(),
  } as SqlStore;
}

let store: SqlStore;
before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
});
after(async () => {
  await store.close();
});

test('intake db failure - a decision transaction lost after the enterprise call is decided on redelivery with the same request', async () => {
  const queue = createMemoryQueue();
  const esc = sampleEscalation(outerRaceEvidence(), { id: `site-a.pump-1.${Date.UTC(2026, 2, 1)}` });
  // While the enterprise carries out the first request, another pump of the fleet is decided and
  // confirmed: a diagnosis recomputed on redelivery sees a different fleet than the first did.
  const neighbour = sampleEscalation(outerRaceEvidence(), { id: `site-b.pump-7.${Date.UTC(2026, 2, 1)}`, site: 'site-b', machine: 'pump-7' });
  const enterprise = idempotentEnterprise(async () => {
    const q = createMemoryQueue();
    const s = await createDiagnosisService({ store, queue: q, enterprise: idempotentEnterprise(), durable: 'neighbour' });
    await q.publish(subjects.escalation(neighbour.site), encodeJson(neighbour));
    for (let i = 0; i < 500 && (s.stats()['cloud.intake.decided'] ?? 0) < 1; i++) await new Promise((r) => setTimeout(r, 10));
    // ...and its repair confirms the fault: the case library the diagnosis consults has grown.
    assert.deepEqual(await s.confirmCase(neighbour.id, 'bearing-outer-race'), { ok: true, cases: 1 });
    await s.close();
    await q.close();
  });
  const flaky = failingDecisions(store, 1);
  const svc = await createDiagnosisService({ store: flaky, queue, enterprise, busyRetryMs: 5 });
  const acks = await sendAndAwaitAck(queue, esc, 10_000);

  const stats = svc.stats();
  await svc.close();
  await queue.close();
  assert.ok((stats['cloud.intake.failed'] ?? 0) >= 1, 'the injected failure happened');
  assert.deepEqual(acks.map((a) => [a.escalationId, a.outcome]), [[esc.id, 'decided']], `decided once after the failure; stats ${JSON.stringify(stats)}`);
  assert.ok(enterprise.calls.length >= 2, 'the enterprise was asked again after the lost commit');
  for (const c of enterprise.calls) assert.deepEqual(c, enterprise.calls[0], 'every attempt sends the same request');
  const { rows } = await store.query<{ request: unknown }>('SELECT request FROM decisions WHERE escalation_id = $1', [esc.id]);
  assert.equal(rows.length, 1);
  const stored = typeof rows[0]!.request === 'string' ? JSON.parse(rows[0]!.request as string) : rows[0]!.request;
  assert.deepEqual(stored, enterprise.calls[0], 'the decision records the request the enterprise carried out');
});

test('intake db failure - a lease held by a dead worker is waited out with backoff, not polled', async () => {
  const queue = createMemoryQueue();
  const enterprise = idempotentEnterprise();
  const esc = sampleEscalation(outerRaceEvidence(), { id: `site-a.pump-2.${Date.UTC(2026, 2, 2)}` });
  // A worker stored the escalation, took a 1.5 s lease and was SIGKILLed.
  const leaseMs = 1500;
  await recordEscalation(store, esc, Date.now());
  assert.equal(await claimIncident(store, esc.id, 'dead-worker', leaseMs), true);
  const busyRetryMs = 20;
  const svc = await createDiagnosisService({ store, queue, enterprise, busyRetryMs, workerId: 'survivor' });
  const acks = await sendAndAwaitAck(queue, esc, 15_000);
  const stats = svc.stats();
  await svc.close();
  await queue.close();
  assert.deepEqual(acks.map((a) => a.outcome), ['decided'], 'decided by the survivor once the lease ran out');
  assert.equal(enterprise.calls.length, 1);
  // Polling every busyRetryMs would take leaseMs / busyRetryMs = 75 tries; doubling waits capped at
  // the lease's end take about log2(leaseMs / busyRetryMs) + 2 (however slow the machine is).
  const polls = stats['cloud.intake.busy'] ?? 0;
  assert.ok(polls >= 1 && polls <= Math.ceil(Math.log2(leaseMs / busyRetryMs)) + 2, `${polls} busy redeliveries`);
});
