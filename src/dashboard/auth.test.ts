import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError } from '../core/index.ts';
import { cookieValue, parseDashboardTokens, readDashboardTokens, SessionStore, sessionCookie } from './auth.ts';

const VIEWER = 'viewer-token-0123456789';
const PLANNER = 'planner-token-0123456789';

test('dashboard auth - tokens parse from "role:token" lists; a bad entry names its position, never the token', () => {
  assert.deepEqual(parseDashboardTokens(`viewer:${VIEWER}, planner:${PLANNER}\n# a comment\n`), [{ role: 'viewer', token: VIEWER }, { role: 'planner', token: PLANNER }]);
  const token = fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/);
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('viewer', 'planner'), token), { minLength: 1, maxLength: 5 }), (entries) => {
    const parsed = parseDashboardTokens(entries.map(([r, t]) => `${r}:${t}`).join(','));
    assert.deepEqual(parsed, entries.map(([role, t]) => ({ role, token: t })));
  }));
  // Anything else is a ConfigError (never another exception) that does not repeat the secret part.
  fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.stringMatching(/^[a-z]{20,30}$/), (junk, secret) => {
    try {
      parseDashboardTokens(`${junk}:${secret.slice(0, 10)},admin:${secret}`);
      assert.fail('an unknown role must not parse');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.ok(!err.message.includes(secret), 'the token is not in the message');
    }
  }));
  assert.throws(() => parseDashboardTokens('viewer:short'), /entry 1 must be/);
});

test('dashboard auth - tokens can come from a file (a container secret)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-dash-auth-'));
  const file = join(dir, 'tokens');
  writeFileSync(file, `planner:${PLANNER}\n`, { mode: 0o600 });
  assert.deepEqual(readDashboardTokens({ spec: `viewer:${VIEWER}`, file }).map((t) => t.role), ['viewer', 'planner']);
  assert.deepEqual(readDashboardTokens({}), []);
  assert.throws(() => readDashboardTokens({ file: join(dir, 'missing') }), (e: Error) => e instanceof ConfigError && /ENOENT/.test(e.message));
});

test('dashboard auth - sessions map to roles and expire; one-time codes work once and expire', () => {
  let now = 1_000;
  const store = new SessionStore([{ role: 'viewer', token: VIEWER }, { role: 'planner', token: PLANNER }], () => now, 60_000);
  assert.equal(store.roleOf(VIEWER), 'viewer');
  assert.equal(store.roleOf(PLANNER), 'planner');
  assert.equal(store.roleOf(VIEWER + 'x'), null);
  assert.equal(store.roleOf(''), null);
  const id = store.open('viewer');
  assert.equal(store.get(id)?.role, 'viewer');
  assert.equal(store.get(id + 'x'), null);
  assert.equal(store.get(undefined), null);
  now += 60_000;
  assert.equal(store.get(id), null, 'expired');
  const code = store.loginCode('planner', 10_000);
  assert.equal(store.redeem(code), 'planner');
  assert.equal(store.redeem(code), null, 'spent');
  const late = store.loginCode('viewer', 10_000);
  now += 10_000;
  assert.equal(store.redeem(late), null, 'expired code');
  const s2 = store.open('planner');
  store.close(s2);
  assert.equal(store.get(s2), null, 'logged out');
  assert.throws(() => new SessionStore([]), ConfigError);
});

test('dashboard auth - the cookie is HttpOnly and SameSite=Strict, and is read back from a Cookie header', () => {
  const c = sessionCookie('abc', 3_600_000, false);
  assert.match(c, /^pdm_session=abc; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600$/);
  assert.match(sessionCookie('abc', 1000, true), /; Secure$/);
  assert.equal(cookieValue('a=1; pdm_session=xyz; b=2', 'pdm_session'), 'xyz');
  assert.equal(cookieValue('pdm_sessionx=1', 'pdm_session'), undefined);
  assert.equal(cookieValue(undefined, 'pdm_session'), undefined);
});
