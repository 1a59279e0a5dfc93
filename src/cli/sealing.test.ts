import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, silentLogger } from '../core/index.ts';
import { createPgliteStore } from '../store/index.ts';
import { sealedBinding, startKeyService } from '../sovereignty/index.ts';
import { createCloudSealing, createEdgeSealing, readKeyServiceAccess } from './sealing.ts';

const TOKEN = 'tok-edge-0123456789abcdef';

test('sealing - key service access from env or file; no URL means unsealed; errors and the access object never show the token', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-sealing-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'token');
  writeFileSync(file, `${TOKEN}\n`);
  assert.equal(readKeyServiceAccess({}, {}), undefined);
  const fromEnv = readKeyServiceAccess({}, { KEY_SERVICE_URL: 'http://127.0.0.1:1', KEY_SERVICE_TOKEN: TOKEN });
  assert.equal(fromEnv?.url, 'http://127.0.0.1:1');
  assert.equal(fromEnv?.jurisdiction, 'DE');
  const fromFile = readKeyServiceAccess({ 'key-service': 'http://127.0.0.1:2', jurisdiction: 'FR' }, { KEY_SERVICE_TOKEN_FILE: file });
  assert.equal(fromFile?.url, 'http://127.0.0.1:2');
  assert.equal(fromFile?.jurisdiction, 'FR');
  // The token lives in the client's closure only: printing the access object does not reveal it.
  for (const a of [fromEnv, fromFile]) {
    assert.ok(!inspect(a, { depth: 10, showHidden: true }).includes(TOKEN));
    assert.ok(!JSON.stringify(a).includes(TOKEN));
  }
  const fails: [Record<string, string>, Record<string, string>, RegExp][] = [
    [{}, { KEY_SERVICE_URL: 'http://x:1' }, /no token/],
    [{}, { KEY_SERVICE_URL: 'http://x:1', KEY_SERVICE_TOKEN: 'short' }, /KEY_SERVICE_TOKEN: must be at least 16/],
    [{}, { KEY_SERVICE_URL: 'http://x:1', KEY_SERVICE_TOKEN_FILE: join(dir, 'missing') }, /cannot read .*missing.*ENOENT/],
    [{ 'key-service': 'ftp://x' }, { KEY_SERVICE_TOKEN: TOKEN }, /must be an http\(s\) URL/],
    [{ jurisdiction: 'Mars' }, {}, /PDM_JURISDICTION/],
  ];
  for (const [values, env, reason] of fails) {
    assert.throws(() => readKeyServiceAccess(values, env), (err: Error) => err instanceof ConfigError && reason.test(err.message) && !err.message.includes(TOKEN));
  }
});

test('sealing - the edge seals and the cloud opens over the key service HTTP API; a token the service does not know is refused at start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-sealing-'));
  const store = await createPgliteStore();
  const tokens = { admin: 'tok-admin-0123456789abcdef', edge: TOKEN, cloud: 'tok-cloud-0123456789abcdef' };
  const ks = await startKeyService({
    store, port: 0,
    tokens: [
      { token: tokens.admin, principal: 'site-a-admin', role: 'site-admin', sites: ['site-a'] },
      { token: tokens.edge, principal: 'edge-a', role: 'edge', sites: ['site-a'] },
      { token: tokens.cloud, principal: 'cloud', role: 'cloud' },
    ],
  });
  t.after(async () => {
    await ks.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await ks.service.createGrant({ grantee: 'cloud', site: 'site-a', purpose: 'diagnosis', expiresAtMs: Date.now() + 60_000 }, { principal: 'site-a-admin' });
  const edgeAccess = readKeyServiceAccess({}, { KEY_SERVICE_URL: ks.url, KEY_SERVICE_TOKEN: tokens.edge })!;
  const cloudAccess = readKeyServiceAccess({}, { KEY_SERVICE_URL: ks.url, KEY_SERVICE_TOKEN: tokens.cloud })!;
  const edge = await createEdgeSealing({ site: 'site-a', access: edgeAccess, logger: silentLogger() });
  const cloud = await createCloudSealing({ access: cloudAccess, store, dataDir: dir, logger: silentLogger() });
  const status = { v: 1, site: 'site-a', line: 'l1', machine: 'm1', machineType: 'fan', ts: 1, state: 'normal', score: 0.1, windows: 3 };
  const sealed = await edge.guard.prepare(status, edge.destination, 'status', { bind: sealedBinding.status() });
  assert.ok(sealed.ok, sealed.ok ? '' : sealed.reason);
  const opened = await cloud.inboundGuard.open(JSON.parse(JSON.stringify(sealed.value.envelope)), 'status', { bind: sealedBinding.status() });
  assert.ok(opened.ok, opened.ok ? '' : opened.reason);
  assert.deepEqual(JSON.parse(opened.value.payload.toString('utf8')), status);

  // An edge token for another site, and an unknown cloud token: clear errors at start, not at the first message.
  await assert.rejects(createEdgeSealing({ site: 'site-b', access: edgeAccess, logger: silentLogger() }), /refused to seal for site site-b: .*may not do this for site site-b \(forbidden\)/);
  const stranger = readKeyServiceAccess({}, { KEY_SERVICE_URL: ks.url, KEY_SERVICE_TOKEN: 'tok-nobody-0123456789abc' })!;
  await assert.rejects(createCloudSealing({ access: stranger, store, dataDir: dir, logger: silentLogger() }), /refused this cloud: missing or unknown bearer token \(unauthorized\)/);
});
