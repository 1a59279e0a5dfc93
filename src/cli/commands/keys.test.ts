import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, silentLogger } from '../../core/index.ts';
import { createKeyServiceClient, openEnvelope, sealEnvelope } from '../../sovereignty/index.ts';
import { readEnv } from '../env.ts';
import { createPgliteStore } from '../../store/index.ts';
import { loadTokens } from './keys.ts';
import { audit } from './audit.ts';

test('keys - tokens come from a file, the environment, or are generated once (mode 0600)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const gen = loadTokens(undefined, dir, {});
  assert.deepEqual(gen.map((t) => t.role), ['site-admin', 'edge', 'cloud']);
  assert.equal(statSync(join(dir, 'tokens.json')).mode & 0o777, 0o600);
  assert.deepEqual(loadTokens(undefined, dir, {}), gen, 'generated once, then reused');
  const env = loadTokens(undefined, undefined, { PDM_KEYS_CLOUD_TOKEN: 'c'.repeat(20) });
  assert.deepEqual(env.map((t) => [t.principal, t.role]), [['cloud', 'cloud']]);
  writeFileSync(join(dir, 'bad.yaml'), 'tokens:\n  - token: short\n    principal: x\n    role: cloud\n');
  assert.throws(() => loadTokens(join(dir, 'bad.yaml'), undefined, {}), (e: Error) => e instanceof ConfigError && /0\.token/.test(e.message));
});

test('keys serve + audit verify - a key service process serves wraps and unwraps, and its audit log verifies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-serve-'));
  const script = `import { keys } from './src/cli/commands/keys.ts'; import { readEnv, } from './src/cli/env.ts'; import { silentLogger } from './src/core/index.ts';
keys.run({ values: { port: '0', 'data-dir': ${JSON.stringify(dir)}, 'checkpoint-every': '2' }, positionals: ['serve'], env: readEnv({}), logger: silentLogger() }).then((c) => { process.exitCode = c; });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../../../', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`key service exited with ${c}`)));
  });
  const url = (JSON.parse(first) as { keyService: string }).keyService;
  const tokens = JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8')) as { token: string; role: string }[];
  const as = (role: string) => createKeyServiceClient({ url, token: tokens.find((x) => x.role === role)!.token });
  assert.ok((await as('site-admin').createGrant({ grantee: 'cloud', site: 'site-a', purpose: 'diagnosis', expiresAt: new Date(Date.now() + 60_000) })).ok);
  const sealed = await sealEnvelope('{"a":1}', { site: 'site-a', jurisdiction: 'DE' }, as('edge'));
  assert.ok(sealed.ok);
  const opened = await openEnvelope(sealed.value, 'diagnosis', as('cloud'));
  assert.ok(opened.ok && opened.value.toString() === '{"a":1}');
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);

  // The key service's store now holds 3 audit records (grant, wrap, unwrap) and a signed checkpoint.
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  const verify = () => audit.run({ values: { 'data-dir': join(dir, 'db'), 'trust-key': join(dir, 'audit-key.pem') }, positionals: ['verify'], env: readEnv({}), logger: silentLogger() });
  let code: number;
  let tampered: number;
  try {
    code = await verify();
    const store = await createPgliteStore({ dataDir: join(dir, 'db') });
    await store.query(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3`);
    await store.close();
    tampered = await verify();
  } finally {
    process.stdout.write = write;
  }
  assert.equal(code, 0, out);
  assert.match(out, /audit log intact: 3 entries, chain verified, 1 signed checkpoint\(s\) verified/);
  assert.equal(tampered, 1);
  assert.match(out, /audit log NOT intact: entry 3 altered/);
});
