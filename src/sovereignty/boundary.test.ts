import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPgliteStore } from '../store/index.ts';
import { Escalation } from '../core/index.ts';
import { openAuditLog } from './audit/log.ts';
import { createSigner, generateSigningKeyPem } from './audit/signer.ts';
import { verifyAudit } from './audit/verify.ts';
import { openKeyService } from './keys/service.ts';
import { localKeys } from './keys/local.ts';
import { DEFAULT_POLICY } from './policy/default-policy.ts';
import { createInboundGuard, createOutboundGuard, sealedBinding } from './boundary.ts';

const sample = JSON.parse(readFileSync(new URL('../../examples/escalation.sample.json', import.meta.url), 'utf8')) as { evidence: { rawWaveform: { values: number[] } } };
const CLOUD = { name: 'cloud-diagnosis', jurisdiction: 'DE' };

test('boundary - edge seals only what the policy lets leave; a DE cloud worker opens it; raw bytes and secrets never cross', async (t) => {
  const store = await createPgliteStore();
  t.after(() => store.close());
  const audit = await openAuditLog(store, { signer: createSigner(generateSigningKeyPem()), checkpointEvery: 3 });
  const svc = await openKeyService({ store, audit });
  const keys = localKeys(svc, { edge: 'edge-site-a', cloud: 'cloud-de' });
  const grant = await svc.createGrant({ grantee: 'cloud-de', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 60_000 }, { principal: 'site-a-admin' });

  const edge = createOutboundGuard({ policy: DEFAULT_POLICY, keys, site: 'site-a', jurisdiction: 'DE', audit });
  const prepared = await edge.prepare(sample, CLOUD, 'escalation:1');
  assert.ok(prepared.ok, !prepared.ok ? prepared.reason : '');
  const wire = JSON.stringify(prepared.value.envelope);
  const blocked = await edge.prepare(sample, { name: 'cloud-diagnosis', jurisdiction: 'US' }, 'escalation:1');
  assert.equal(blocked.ok ? '' : blocked.code, 'policy-blocked');
  assert.equal(edge.counters.get('policy.blocked'), 1);

  const worker = createInboundGuard({ keys, workerJurisdiction: 'DE', purpose: 'diagnosis', audit });
  const opened = await worker.open(JSON.parse(wire));
  assert.ok(opened.ok, !opened.ok ? opened.reason : '');
  const text = opened.value.payload.toString('utf8');
  const received = JSON.parse(text);
  assert.ok(Escalation.safeParse(received).success);
  // No waveform sample and no recipe fact is in the envelope or in what the cloud decrypts.
  const samples = sample.evidence.rawWaveform.values.filter((x) => Math.abs(x) > 0.1).map((x) => String(x));
  for (const s of [...samples, 'PA66-GF30', 'PO-2026-11873', '"meltTempC"', '"pressureBar"']) {
    assert.ok(!text.includes(s), `${s} reached the cloud`);
    assert.ok(!wire.includes(s), `${s} is readable on the wire`);
  }

  // Residency: an EU-wide worker must not take data tagged DE, and does not even ask for its key.
  const euWorker = createInboundGuard({ keys, workerJurisdiction: 'EU', purpose: 'diagnosis', audit });
  const refused = await euWorker.open(JSON.parse(wire));
  assert.equal(refused.ok ? '' : refused.code, 'residency');

  // Revocation: stored evidence can no longer be read, and the refusal says why.
  await svc.revokeGrant(grant.id, { principal: 'site-a-admin' });
  const after = await worker.open(JSON.parse(wire));
  assert.ok(!after.ok);
  assert.equal(after.code, 'grant-revoked');
  assert.match(after.reason, /^site site-a revoked the cloud's grant at .*: evidence from site-a cannot be decrypted$/);
  assert.equal(worker.counters.get('open.refused.grant-revoked'), 1);

  const v = await verifyAudit(store);
  assert.ok(v.intact, v.summary);
  const { rows } = await store.query<{ action: string }>('SELECT DISTINCT action FROM audit_log');
  for (const action of ['transfer.policy', 'transfer.blocked', 'transfer.seal', 'keys.wrap', 'keys.unwrap', 'evidence.open', 'keys.revoke']) {
    assert.ok(rows.some((r) => r.action === action), `${action} not audited`);
  }
});

test('boundary - the id beside an envelope is bound into its AAD: swapping ids between two envelopes is refused as tampered', async (t) => {
  const store = await createPgliteStore();
  t.after(() => store.close());
  const svc = await openKeyService({ store });
  const keys = localKeys(svc, { edge: 'edge-site-a', cloud: 'cloud-de' });
  await svc.createGrant({ grantee: 'cloud-de', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 60_000 }, { principal: 'site-a-admin' });
  const edge = createOutboundGuard({ policy: DEFAULT_POLICY, keys, site: 'site-a', jurisdiction: 'DE' });
  const worker = createInboundGuard({ keys, workerJurisdiction: 'DE', purpose: 'diagnosis' });
  const a = await edge.prepare({ ...sample, id: 'inc-a' }, CLOUD, 'escalation:inc-a', { bind: sealedBinding.escalation('inc-a') });
  const b = await edge.prepare({ ...sample, id: 'inc-b' }, CLOUD, 'escalation:inc-b', { bind: sealedBinding.escalation('inc-b') });
  assert.ok(a.ok && b.ok);
  // Each opens with its own id beside it...
  for (const [env, id] of [[a.value.envelope, 'inc-a'], [b.value.envelope, 'inc-b']] as const) {
    const r = await worker.open(JSON.parse(JSON.stringify(env)), `escalation:${id}`, { bind: sealedBinding.escalation(id) });
    assert.ok(r.ok, !r.ok ? r.reason : '');
    assert.equal(JSON.parse(r.value.payload.toString('utf8')).id, id);
  }
  // ...and neither opens with the other's id, with no id, or as a status.
  for (const [env, bind] of [[a.value.envelope, sealedBinding.escalation('inc-b')], [b.value.envelope, sealedBinding.escalation('inc-a')], [a.value.envelope, undefined], [a.value.envelope, sealedBinding.status()]] as const) {
    const r = await worker.open(JSON.parse(JSON.stringify(env)), 'escalation:swapped', bind === undefined ? {} : { bind });
    assert.ok(!r.ok, `opened under ${bind}`);
    assert.equal(r.code, 'tampered');
    assert.match(r.reason, /failed authentication/);
  }
  assert.equal(worker.counters.get('open.refused.tampered'), 4);
});
