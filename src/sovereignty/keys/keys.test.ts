import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPgliteStore } from '../../store/index.ts';
import { openEnvelope, sealEnvelope, withWrap } from '../envelope/envelope.ts';
import { verifyAudit } from '../audit/verify.ts';
import { createSigner, generateSigningKeyPem } from '../audit/signer.ts';
import { createKeyServiceClient } from './client.ts';
import { startKeyService } from './server.ts';
import { openKeyService } from './service.ts';
import { randomBytes } from 'node:crypto';

const TOKENS = [
  { token: 'admin-token-0123456789', principal: 'site-a-admin', role: 'site-admin' as const, sites: ['site-*'] },
  { token: 'edge-token-0123456789ab', principal: 'edge-site-a', role: 'edge' as const, sites: ['site-*'] },
  { token: 'cloud-token-0123456789a', principal: 'cloud-eu', role: 'cloud' as const },
];
const payload = readFileSync(new URL('../../../examples/escalation.sample.json', import.meta.url), 'utf8');

// One PGlite for the file (opening one takes seconds on a busy machine); each test uses its own site.
let shared: ReturnType<typeof createPgliteStore> | undefined;
after(async () => (shared ? (await shared).close() : undefined));

async function setup(t: { after(fn: () => Promise<void>): void }, now?: () => number) {
  shared ??= createPgliteStore();
  const store = await shared;
  const ks = await startKeyService({ store, tokens: TOKENS, signer: createSigner(generateSigningKeyPem()), checkpointEvery: 4, now });
  t.after(() => ks.close());
  const client = (i: number) => createKeyServiceClient({ url: ks.url, token: TOKENS[i]!.token });
  return { store, ks, admin: client(0), edge: client(1), cloud: client(2) };
}

test('keys - the cloud opens evidence only under a grant, and after revocation is told so in words', async (t) => {
  const { store, ks, admin, edge, cloud } = await setup(t);
  const startSeq = (await ks.audit.head()).seq;
  const sealed = await sealEnvelope(payload, { site: 'site-a', jurisdiction: 'DE' }, edge);
  assert.ok(sealed.ok, !sealed.ok ? sealed.reason : '');
  assert.ok(!sealed.value.ciphertext.includes('pump-001') && !JSON.stringify(sealed.value).includes('PA66'), 'nothing readable in the envelope');

  const before = await openEnvelope(sealed.value, 'diagnosis', cloud);
  assert.deepEqual(before.ok ? 'opened' : before.code, 'no-grant');

  const grant = await admin.createGrant({ grantee: 'cloud-eu', site: 'site-a', purpose: 'diagnosis', expiresAt: new Date(Date.now() + 3_600_000) });
  assert.ok(grant.ok);
  const opened = await openEnvelope(sealed.value, 'diagnosis', cloud);
  assert.ok(opened.ok);
  assert.equal(opened.value.toString('utf8'), payload);
  const otherPurpose = await openEnvelope(sealed.value, 'model-training', cloud);
  assert.equal(otherPurpose.ok ? 'opened' : otherPurpose.code, 'no-grant');

  const revoked = await admin.revokeGrant(grant.value.id);
  assert.ok(revoked.ok);
  const after = await openEnvelope(sealed.value, 'diagnosis', cloud);
  assert.ok(!after.ok);
  assert.equal(after.code, 'grant-revoked');
  assert.equal(after.reason, `site site-a revoked the cloud's grant at ${new Date(revoked.value.revokedAtMs!).toISOString()}: evidence from site-a cannot be decrypted`);
  // Every operation is in the audit log, and the log verifies.
  const v = await verifyAudit(store);
  assert.ok(v.intact, v.summary);
  const { rows } = await store.query<{ action: string; outcome: string }>('SELECT action, outcome FROM audit_log WHERE seq > $1 ORDER BY seq', [startSeq]);
  assert.deepEqual(rows.map((r) => `${r.action}:${r.outcome}`), ['keys.wrap:ok', 'keys.unwrap:refused', 'keys.grant:ok', 'keys.unwrap:ok', 'keys.unwrap:refused', 'keys.revoke:ok', 'keys.unwrap:refused']);
});

test('keys - an expired grant is refused as expired', async (t) => {
  let nowMs = Date.parse('2026-11-23T10:00:00Z');
  const { admin, edge, cloud } = await setup(t, () => nowMs);
  const sealed = await sealEnvelope('{"x":1}', { site: 'site-e', jurisdiction: 'EU' }, edge);
  assert.ok(sealed.ok);
  assert.ok((await admin.createGrant({ grantee: 'cloud-eu', site: 'site-e', purpose: 'diagnosis', expiresAt: '2026-11-23T11:00:00Z' })).ok);
  assert.ok((await openEnvelope(sealed.value, 'diagnosis', cloud)).ok);
  nowMs += 2 * 3_600_000;
  const r = await openEnvelope(sealed.value, 'diagnosis', cloud);
  assert.equal(r.ok ? 'opened' : r.code, 'grant-expired');
  assert.match(!r.ok ? r.reason : '', /expired at 2026-11-23T11:00:00.000Z/);
});

test('keys - tokens: unknown is 401, roles and sites are enforced', async (t) => {
  const { ks, edge, cloud, admin } = await setup(t);
  const nobody = createKeyServiceClient({ url: ks.url, token: 'not-a-token-at-all-xx' });
  assert.equal(((await nobody.rotate('site-a')) as { code: string }).code, 'unauthorized');
  assert.equal(((await cloud.wrap({ site: 'site-a', jurisdiction: 'DE', dataKey: Buffer.alloc(32) })) as { code: string }).code, 'forbidden', 'the cloud cannot wrap');
  assert.equal(((await edge.wrap({ site: 'other-b', jurisdiction: 'DE', dataKey: Buffer.alloc(32) })) as { code: string }).code, 'forbidden', 'a site token acts for its own site only');
  assert.equal(((await edge.createGrant({ grantee: 'x', site: 'site-a', purpose: 'p', expiresAt: new Date() })) as { code: string }).code, 'forbidden');
  assert.equal(((await admin.rotate('other-b')) as { code: string }).code, 'forbidden');
  const sealed = await sealEnvelope('{}', { site: 'site-a', jurisdiction: 'DE' }, edge);
  assert.ok(sealed.ok);
  assert.equal(((await openEnvelope(sealed.value, 'diagnosis', admin)) as { code: string }).code, 'forbidden', 'only the cloud role unwraps');
  const bad = await edge.wrap({ site: 'site-a', jurisdiction: 'DE', dataKey: Buffer.alloc(7) });
  assert.equal((bad as { code: string }).code, 'bad-request');
});

test('keys - rotation: new envelopes use the new KEK version, rewrap moves old ones without re-encrypting', async (t) => {
  const { admin, edge, cloud } = await setup(t);
  assert.ok((await admin.createGrant({ grantee: 'cloud-eu', site: 'site-r', purpose: '*', expiresAt: new Date(Date.now() + 3_600_000) })).ok);
  const old = await sealEnvelope(payload, { site: 'site-r', jurisdiction: 'DE' }, edge);
  assert.ok(old.ok);
  assert.equal(old.value.wrap.kekVersion, 1);
  const rot = await admin.rotate('site-r');
  assert.ok(rot.ok);
  assert.equal(rot.value.kekVersion, 2);
  const fresh = await sealEnvelope(payload, { site: 'site-r', jurisdiction: 'DE' }, edge);
  assert.ok(fresh.ok);
  assert.equal(fresh.value.wrap.kekVersion, 2);
  for (const rewrapper of [cloud, admin]) {
    const re = await rewrapper.rewrap({ site: 'site-r', jurisdiction: 'DE', ...old.value.wrap });
    assert.ok(re.ok, !re.ok ? re.reason : '');
    assert.equal(re.value.kekVersion, 2);
    const moved = withWrap(old.value, re.value);
    assert.equal(moved.ciphertext, old.value.ciphertext, 'the payload is not re-encrypted');
    const opened = await openEnvelope(moved, 'diagnosis', cloud);
    assert.ok(opened.ok && opened.value.toString() === payload);
  }
  // The old wrap still opens too (old KEK versions stay for unwrap until the plant retires them).
  assert.ok((await openEnvelope(old.value, 'diagnosis', cloud)).ok);
});

test('keys - with a master key the KEKs are stored wrapped; without it or with another the service refuses to use them', async () => {
  shared ??= createPgliteStore();
  const store = await shared;
  const master = randomBytes(32);
  const svc = await openKeyService({ store, masterKey: master });
  const w = await svc.wrap({ site: 'site-m', jurisdiction: 'DE', dataKey: Buffer.alloc(32, 9) }, { principal: 'edge' });
  assert.ok(w.ok);
  const { rows } = await store.query<{ key_b64: string }>(`SELECT key_b64 FROM kms_keks WHERE site = 'site-m'`);
  assert.match(rows[0]!.key_b64, /^mk1:/);
  await svc.createGrant({ grantee: 'c', site: 'site-m', purpose: 'p', expiresAtMs: Date.now() + 60_000 }, { principal: 'admin' });
  const back = await svc.unwrap({ site: 'site-m', jurisdiction: 'DE', purpose: 'p', ...w.value }, { principal: 'c' });
  assert.ok(back.ok && back.value.equals(Buffer.alloc(32, 9)));
  const without = await openKeyService({ store });
  await assert.rejects(without.unwrap({ site: 'site-m', jurisdiction: 'DE', purpose: 'p', ...w.value }, { principal: 'c' }), /started without one/);
  const other = await openKeyService({ store, masterKey: randomBytes(32) });
  await assert.rejects(other.unwrap({ site: 'site-m', jurisdiction: 'DE', purpose: 'p', ...w.value }, { principal: 'c' }), /does not unwrap under this master key/);
});
