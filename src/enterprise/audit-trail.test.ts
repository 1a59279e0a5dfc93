import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteStore, migrate } from '../store/index.ts';
import { openAuditLog, verifyAudit, createSigner, generateSigningKeyPem, type AuditEntry } from '../sovereignty/index.ts';
import { enterpriseMigrations, ENTERPRISE_MIGRATIONS_TABLE } from './migrations.ts';
import { seedCatalogue } from './seed.ts';
import { createEnterpriseService } from './service.ts';
import { HOUR_MS, T0, THREE_SHIFTS, request } from './test-fixture.ts';

// Every committed ERP/MES write leaves one audit entry: the plan, each plant action once (the
// floor may fetch the same actions again), a refused request too; the chain verifies intact.
test('enterprise audit - every ERP/MES write is appended once to a verifiable audit chain', async () => {
  const store = await createPgliteStore();
  try {
    await migrate(store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE });
    await seedCatalogue(store, { stock: [{ materialId: 'MAT-BRG-6205-2RS', site: 'a', quantity: 1, reorderPoint: 0 }] });
    const log = await openAuditLog(store, { signer: createSigner(generateSigningKeyPem()), checkpointEvery: 2 });
    const seen: AuditEntry[] = [];
    const audit = { append: async (e: AuditEntry) => { seen.push(e); return log.append(e); } };
    let clock = T0;
    const service = createEnterpriseService({ store, now: () => ++clock, config: THREE_SHIFTS, audit });
    await service.registerPlant([{ machine: 'p1', site: 'a', line: 'l', machineType: 'centrifugal-pump' }], { startMs: T0, horizonMs: 4 * 24 * HOUR_MS });
    await service.requestMaintenance(request({ incidentId: 'inc-1', site: 'a', machine: 'p1', machineType: 'centrifugal-pump', dueBy: T0 + 48 * HOUR_MS }));
    await service.requestMaintenance(request({ incidentId: 'inc-1', site: 'a', machine: 'p1', machineType: 'centrifugal-pump', dueBy: T0 + 48 * HOUR_MS }));
    await service.tryRequestMaintenance(request({ incidentId: 'inc-2', site: 'a', machine: 'nope', machineType: 'centrifugal-pump', dueBy: T0 + 48 * HOUR_MS }));
    for (let h = 1; h <= 60; h += 1) await service.syncPlant({ nowMs: T0 + h * HOUR_MS, afterSeq: 0, events: [] });
    assert.deepEqual(seen.map((e) => [e.action, e.object, e.outcome]), [
      ['erp.maintenance.plan', 'inc-1', 'created'],
      ['erp.maintenance.plan', 'inc-2', 'refused'],
      ['mes.stop-for-maintenance', seen[2]?.object, 'emitted'],
      ['mes.repair-complete', seen[2]?.object, 'emitted'],
    ], 'a repeated request and re-fetched actions add nothing');
    assert.match(String(seen[2]?.object), /^WO-/);
    const v = await verifyAudit(store);
    assert.ok(v.intact && v.records === 4, JSON.stringify(v));
  } finally {
    await store.close();
  }
});
