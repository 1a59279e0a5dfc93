// The diagnosis read back from the store is the one committed: remaining life and similar cases
// included, after a restart (a fresh connection on the same database) as in the worker that decided.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Diagnosis, EscalationAck, decodeJson, encodeJson, subjects, type Evidence, type MaintenanceRequest, type SqlStore } from '../core/index.ts';
import { createPgliteStore, createPostgresStore, migrate } from '../store/index.ts';
import { createTempDatabase, needServices } from '../../test/support/services.ts';
import { createMemoryQueue } from '../transport/index.ts';
import { decide } from './decision.ts';
import { outerRaceEvidence, recordingEnterprise, sampleEscalation } from './fixtures.ts';
import { createDiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { commitDecision, findDecision, recentIncidents, recordEscalation } from './repository.ts';

/** One database, opened as often as a test likes (each open is a fresh connection: a restarted process). */
interface Database {
  open(): Promise<SqlStore>;
  drop(): Promise<void>;
}

async function database(kind: 'pglite' | 'postgres'): Promise<Database> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'pdm-cloud-repo-'));
    return { open: () => createPgliteStore({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const db = await createTempDatabase();
  return { open: () => createPostgresStore({ url: db.url }), drop: () => db.drop() };
}

const migrated = async (store: SqlStore, upTo = Infinity): Promise<SqlStore> => {
  await migrate(store, cloudMigrations.filter((m) => m.version <= upTo), { table: CLOUD_MIGRATIONS_TABLE });
  return store;
};

/** Outer-race evidence whose key feature has a healthy level, so the cloud estimates a remaining life. */
function evidenceWithRul(): Evidence {
  const base = outerRaceEvidence();
  return {
    ...base,
    features: { ...base.features, 'env.bpfoRatio': 9.1 },
    baseline: { ...base.baseline, 'env.bpfoRatio': { median: 1.3, mad: 0.1 } },
  };
}

const pgSkip = await needServices('postgres');

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`repository - ${kind}`, { skip: kind === 'postgres' ? pgSkip : false }, () => {
    test('repository - a diagnosis decided with a RUL reads back the same, RUL and similar cases included, from a fresh connection', async () => {
      const db = await database(kind);
      try {
        const esc = sampleEscalation(evidenceWithRul(), { id: `site-a.pump-1.rul.${kind}` });
        const first = await migrated(await db.open());
        const queue = createMemoryQueue();
        const svc = await createDiagnosisService({ store: first, queue, enterprise: recordingEnterprise() });
        let acked = false;
        await queue.consume('pdm.ack.>', 'acks', async (m) => {
          acked ||= decodeJson(EscalationAck, m.data).ok;
          return 'ack';
        });
        await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
        for (let i = 0; i < 2000 && !acked; i++) await new Promise((r) => setTimeout(r, 5));
        const inMemory = svc.incidents().find((i) => i.escalation.id === esc.id)?.diagnosis;
        await svc.close();
        await queue.close();
        await first.close();
        assert.ok(acked, 'decided');
        assert.ok(inMemory?.rul, 'the cloud estimated a remaining life for this evidence');
        assert.equal(typeof inMemory.similarCases, 'number');

        // The process restarts: a new connection, a new service, the same database.
        const fresh = await migrated(await db.open());
        try {
          assert.deepEqual((await findDecision(fresh, esc.id))?.diagnosis, inMemory);
          assert.deepEqual((await recentIncidents(fresh, 10)).find((i) => i.escalation.id === esc.id)?.diagnosis, inMemory);
          const q2 = createMemoryQueue();
          const restarted = await createDiagnosisService({ store: fresh, queue: q2, enterprise: recordingEnterprise() });
          assert.deepEqual(restarted.incidents().find((i) => i.escalation.id === esc.id)?.diagnosis, inMemory);
          await restarted.close();
          await q2.close();
        } finally {
          await fresh.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}

test('repository - every field of the Diagnosis message survives the store (a field added later must be stored too)', async () => {
  const db = await database('pglite');
  const store = await migrated(await db.open());
  try {
    const esc = sampleEscalation(outerRaceEvidence(), { id: 'site-a.pump-1.fields' });
    await recordEscalation(store, esc, Date.now());
    const diagnosis: Diagnosis = {
      v: 1, escalationId: esc.id, faultType: 'bearing-outer-race', component: 'drive-end-bearing', confidence: 0.83, explanation: 'outer race',
      rul: {
        healthIndicator: 0.42, feature: 'env.bpfoRatio', failureLevel: 'ISO 10816 zone D', medianDays: 9.5, p10Days: 4.25, p90Days: 21.75,
        failureAtMs: { p10: esc.openedAt + 4.25 * 86_400_000, p50: esc.openedAt + 9.5 * 86_400_000, p90: esc.openedAt + 21.75 * 86_400_000 },
        readings: 1, prior: { source: 'fleet', curves: 2, rateMeanPerDay: 0.15 }, asOfMs: esc.openedAt,
      },
      similarCases: 3,
    };
    // Written so that a new key of the schema fails here until this test (and the store) carry it.
    assert.deepEqual(Object.keys(diagnosis).sort(), Object.keys(Diagnosis.shape).sort());
    assert.ok(Diagnosis.safeParse(diagnosis).success);
    const request: MaintenanceRequest = decide(esc, diagnosis);
    const outcome = { incidentId: esc.id, notificationId: 'N', purchaseOrderId: null, materialId: null, workOrderId: 'W', movedProductionOrders: [], created: true };
    assert.equal(await commitDecision(store, diagnosis, request, outcome, Date.now()), true);
    assert.deepEqual((await findDecision(store, esc.id))?.diagnosis, diagnosis);
    // No estimate is a stored null, not a missing field.
    const none = sampleEscalation(outerRaceEvidence(), { id: 'site-a.pump-1.no-rul' });
    await recordEscalation(store, none, Date.now());
    const noRul: Diagnosis = { ...diagnosis, escalationId: none.id, rul: null, similarCases: 0 };
    await commitDecision(store, noRul, decide(none, noRul), { ...outcome, incidentId: none.id }, Date.now());
    assert.deepEqual((await findDecision(store, none.id))?.diagnosis, noRul);
  } finally {
    await store.close();
    await db.drop();
  }
});

test('repository - a diagnosis stored before migration 7 gets its RUL and similar cases from its clear details', async () => {
  const db = await database('pglite');
  const store = await migrated(await db.open(), 6);
  try {
    const esc = sampleEscalation(outerRaceEvidence(), { id: 'site-a.pump-1.old' });
    await recordEscalation(store, esc, Date.now());
    const rul = {
      healthIndicator: 0.3, feature: 'env.bpfoRatio', failureLevel: 'x', medianDays: 12, p10Days: 5, p90Days: 30,
      failureAtMs: { p10: esc.openedAt + 5 * 86_400_000, p50: esc.openedAt + 12 * 86_400_000, p90: esc.openedAt + 30 * 86_400_000 },
      readings: 1, prior: { source: 'default', curves: 0, rateMeanPerDay: 0.1 }, asOfMs: esc.openedAt,
    };
    const neighbours = [
      { incidentId: 'a', site: 's', machine: 'm', faultType: 'bearing-outer-race', distance: 0.1 },
      { incidentId: 'b', site: 's', machine: 'm', faultType: 'misalignment', distance: 0.2 },
      { incidentId: 'c', site: 's', machine: 'm', faultType: 'bearing-outer-race', distance: 0.3 },
    ];
    // As the code before migration 7 wrote it: the diagnosis in columns, its RUL only in the details.
    await store.query(
      `INSERT INTO diagnoses (escalation_id, fault_type, component, confidence, explanation, details) VALUES ($1, 'bearing-outer-race', 'drive-end-bearing', 0.8, 'old', $2::text::jsonb)`,
      [esc.id, JSON.stringify({ rul, neighbours, economics: null })],
    );
    const base: Diagnosis = { v: 1, escalationId: esc.id, faultType: 'bearing-outer-race', component: 'drive-end-bearing', confidence: 0.8, explanation: 'old' };
    await store.query(`INSERT INTO decisions (escalation_id, request, outcome, decided_at_ms) VALUES ($1, $2::text::jsonb, NULL, 1)`, [esc.id, JSON.stringify(decide(esc, base))]);
    await migrated(store);
    assert.deepEqual((await findDecision(store, esc.id))?.diagnosis, { ...base, rul, similarCases: 2 });
  } finally {
    await store.close();
    await db.drop();
  }
});
