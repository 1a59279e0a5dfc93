import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempDatabase, needServices } from '../../test/support/services.ts';
import { ServiceUnavailableError } from '../core/index.ts';
import { storeContract } from './store.contract.ts';
import { createPgliteStore, createPostgresStore, openStore } from './index.ts';

storeContract('pglite', async () => ({ store: await createPgliteStore() }));

const pgSkip = await needServices('postgres');
storeContract(
  'postgres',
  async () => {
    const db = await createTempDatabase();
    return { store: await createPostgresStore({ url: db.url, max: 5 }), dispose: db.drop };
  },
  { skip: pgSkip },
);

test('store - openStore keeps PGlite data in dataDir across reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-store-'));
  try {
    const dataDir = join(dir, 'nested', 'db');
    const a = await openStore({ dataDir });
    assert.equal(a.kind, 'pglite');
    await a.exec('CREATE TABLE t (x integer); INSERT INTO t VALUES (42);');
    await a.close();
    const b = await openStore({ dataDir });
    const { rows } = await b.query<{ x: number }>('SELECT x FROM t');
    await b.close();
    assert.deepEqual(rows, [{ x: 42 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('store - unreachable PostgreSQL is a ServiceUnavailableError naming the host, not the password', async () => {
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  const err = await createPostgresStore({ url: 'postgres://alice:s3cret-pw@127.0.0.1:1/db' }).then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ServiceUnavailableError);
  assert.match(err.message, /127\.0\.0\.1:1/);
  assert.doesNotMatch(err.message, /s3cret-pw/);
});
