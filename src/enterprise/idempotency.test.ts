import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceUnavailableError, type SqlStore } from '../core/index.ts';
import { createPgliteStore } from '../store/index.ts';
import { LEASE_MS, bodyHash, idempotent } from './idempotency.ts';

const TABLE = `CREATE TABLE idempotency_keys (key text NOT NULL, route text NOT NULL, body_sha256 text NOT NULL, status_code integer, response text, created_at_ms bigint NOT NULL, PRIMARY KEY (key, route))`;

/** The store as it looks while the database is down: everything but the first `ok` queries fails. */
function goesDown(inner: SqlStore, ok: number): SqlStore & { up(): void } {
  let left = ok;
  let down = true;
  return {
    ...inner,
    kind: inner.kind,
    up: () => void (down = false),
    query(sql, params) {
      if (down && left-- <= 0) return Promise.reject(new ServiceUnavailableError('postgres', 'connect ECONNREFUSED (injected)'));
      return inner.query(sql, params);
    },
    transaction: (fn) => inner.transaction(fn),
  };
}

test('idempotency - a reservation left by a request that died with the database is taken over after its lease, once', async () => {
  const store = await createPgliteStore();
  await store.exec(TABLE);
  const route = 'POST /api/v1/maintenance-requests';
  const t0 = 1_800_000_000_000;
  // The reservation is written, then the database goes away: the work fails and so does the
  // release of the key (what the PostgreSQL-crash fault test left behind).
  const flaky = goesDown(store, 1);
  await assert.rejects(idempotent(flaky, 'inc-1', route, bodyHash({ a: 1 }), t0, async () => {
    throw new ServiceUnavailableError('postgres', 'connection terminated (injected)');
  }));
  const left = await store.query<{ status_code: number | null }>('SELECT status_code FROM idempotency_keys WHERE key = $1', ['inc-1']);
  assert.deepEqual(left.rows, [{ status_code: null }], 'the crash left an unfinished reservation');

  let runs = 0;
  const run = async () => ({ status: 201, body: { run: ++runs } });
  // Within the lease it still counts as running: another body is refused, nothing runs.
  assert.equal((await idempotent(store, 'inc-1', route, bodyHash({ a: 2 }), t0 + LEASE_MS - 1, run)).status, 422);
  assert.equal(runs, 0);
  // After it, the retry (with a recomputed body, as the cloud's could be) runs exactly once even
  // when two copies race; the loser waits for the winner's response.
  const [r1, r2] = await Promise.all([
    idempotent(store, 'inc-1', route, bodyHash({ a: 2 }), t0 + LEASE_MS + 1, run),
    idempotent(store, 'inc-1', route, bodyHash({ a: 2 }), t0 + LEASE_MS + 1, run),
  ]);
  assert.equal(runs, 1);
  assert.deepEqual([r1, r2], [{ status: 201, body: { run: 1 } }, { status: 201, body: { run: 1 } }]);
  // A finished key is never taken over, however old.
  assert.deepEqual(await idempotent(store, 'inc-1', route, bodyHash({ a: 2 }), t0 + 10 * LEASE_MS, run), { status: 201, body: { run: 1 } });
  assert.equal((await idempotent(store, 'inc-1', route, bodyHash({ a: 3 }), t0 + 10 * LEASE_MS, run)).status, 422);
  assert.equal(runs, 1);
  await store.close();
});
