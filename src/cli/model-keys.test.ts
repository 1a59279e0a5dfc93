import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ConfigError } from '../core/index.ts';
import { generateSigningKey } from '../cloud/index.ts';
import { readEnv } from './env.ts';
import { loadModelSigningKey, loadTrustedModelKeys, parseTrustedKeys } from './model-keys.ts';

/** A logger whose every line is kept, to check that no key material is logged. */
function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, text: () => lines.join('') };
}

test('model keys - the cloud generates its signing key once (0600, public half beside it) and loads the same key later, never logging it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-model-keys-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = readEnv({ PDM_DATA_DIR: dir });
  const log = capture();
  const first = await loadModelSigningKey(env, log.logger);
  const path = join(dir, 'cloud', 'model-signing.pem');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const pub = await readFile(join(dir, 'cloud', 'model-signing.pub.pem'), 'utf8');
  assert.equal(pub, first.publicKeyPem);
  const again = await loadModelSigningKey(env, log.logger);
  assert.equal(again.keyId, first.keyId);
  const pem = await readFile(path, 'utf8');
  const body = (p: string) => p.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
  assert.ok(!log.text().includes(body(pem)), 'private key in the log');
  assert.ok(!log.text().includes(body(pub)), 'public key in the log');
  assert.ok(log.text().includes(first.keyId));
  // The edge trusts what the cloud wrote.
  const trusted = await loadTrustedModelKeys(readEnv({ PDM_MODEL_TRUST: join(dir, 'cloud', 'model-signing.pub.pem') }), log.logger);
  assert.deepEqual(Object.keys(trusted ?? {}), [first.keyId]);
});

test('model keys - cloud workers starting together on one data directory all get the same key, none fails', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-model-keys-race-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const env = readEnv({ PDM_DATA_DIR: dir });
  // All four find no key file and generate one; one links its file into place, the rest read it.
  const keys = await Promise.all([1, 2, 3, 4].map(() => loadModelSigningKey(env, capture().logger)));
  assert.equal(new Set(keys.map((k) => k.keyId)).size, 1, 'one key for all');
  assert.deepEqual((await readdir(join(dir, 'cloud'))).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left');
});

test('model keys - a configured key file that is missing or not Ed25519 is a ConfigError', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pdm-model-keys-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = capture();
  await assert.rejects(loadModelSigningKey(readEnv({ PDM_MODEL_SIGNING_KEY_FILE: join(dir, 'nope.pem') }), log.logger), ConfigError);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(join(dir, 'rsa.pem'), rsa);
  await assert.rejects(loadModelSigningKey(readEnv({ PDM_MODEL_SIGNING_KEY_FILE: join(dir, 'rsa.pem') }), log.logger), ConfigError);
});

test('model keys - a trust file may hold several public keys; garbage and non-Ed25519 keys are refused', () => {
  const a = generateSigningKey();
  const b = generateSigningKey();
  const keys = parseTrustedKeys(`# current\n${a.publicKeyPem}\n# next (rotation)\n${b.publicKeyPem}`);
  assert.deepEqual(Object.keys(keys).sort(), [a.keyId, b.keyId].sort());
  assert.throws(() => parseTrustedKeys('nothing here'), ConfigError);
  const rsaPub = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.throws(() => parseTrustedKeys(rsaPub), ConfigError);
  assert.throws(() => parseTrustedKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), ConfigError);
});
