import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPgliteStore } from '../store/index.ts';
import { openKeyService } from './keys/service.ts';
import { localKeys } from './keys/local.ts';
import { sealEnvelope } from './envelope/envelope.ts';
import { createStoredEvidence } from './stored-evidence.ts';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const store = await createPgliteStore();
  t.after(() => store.close());
  const svc = await openKeyService({ store });
  const grant = await svc.createGrant({ grantee: 'cloud', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 60_000 }, { principal: 'site-a-admin' });
  const keys = localKeys(svc);
  let unwraps = 0;
  const counting = { unwrap: (r: Parameters<typeof keys.unwrap>[0]) => (unwraps++, keys.unwrap(r)) };
  const clock = { ms: 1_000_000 };
  const stored = createStoredEvidence({ keys: counting, workerJurisdiction: 'DE', purpose: 'diagnosis', ttlMs: 60_000, now: () => clock.ms });
  const sealed = await sealEnvelope('{"features":{"accel.rmsMs2":0.67}}', { site: 'site-a', jurisdiction: 'DE', bind: 'escalation:e1' }, keys);
  assert.ok(sealed.ok);
  return { svc, grant, stored, env: sealed.value, clock, unwraps: () => unwraps };
}

test('stored evidence - opens under the grant, caches the data key for its TTL only, and refuses plainly once revoked', async (t) => {
  const s = await setup(t);
  const a = await s.stored.open(s.env, 'escalation:e1', { bind: 'escalation:e1' });
  assert.equal(a.ok && a.value.payload.toString(), '{"features":{"accel.rmsMs2":0.67}}');
  assert.ok((await s.stored.open(s.env, 'escalation:e1', { bind: 'escalation:e1' })).ok);
  assert.equal(s.unwraps(), 1, 'the second read used the cached data key');
  assert.equal(s.stored.cachedKeys(), 1);

  await s.svc.revokeGrant(s.grant.id, { principal: 'site-a-admin' });
  // Without a notice a cached key lives at most its TTL: still readable now, not after it.
  assert.ok((await s.stored.open(s.env, 'escalation:e1', { bind: 'escalation:e1' })).ok);
  s.clock.ms += 60_001;
  assert.equal(s.stored.cachedKeys(), 0);
  const after = await s.stored.open(s.env, 'escalation:e1', { bind: 'escalation:e1' });
  assert.equal(after.ok ? 'opened' : after.code, 'grant-revoked');
  assert.match(after.ok ? '' : after.reason, /^site site-a revoked the cloud's grant at /);
});

test('stored evidence - a fresh read or a revocation notice bypasses the cache; a record sealed beside shares the fate of its envelope', async (t) => {
  const s = await setup(t);
  const beside = await s.stored.sealBeside(s.env, '{"fleet":[{"feature":"vel.x1MmS","value":3.2}]}', 'details:e1', { bind: 'details:e1' });
  assert.ok(beside.ok);
  assert.deepEqual(beside.value.wrap, s.env.wrap, 'same wrapped data key');
  assert.notEqual(beside.value.id, s.env.id);
  assert.ok(!JSON.stringify(beside.value).includes('vel.x1MmS'));
  const wrongBind = await s.stored.open(beside.value, 'details:e1', { bind: 'details:e2' });
  assert.equal(wrongBind.ok ? 'opened' : wrongBind.code, 'tampered');
  const readBack = await s.stored.open(beside.value, 'details:e1', { bind: 'details:e1' });
  assert.equal(readBack.ok && readBack.value.payload.toString(), '{"fleet":[{"feature":"vel.x1MmS","value":3.2}]}');

  await s.svc.revokeGrant(s.grant.id, { principal: 'site-a-admin' });
  const fresh = await s.stored.open(s.env, 'escalation:e1', { bind: 'escalation:e1', fresh: true });
  assert.equal(fresh.ok ? 'opened' : fresh.code, 'grant-revoked');
  // The refused fresh read dropped the site's keys: the cached path refuses too, within the TTL.
  assert.equal(s.stored.cachedKeys(), 0);
  const cached = await s.stored.open(beside.value, 'details:e1', { bind: 'details:e1' });
  assert.equal(cached.ok ? 'opened' : cached.code, 'grant-revoked');
  assert.equal(s.stored.forgetSite('site-a'), 0);
});
