// The real enterprise refuses a maintenance request for good (its REST API answers 422: the machine
// is no registered work centre), over HTTP with the cloud's client: the cloud decides the incident as
// refused once, acks the edge so its outbox can drain, and the dashboard's API shows the reason.
// Before, the intake naked and retried with backoff forever and the edge kept the escalation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardState, EscalationAck, decodeJson, encodeJson, subjects, type SqlStore } from '../../src/core/index.ts';
import { createDiagnosisService } from '../../src/cloud/intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from '../../src/cloud/migrations.ts';
import { outerRaceEvidence, sampleEscalation } from '../../src/cloud/fixtures.ts';
import { startDashboard } from '../../src/dashboard/index.ts';
import { fetchAs } from '../../src/dashboard/session.test-support.ts';
import { startEnterprise } from '../../src/enterprise/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import { createEnterpriseHttpClient, createMemoryQueue } from '../../src/transport/index.ts';

test('e2e intake refusal - the ERP refuses with 422: decided as refused once, the edge acked, the reason on the dashboard', { timeout: 120_000 }, async () => {
  const stores: SqlStore[] = [];
  const enterpriseStore = await createPgliteStore();
  stores.push(enterpriseStore);
  const ent = await startEnterprise({ store: enterpriseStore, port: 0, env: {} });
  const cloudStore = await createPgliteStore();
  stores.push(cloudStore);
  await migrate(cloudStore, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
  const queue = createMemoryQueue();
  const enterprise = createEnterpriseHttpClient({ baseUrl: ent.url, token: ent.tokenFor('integration') });
  const svc = await createDiagnosisService({ store: cloudStore, queue, enterprise, busyRetryMs: 10 });
  const dash = await startDashboard({ source: svc });
  try {
    const acks: EscalationAck[] = [];
    await queue.consume('pdm.ack.>', 'edge', async (m) => {
      const r = decodeJson(EscalationAck, m.data);
      if (r.ok) acks.push(r.value);
      return 'ack';
    });
    // No plant registered: pump-1 is no work centre of the enterprise, whatever the retry.
    const esc = sampleEscalation(outerRaceEvidence(), { id: `site-a.pump-1.refused` });
    await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
    for (let i = 0; i < 2000 && acks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(acks.length, 1, `acked; stats ${JSON.stringify(svc.stats())}`);
    assert.equal(acks[0]!.outcome, 'decided');
    assert.match(acks[0]!.detail ?? '', /^refused by ERP: machine "pump-1" is not a registered work centre/);
    assert.equal(svc.stats()['cloud.decisions.refused'], 1);
    assert.equal(svc.stats()['cloud.intake.failed'], 0, 'a permanent refusal is not retried');

    // Redelivered: answered from the decisions table, the enterprise is not asked again.
    for (let i = 0; i < 5; i++) await queue.publish(subjects.escalation(esc.site), encodeJson(esc));
    for (let i = 0; i < 2000 && acks.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(acks.slice(1).map((a) => a.outcome), Array(5).fill('duplicate'));
    assert.equal(svc.stats()['cloud.decisions.refused'], 1);
    assert.equal(await ent.service.getIncident(esc.id), null, 'the enterprise created nothing');

    // The dashboard's API (what the fleet and incident views render) carries the refusal and its reason.
    const state = DashboardState.parse(await (await fetchAs(dash, 'api/state')).json());
    const inc = state.incidents.find((i) => i.escalation.id === esc.id);
    assert.equal(inc?.refusal?.status, 422);
    assert.match(inc?.refusal?.reason ?? '', /not a registered work centre/);
    assert.equal(inc?.outcome, null);
    assert.equal(state.stats['cloud.decisions.refused'], 1);
  } finally {
    await dash.close();
    await svc.close();
    await queue.close();
    await ent.close();
    for (const s of stores) await s.close();
  }
});
