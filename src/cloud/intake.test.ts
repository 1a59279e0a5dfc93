import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeJson,
  subjects,
  type DashboardEvent,
  type MachineStatus,
  type SqlStore,
} from '../core/index.ts';
import { createPgliteStore, createPostgresStore, migrate } from '../store/index.ts';
import { createTempDatabase, needServices } from '../../test/support/services.ts';
import { createMemoryQueue } from '../transport/index.ts';
import { healthyEvidence, misalignmentEvidence, outerRaceEvidence, recordingEnterprise, sampleEscalation } from './fixtures.ts';
import { collectAcks } from './intake.test-support.ts';
import { createDiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { findDetails } from './repository.ts';
import { waitUntil } from '../../test/support/wait.ts';

let store: SqlStore;
let seq = 0;
/** A fresh escalation id per test, since the tests share one database. */
const nextEscalation = (evidence = outerRaceEvidence()) => sampleEscalation(evidence, { id: `site-a.pump-1.${Date.UTC(2026, 0, 5) + ++seq}` });
const countRows = async (table: string, id: string) =>
  Number((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${table === 'escalations' ? 'id' : 'escalation_id'} = $1`, [id])).rows[0]?.n);

before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
});
after(async () => {
  await store.close();
});

test('intake - the same escalation delivered 5 times is decided once and every delivery is acked', async () => {
  const queue = createMemoryQueue();
  const enterprise = recordingEnterprise();
  const svc = await createDiagnosisService({ store, queue, enterprise });
  const acks = await collectAcks(queue);
  const esc = nextEscalation();
  for (let i = 0; i < 5; i++) await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => acks.length >= 5, '5 acks');

  assert.equal(enterprise.calls.length, 1);
  assert.equal(await countRows('decisions', esc.id), 1);
  assert.equal(await countRows('diagnoses', esc.id), 1);
  const { rows } = await store.query<{ delivery_count: number }>('SELECT delivery_count FROM escalations WHERE id = $1', [esc.id]);
  assert.equal(rows[0]?.delivery_count, 5);
  assert.deepEqual(acks.map((a) => a.outcome).sort(), ['decided', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  assert.ok(acks.every((a) => a.escalationId === esc.id && a.site === 'site-a'));
  assert.equal(svc.stats()['cloud.intake.decided'], 1);
  const inc = svc.incidents().find((i) => i.escalation.id === esc.id);
  assert.equal(inc?.diagnosis?.faultType, 'bearing-outer-race');
  assert.equal(inc?.outcome?.workOrderId, 'WO-1');
  await svc.close();
  await queue.close();
});

test('intake - two workers on one durable decide a repeated escalation exactly once', async () => {
  const queue = createMemoryQueue();
  // A slow enterprise makes the workers overlap: the second must wait for the first's lease.
  const enterprise = recordingEnterprise({ delayMs: 40 });
  const a = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 10, workerId: 'worker-a' });
  const b = await createDiagnosisService({ store, queue, enterprise, busyRetryMs: 10, workerId: 'worker-b' });
  const acks = await collectAcks(queue);
  const esc = nextEscalation(misalignmentEvidence());
  for (let i = 0; i < 5; i++) await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => acks.length >= 5, '5 acks');

  assert.equal(enterprise.calls.length, 1);
  assert.equal(enterprise.calls[0]?.faultType, 'misalignment');
  assert.equal(await countRows('decisions', esc.id), 1);
  assert.equal(acks.filter((x) => x.outcome === 'decided').length, 1);
  // Both workers took part: the work was shared, not done by one alone.
  assert.ok(a.stats()['cloud.intake.received']! > 0 && b.stats()['cloud.intake.received']! > 0);
  await a.close();
  await b.close();
  await queue.close();
});

test('intake - an invalid payload is dead-lettered, counted, acked and does not stop the service', async () => {
  const queue = createMemoryQueue();
  const enterprise = recordingEnterprise();
  const svc = await createDiagnosisService({ store, queue, enterprise });
  const acks = await collectAcks(queue);
  await queue.publish(subjects.escalation('site-a'), Buffer.from('{not json'));
  await queue.publish(subjects.escalation('site-a'), encodeJson({ ...nextEscalation(), severity: 'apocalyptic' }));
  const good = nextEscalation(healthyEvidence());
  await queue.publish(subjects.escalation('site-a'), encodeJson(good));
  await waitUntil(() => acks.length >= 1, 'ack of the valid escalation');

  assert.equal(svc.stats()['cloud.intake.invalid'], 2);
  assert.equal(svc.stats()['cloud.deadletters'], 2);
  const reasons = svc.deadLetters.list().map((d) => d.reason);
  assert.match(reasons[0]!, /invalid JSON/);
  assert.match(reasons[1]!, /severity/);
  assert.equal(queue.counters.get('queue.redelivered'), 0, 'poison messages must not be redelivered');
  assert.equal(acks[0]?.escalationId, good.id);
  assert.equal(enterprise.calls[0]?.faultType, 'unknown');
  assert.equal(enterprise.calls[0]?.component, null);
  await svc.close();
  await queue.close();
});

test('intake - an enterprise failure naks, and the redelivery decides', async () => {
  const queue = createMemoryQueue();
  const enterprise = recordingEnterprise({ failFirst: 1 });
  const svc = await createDiagnosisService({ store, queue, enterprise });
  const acks = await collectAcks(queue);
  const esc = nextEscalation();
  await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => acks.length >= 1, 'ack after redelivery');

  assert.equal(enterprise.calls.length, 2);
  assert.equal(svc.stats()['cloud.intake.failed'], 1);
  assert.equal(svc.stats()['cloud.intake.decided'], 1);
  assert.equal(queue.counters.get('queue.redelivered'), 1);
  assert.equal(acks[0]?.outcome, 'decided');
  assert.equal(await countRows('decisions', esc.id), 1);
  await svc.close();
  await queue.close();
});

test('intake - statuses build the fleet, and subscribers see status, escalation, diagnosis and decision', async () => {
  const queue = createMemoryQueue();
  const svc = await createDiagnosisService({ store, queue, enterprise: recordingEnterprise(), statusDurable: 'fleet-status-events' });
  const events: DashboardEvent[] = [];
  svc.subscribe((e) => events.push(e));
  const esc = nextEscalation();
  const status: MachineStatus = { v: 1, site: 'site-a', line: 'line-1', machine: 'pump-1', machineType: 'centrifugal-pump', ts: esc.openedAt + 1000, state: 'alarm', score: 8.5, windows: 1200 };
  await queue.publish(subjects.status('site-a'), encodeJson(status));
  await queue.publish(subjects.status('site-a'), Buffer.from('[]'));
  await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => events.some((e) => e.type === 'decision' && e.incident.escalation.id === esc.id), 'decision event');
  await waitUntil(() => svc.stats()['cloud.status.invalid'] === 1, 'invalid status counted');

  const types = new Set(events.map((e) => e.type));
  for (const t of ['status', 'escalation', 'diagnosis', 'decision'] as const) assert.ok(types.has(t), `event ${t}`);
  const pump = svc.fleet().find((m) => m.machine === 'pump-1');
  assert.equal(pump?.status?.state, 'alarm');
  assert.equal(pump?.status?.score, 8.5);
  assert.ok(pump?.openIncidents.includes(esc.id));
  const snap = svc.snapshot();
  assert.equal(snap.incidents[0]?.escalation.id, esc.id, 'newest incident first');
  assert.equal(snap.incidents[0]?.request?.incidentId, esc.id);

  // A normal status after the repair closes the machine's incidents.
  await queue.publish(subjects.status('site-a'), encodeJson({ ...status, ts: Date.UTC(2030, 0, 1), state: 'normal', score: 0.5 }));
  await waitUntil(() => svc.fleet().find((m) => m.machine === 'pump-1')?.status?.state === 'normal', 'normal status');
  assert.deepEqual(svc.fleet().find((m) => m.machine === 'pump-1')?.openIncidents, []);
  await svc.close();
  await queue.close();
});

test('intake - a restarted service reloads its incidents from the store', async () => {
  const queue = createMemoryQueue();
  const first = await createDiagnosisService({ store, queue, enterprise: recordingEnterprise() });
  const acks = await collectAcks(queue);
  const esc = nextEscalation();
  await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
  await waitUntil(() => acks.length >= 1, 'ack');
  await first.close();

  const second = await createDiagnosisService({ store, queue: createMemoryQueue(), enterprise: recordingEnterprise() });
  const inc = second.incidents().find((i) => i.escalation.id === esc.id);
  assert.equal(inc?.diagnosis?.faultType, 'bearing-outer-race');
  assert.equal(inc?.request?.priority, 'high');
  assert.equal(inc?.outcome?.notificationId, 'N-1');
  await second.close();
  await queue.close();
});

test('intake - two workers on PostgreSQL decide a repeated escalation exactly once', { skip: await needServices('postgres') }, async () => {
  const db = await createTempDatabase();
  const pgStore = await createPostgresStore({ url: db.url });
  const queue = createMemoryQueue();
  try {
    await migrate(pgStore, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
    const enterprise = recordingEnterprise({ delayMs: 40 });
    const a = await createDiagnosisService({ store: pgStore, queue, enterprise, busyRetryMs: 10, workerId: 'pg-a' });
    const b = await createDiagnosisService({ store: pgStore, queue, enterprise, busyRetryMs: 10, workerId: 'pg-b' });
    const acks = await collectAcks(queue);
    const esc = nextEscalation();
    for (let i = 0; i < 5; i++) await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
    await waitUntil(() => acks.length >= 5, '5 acks');
    assert.equal(enterprise.calls.length, 1);
    const { rows } = await pgStore.query<{ n: number; deliveries: number }>(
      'SELECT (SELECT count(*)::int FROM decisions WHERE escalation_id = $1) AS n, (SELECT delivery_count FROM escalations WHERE id = $1) AS deliveries',
      [esc.id],
    );
    assert.equal(rows[0]?.n, 1);
    // Every delivery is counted, including redeliveries of a nak while the other worker held the lease.
    assert.ok(rows[0]!.deliveries >= 5, `deliveries ${rows[0]?.deliveries}`);
    const restarted = await createDiagnosisService({ store: pgStore, queue: createMemoryQueue(), enterprise });
    assert.equal(restarted.incidents()[0]?.outcome?.workOrderId, 'WO-1');
    await Promise.all([a.close(), b.close(), restarted.close()]);
  } finally {
    await queue.close();
    await pgStore.close();
    await db.drop();
  }
});

test('intake - the decision is stored explained, and a confirmed repair at one site informs the next incident at another', async () => {
  const queue = createMemoryQueue();
  const enterprise = recordingEnterprise();
  const svc = await createDiagnosisService({ store, queue, enterprise });
  const acks = await collectAcks(queue);
  const first = nextEscalation();
  await queue.publish(subjects.escalation(first.site), encodeJson(first));
  await waitUntil(() => acks.length >= 1, 'first ack');
  const details = (await findDetails(store, first.id)) as { rul: unknown; economics: { chosen: { option: string } } } | null;
  assert.ok(details?.rul === null || typeof details?.rul === 'object');
  assert.match(enterprise.calls[0]!.explanation, /no similar confirmed case yet/);
  assert.deepEqual(await svc.confirmCase(first.id, 'bearing-outer-race'), { ok: true, cases: 1 });

  const second = sampleEscalation(outerRaceEvidence(), { id: `site-b.pump-4.${Date.UTC(2026, 0, 6) + ++seq}`, site: 'site-b', machine: 'pump-4' });
  await queue.publish(subjects.escalation(second.site), encodeJson(second));
  await waitUntil(() => acks.length >= 2, 'second ack');
  const req = enterprise.calls.find((c) => c.incidentId === second.id)!;
  assert.match(req.explanation, /1 similar confirmed case \(nearest site-a\/pump-1/);
  const inc = svc.incidents().find((i) => i.escalation.id === second.id);
  assert.equal(inc?.diagnosis?.explanation, req.explanation);
  const before = svc.incidents().find((i) => i.escalation.id === first.id)!.diagnosis!.confidence;
  assert.ok(inc!.diagnosis!.confidence > before, `${inc!.diagnosis!.confidence} > ${before}`);
  await svc.close();
  await queue.close();
});
