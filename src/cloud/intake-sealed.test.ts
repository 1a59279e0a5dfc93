import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, encodeJson, EscalationAck, subjects, type MachineStatus, type SqlStore } from '../core/index.ts';
import { createPgliteStore, migrate } from '../store/index.ts';
import { createMemoryQueue, type MemoryQueue } from '../transport/index.ts';
import { createInboundGuard, createOutboundGuard, DEFAULT_POLICY, localKeys, openKeyService, refuse, sealedBinding, type KeyService, type KeyUnwrapper } from '../sovereignty/index.ts';
import { recordingEnterprise, sampleEscalation } from './fixtures.ts';
import { createDiagnosisService } from './intake.ts';
import { CLOUD_MIGRATIONS_TABLE, cloudMigrations } from './migrations.ts';
import { waitUntil } from '../../test/support/wait.ts';

const CLOUD = { name: 'cloud-diagnosis', jurisdiction: 'DE' };

let store: SqlStore;
let svc: KeyService;
let seq = 0;
before(async () => {
  store = await createPgliteStore();
  await migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE });
  svc = await openKeyService({ store });
  await svc.createGrant({ grantee: 'cloud', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 3_600_000 }, { principal: 'site-a-admin' });
});
after(() => store.close());

/** A guarded diagnosis service whose key service can be taken down; collects the acks. */
async function service(t: { after(fn: () => Promise<void>): void }, opts: { workerJurisdiction?: string } = {}) {
  const queue: MemoryQueue = createMemoryQueue();
  const keyService = { down: false };
  const keys: KeyUnwrapper = {
    unwrap: (r) => (keyService.down ? Promise.resolve(refuse('unavailable', 'key service unreachable')) : svc.unwrap(r, { principal: 'cloud' })),
  };
  const enterprise = recordingEnterprise();
  const inboundGuard = createInboundGuard({ keys, workerJurisdiction: opts.workerJurisdiction ?? 'DE', purpose: 'diagnosis' });
  const cloud = await createDiagnosisService({ store, queue, enterprise, inboundGuard, busyRetryMs: 5 });
  const acks: EscalationAck[] = [];
  await queue.consume('pdm.ack.>', 'acks', async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  t.after(async () => {
    await cloud.close();
    await queue.close();
  });
  return { queue, cloud, enterprise, acks, keyService };
}

/** An escalation sealed as the edge seals it (envelope + its id beside it). */
async function sealed(jurisdiction = 'DE') {
  const esc = sampleEscalation(undefined, { id: `site-a.pump-1.${Date.UTC(2026, 0, 6) + ++seq}` });
  const guard = createOutboundGuard({ policy: DEFAULT_POLICY, keys: localKeys(svc), site: 'site-a', jurisdiction });
  const r = await guard.prepare(esc, CLOUD, `escalation:${esc.id}`, { bind: sealedBinding.escalation(esc.id) });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { esc, wire: { ...r.value.envelope, escalationId: esc.id } as Record<string, unknown> };
}

test('intake sealed - a sealed escalation is opened, decided and stored with its jurisdiction', async (t) => {
  const s = await service(t);
  const { esc, wire } = await sealed();
  await s.queue.publish(subjects.escalation('site-a'), encodeJson(wire));
  await waitUntil(() => s.acks.length >= 1, 'the ack');
  assert.deepEqual(s.acks.map((a) => [a.escalationId, a.outcome]), [[esc.id, 'decided']]);
  const { rows } = await store.query<{ jurisdiction: string }>('SELECT jurisdiction FROM escalations WHERE id = $1', [esc.id]);
  assert.equal(rows[0]?.jurisdiction, 'DE');
});

test('intake sealed - with a guard a plain escalation is refused, dead-lettered and answered "rejected"', async (t) => {
  const s = await service(t);
  const esc = sampleEscalation(undefined, { id: `site-a.pump-1.plain-${++seq}` });
  await s.queue.publish(subjects.escalation('site-a'), encodeJson(esc));
  await waitUntil(() => s.acks.length >= 1, 'the ack');
  assert.equal(s.acks[0]?.outcome, 'rejected');
  assert.match(s.acks[0]?.detail ?? '', /not sealed/);
  assert.equal(s.enterprise.calls.length, 0);
  assert.equal(s.cloud.stats()['cloud.intake.unsealed'], 1);
  const { rows } = await store.query('SELECT 1 FROM escalations WHERE id = $1', [esc.id]);
  assert.equal(rows.length, 0, 'nothing of it stored');
});

test('intake sealed - tampered ciphertext, a changed id and a foreign jurisdiction are refused with their reason', async (t) => {
  const s = await service(t);
  const a = await sealed();
  const ct = Buffer.from(a.wire['ciphertext'] as string, 'base64');
  ct[5] = ct[5]! ^ 1;
  await s.queue.publish(subjects.escalation('site-a'), encodeJson({ ...a.wire, ciphertext: ct.toString('base64') }));
  const b = await sealed();
  const other = await sealed();
  await s.queue.publish(subjects.escalation('site-a'), encodeJson({ ...b.wire, escalationId: other.esc.id }));
  const c = await sealed('FR');
  await s.queue.publish(subjects.escalation('site-a'), encodeJson(c.wire));
  await waitUntil(() => s.acks.length >= 3, '3 acks');
  const byId = new Map(s.acks.map((x) => [x.escalationId, x]));
  assert.match(byId.get(a.esc.id)?.detail ?? '', /^tampered: /);
  // The swapped id fails authentication (it is the envelope's AAD), before any payload is read.
  assert.match(byId.get(other.esc.id)?.detail ?? '', /^tampered: .*failed authentication/);
  assert.match(byId.get(c.esc.id)?.detail ?? '', /^residency: record is tagged for FR/);
  assert.ok(s.acks.every((x) => x.outcome === 'rejected'));
  assert.equal(s.enterprise.calls.length, 0);
  assert.equal(s.cloud.stats()['cloud.intake.residency'], 1);
  assert.equal(s.cloud.stats()['cloud.intake.refused'], 2);
});

test('intake sealed - while the key service is down the escalation is redelivered, and decided once it is back', async (t) => {
  const s = await service(t);
  s.keyService.down = true;
  const { esc, wire } = await sealed();
  await s.queue.publish(subjects.escalation('site-a'), encodeJson(wire));
  await waitUntil(() => s.cloud.stats()['cloud.intake.unavailable']! >= 2, 'redeliveries while down');
  assert.equal(s.acks.length, 0, 'no answer while the key cannot be had');
  s.keyService.down = false;
  await waitUntil(() => s.acks.length >= 1, 'the ack');
  assert.deepEqual(s.acks.map((a) => [a.escalationId, a.outcome]), [[esc.id, 'decided']]);
});

test('intake sealed - a sealed status reaches the fleet view; a plain, tampered or revoked one is counted as invalid, never applied', async (t) => {
  const s = await service(t);
  const status = (machine: string): MachineStatus => ({ v: 1, site: 'site-b', line: 'l1', machine, machineType: 'centrifugal-pump', ts: Date.UTC(2026, 0, 6), state: 'normal', score: 0.2, windows: 40 });
  // Its own site, so that revoking it here leaves the other tests' grant on site-a alone.
  const grant = await svc.createGrant({ grantee: 'cloud', site: 'site-b', purpose: 'diagnosis', expiresAtMs: Date.now() + 3_600_000 }, { principal: 'site-b-admin' });
  const guard = createOutboundGuard({ policy: DEFAULT_POLICY, keys: localKeys(svc), site: 'site-b', jurisdiction: 'DE' });
  const seal = async (st: MachineStatus) => {
    const r = await guard.prepare(st, CLOUD, 'status', { bind: sealedBinding.status() });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.value.envelope as Record<string, unknown>;
  };
  await s.queue.publish(subjects.status('site-b'), encodeJson(await seal(status('m-sealed'))));
  await s.queue.publish(subjects.status('site-b'), encodeJson(status('m-plain')));
  const escalationAsStatus = await guard.prepare(sampleEscalation(undefined, { id: 'site-b.pump-1.1' }), CLOUD, 'x', { bind: sealedBinding.escalation('site-b.pump-1.1') });
  assert.ok(escalationAsStatus.ok);
  await s.queue.publish(subjects.status('site-b'), encodeJson(escalationAsStatus.value.envelope));
  await waitUntil(() => (s.cloud.stats()['cloud.status.received'] ?? 0) + (s.cloud.stats()['cloud.status.invalid'] ?? 0) >= 3, '3 statuses');
  assert.deepEqual(s.cloud.fleet().filter((m) => m.site === 'site-b').map((m) => m.machine), ['m-sealed'], JSON.stringify(s.cloud.deadLetters.list().map((d) => d.reason)));
  assert.equal(s.cloud.stats()['cloud.status.invalid'], 2);
  assert.ok(s.cloud.deadLetters.list().some((d) => /^unsealed: /.test(d.reason)));
  assert.ok(s.cloud.deadLetters.list().some((d) => /^tampered: .*failed authentication/.test(d.reason)));

  await svc.revokeGrant(grant.id, { principal: 'site-b-admin' });
  await s.queue.publish(subjects.status('site-b'), encodeJson(await seal(status('m-after'))));
  await waitUntil(() => s.cloud.stats()['cloud.status.invalid'] === 3, 'the refused status');
  assert.ok(!s.cloud.fleet().some((m) => m.machine === 'm-after'));
  assert.ok(s.cloud.deadLetters.list().some((d) => /^grant-revoked: site site-b revoked the cloud's grant/.test(d.reason)));
});
