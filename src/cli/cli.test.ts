import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseFaultSpec } from './commands/services.ts';
import { readEnv } from './env.ts';
import { ConfigError } from '../core/index.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'edge-pdm.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });

test('cli - help lists every command and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const c of ['demo', 'sim', 'edge', 'cloud', 'enterprise']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});

test('cli - unknown commands and bad options are clear errors with exit code 2', () => {
  const unknown = run('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badOpt = run('demo', '--no-such-option');
  assert.equal(badOpt.status, 2);
  assert.match(badOpt.stderr, /no-such-option/);
  const badNum = run('demo', '--machines', 'many', '--duration', '1s');
  assert.equal(badNum.status, 2);
  assert.match(badNum.stderr, /--machines: "many"/);
  const badDur = run('demo', '--duration', 'soon');
  assert.equal(badDur.status, 2);
  assert.match(badDur.stderr, /--duration: "soon" is not a duration/);
});

test('cli - a separate edge process without NATS_URL says what is missing', () => {
  const r = spawnSync(process.execPath, [BIN, 'edge', '--site', 's1'], { encoding: 'utf8', env: { ...process.env, NATS_URL: '', LOG_LEVEL: 'silent' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /NATS_URL: required/);
});

test('cli - environment is validated and names the variable', () => {
  assert.throws(() => readEnv({ NATS_URL: 'http://x' }), (e: unknown) => e instanceof ConfigError && /NATS_URL/.test(e.message));
  assert.equal(readEnv({}).PDM_DATA_DIR, 'data');
});

test('cli - fault specs parse relative to the start and reject nonsense', () => {
  const f = parseFaultSpec('pump-001:bearing-outer-race:8h:30h', 1000);
  assert.deepEqual(f, { machine: 'pump-001', fault: 'bearing-outer-race', onsetMs: 1000 + 8 * 3_600_000, failureMs: 1000 + 38 * 3_600_000 });
  assert.throws(() => parseFaultSpec('pump-001:gremlins:8h:30h', 0), ConfigError);
  assert.throws(() => parseFaultSpec('pump-001:misalignment:8h', 0), ConfigError);
});
