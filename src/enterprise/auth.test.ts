import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../core/index.ts';
import { createPgliteStore } from '../store/index.ts';
import { createTokenLookup, parseTokens } from './auth.ts';
import { startEnterprise } from './server.ts';

test('enterprise auth - ENTERPRISE_TOKENS parses role:token pairs; a bad entry is a ConfigError that does not echo the token', () => {
  assert.deepEqual(parseTokens('integration:abcdefgh1, viewer:ijklmnop2'), [{ role: 'integration', token: 'abcdefgh1' }, { role: 'viewer', token: 'ijklmnop2' }]);
  assert.throws(() => parseTokens('admin:secret-secret'), (e) => e instanceof ConfigError && /entry 1/.test(e.message) && !e.message.includes('secret-secret'));
  assert.throws(() => parseTokens('viewer:short'), ConfigError);
});

test('enterprise auth - the lookup knows only exact bearer tokens', () => {
  const roleOf = createTokenLookup([{ role: 'planner', token: 'planner-secret' }]);
  assert.equal(roleOf('Bearer planner-secret'), 'planner');
  assert.equal(roleOf('bearer planner-secret'), 'planner');
  assert.equal(roleOf('Bearer planner-secre'), null);
  assert.equal(roleOf('planner-secret'), null);
  assert.equal(roleOf(undefined), null);
});

test('enterprise auth - startEnterprise takes tokens from the environment, or generates one per role', async () => {
  const store = await createPgliteStore();
  try {
    const fromEnv = await startEnterprise({ store, env: { ENTERPRISE_TOKENS: 'integration:int-token-123,viewer:view-token-123' } });
    try {
      assert.deepEqual(fromEnv.tokens.map((t) => t.role), ['integration', 'viewer']);
      const ok = await fetch(`${fromEnv.url}/api/v1/health`, { headers: { authorization: 'Bearer view-token-123' } });
      assert.equal(ok.status, 200);
      assert.equal((await fetch(`${fromEnv.url}/api/v1/health`)).status, 401);
    } finally {
      await fromEnv.close();
    }
    const generated = await startEnterprise({ store, env: {} });
    try {
      assert.deepEqual(generated.tokens.map((t) => t.role).sort(), ['integration', 'planner', 'viewer']);
      assert.ok(generated.tokens.every((t) => t.token.length >= 32));
      const r = await fetch(`${generated.url}/api/v1/clock`, { headers: { authorization: `Bearer ${generated.tokenFor('planner')}` } });
      assert.equal(r.status, 200);
    } finally {
      await generated.close();
    }
  } finally {
    await store.close();
  }
});
