import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createPgliteStore } from '../../store/index.ts';
import { openKeyService } from '../keys/service.ts';
import { openEnvelope, sealEnvelope, type KeyUnwrapper, type KeyWrapper } from './envelope.ts';
import type { SealedEnvelope } from './schema.ts';
import { evaluatePolicy } from '../policy/evaluate.ts';
import { DEFAULT_POLICY } from '../policy/default-policy.ts';

/** The key service in process, with a standing grant for `cloud` (HTTP is covered in keys.test.ts). */
let shared: ReturnType<typeof createPgliteStore> | undefined;
after(async () => (shared ? (await shared).close() : undefined));
async function keys() {
  shared ??= createPgliteStore(); // one PGlite for the file: opening one takes seconds on a busy machine
  const store = await shared;
  const svc = await openKeyService({ store });
  await svc.createGrant({ grantee: 'cloud', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 3_600_000 }, { principal: 'admin' });
  const wrapper: KeyWrapper = { wrap: (r) => svc.wrap(r, { principal: 'edge' }) };
  const unwrapper: KeyUnwrapper = { unwrap: (r) => svc.unwrap(r, { principal: 'cloud' }) };
  return { store, svc, wrapper, unwrapper };
}

const flipB64 = (b64: string, index: number) => {
  const b = Buffer.from(b64, 'base64');
  b[index % b.length] = b[index % b.length]! ^ 0x01;
  return b.toString('base64');
};

test('envelope - seal then open returns the payload; each batch gets its own key and IV', async () => {
  const k = await keys();
  const a = await sealEnvelope('hello plant', { site: 'site-a', jurisdiction: 'DE' }, k.wrapper);
  const b = await sealEnvelope('hello plant', { site: 'site-a', jurisdiction: 'DE' }, k.wrapper);
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.value.ciphertext, b.value.ciphertext);
  assert.notEqual(a.value.wrap.wrappedKey, b.value.wrap.wrappedKey);
  assert.equal(Buffer.from(a.value.iv, 'base64').length, 12);
  const o = await openEnvelope(JSON.parse(JSON.stringify(a.value)), 'diagnosis', k.unwrapper);
  assert.ok(o.ok);
  assert.equal(o.value.toString('utf8'), 'hello plant');
});

test('envelope - tampered ciphertext, IV, tag, bound header or wrapped key is refused clearly', async () => {
  const k = await keys();
  const s = await sealEnvelope('{"evidence":{"features":{"accel.rmsMs2":3.4}}}', { site: 'site-a', jurisdiction: 'DE' }, k.wrapper);
  assert.ok(s.ok);
  const env = s.value;
  const cases: [string, SealedEnvelope, RegExp][] = [
    ['ciphertext', { ...env, ciphertext: flipB64(env.ciphertext, 5) }, /payload failed authentication/],
    ['iv', { ...env, iv: flipB64(env.iv, 0) }, /payload failed authentication/],
    ['tag', { ...env, tag: flipB64(env.tag, 15) }, /payload failed authentication/],
    ['AAD: envelope id', { ...env, id: `${env.id}x` }, /payload failed authentication/],
    ['AAD: contentType', { ...env, contentType: 'text/plain' }, /payload failed authentication/],
    ['AAD: jurisdiction', { ...env, jurisdiction: 'FR' }, /wrapped data key .* failed authentication/],
    ['AAD: keyVersion', { ...env, keyVersion: 2 }, /payload failed authentication/],
    ['wrapped key', { ...env, wrap: { ...env.wrap, wrappedKey: flipB64(env.wrap.wrappedKey, 20) } }, /wrapped data key .* failed authentication/],
  ];
  for (const [what, tampered, reason] of cases) {
    const r = await openEnvelope(tampered, 'diagnosis', k.unwrapper);
    assert.ok(!r.ok, `${what} accepted`);
    assert.equal(r.code, 'tampered', what);
    assert.match(r.reason, reason, what);
  }
  const notEnvelope = await openEnvelope({ v: 2, hello: 1 }, 'diagnosis', k.unwrapper);
  assert.equal(notEnvelope.ok ? '' : notEnvelope.code, 'bad-envelope');
});

test('envelope - property: flipping any single ciphertext bit is detected', async () => {
  const k = await keys();
  const s = await sealEnvelope(Buffer.alloc(300, 7), { site: 'site-a', jurisdiction: 'EU' }, k.wrapper);
  assert.ok(s.ok);
  await fc.assert(
    fc.asyncProperty(fc.nat(299), fc.integer({ min: 0, max: 7 }), async (byte, bit) => {
      const c = Buffer.from(s.value.ciphertext, 'base64');
      c[byte] = c[byte]! ^ (1 << bit);
      const r = await openEnvelope({ ...s.value, ciphertext: c.toString('base64') }, 'diagnosis', k.unwrapper);
      return !r.ok && r.code === 'tampered';
    }),
    { numRuns: 60 },
  );
});

test('envelope - size overhead for a typical escalation (policy-reduced sample)', async () => {
  const k = await keys();
  const sample = JSON.parse(readFileSync(new URL('../../../examples/escalation.sample.json', import.meta.url), 'utf8'));
  const leaving = evaluatePolicy(DEFAULT_POLICY, sample, { name: 'cloud-diagnosis', jurisdiction: 'DE' }).message;
  const plain = Buffer.from(JSON.stringify(leaving));
  const s = await sealEnvelope(plain, { site: 'site-a', jurisdiction: 'DE' }, k.wrapper);
  assert.ok(s.ok);
  const sealedBytes = Buffer.byteLength(JSON.stringify(s.value));
  const overhead = sealedBytes - plain.length;
  // Base64 (4/3) of the ciphertext plus a fixed header of a few hundred bytes.
  assert.ok(overhead > plain.length / 3 && overhead < plain.length / 3 + 600, `overhead ${overhead} B for ${plain.length} B`);
  process.stdout.write(`# envelope overhead: plain ${plain.length} B, sealed ${sealedBytes} B, +${overhead} B (${((100 * overhead) / plain.length).toFixed(0)}%)\n`);
});
