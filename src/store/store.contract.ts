// The shared contract every SqlStore must meet (MQTT.js abstract_store.ts style): one suite,
// run against each implementation with its own factory.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { SqlStore } from '../core/index.ts';
import { migrate, type Migration } from './migrate.ts';
import { sqlState } from './sql-errors.ts';

export interface StoreContractOptions {
  /** A skip message (from needServices) or false. */
  skip?: string | false;
}

/** Registers the SqlStore contract tests for `factory`; the factory's store is closed after the suite. */
export function storeContract(name: string, factory: () => Promise<{ store: SqlStore; dispose?: () => Promise<void> }>, opts: StoreContractOptions = {}): void {
  describe(`store contract - ${name}`, { skip: opts.skip ?? false }, () => {
    let store: SqlStore;
    let dispose: (() => Promise<void>) | undefined;
    before(async () => {
      ({ store, dispose } = await factory());
      await store.exec(`
        CREATE TABLE kv (k text PRIMARY KEY, v integer NOT NULL);
        CREATE TABLE counter (id integer PRIMARY KEY, n integer NOT NULL);
        INSERT INTO counter VALUES (1, 0);`);
    });
    after(async () => {
      await store?.close();
      await dispose?.();
    });

    test('store - query with parameters returns rows and affectedRows', async () => {
      const ins = await store.query('INSERT INTO kv (k, v) VALUES ($1, $2), ($3, $4)', ['a', 1, 'b', 2]);
      assert.equal(ins.affectedRows, 2);
      const { rows } = await store.query<{ k: string; v: number }>('SELECT k, v FROM kv WHERE v >= $1 ORDER BY k', [1]);
      assert.deepEqual(rows, [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
      const upd = await store.query('UPDATE kv SET v = v + 10 WHERE k = $1', ['a']);
      assert.equal(upd.affectedRows, 1);
      const big = await store.query<{ n: number }>('SELECT $1::bigint AS n', [1_700_000_000_123]);
      assert.equal(big.rows[0]!.n, 1_700_000_000_123, 'bigint comes back as a number');
    });

    test('store - transaction commits its writes and returns the callback result', async () => {
      const r = await store.transaction(async (tx) => {
        await tx.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['tx-commit', 7]);
        return 'done';
      });
      assert.equal(r, 'done');
      const { rows } = await store.query<{ v: number }>('SELECT v FROM kv WHERE k = $1', ['tx-commit']);
      assert.equal(rows[0]?.v, 7);
    });

    test('store - transaction rolls back when the callback throws', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['tx-rollback', 1]);
          throw new Error('boom');
        }),
        /boom/,
      );
      const { rows } = await store.query('SELECT 1 FROM kv WHERE k = $1', ['tx-rollback']);
      assert.equal(rows.length, 0);
    });

    test('store - unique-constraint violation rejects with SQLSTATE 23505', async () => {
      await store.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 1]);
      await assert.rejects(store.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 2]), (err) => sqlState(err) === '23505');
      await assert.rejects(
        store.transaction((tx) => tx.query('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 3])),
        (err) => sqlState(err) === '23505',
      );
      const { rows } = await store.query<{ v: number }>('SELECT v FROM kv WHERE k = $1', ['dup']);
      assert.deepEqual(rows, [{ v: 1 }]);
    });

    test('store - concurrent transactions with SELECT FOR UPDATE give the exact total', async () => {
      const before = (await store.query<{ n: number }>('SELECT n FROM counter WHERE id = 1')).rows[0]!.n;
      const parallel = 20;
      await Promise.all(
        Array.from({ length: parallel }, () =>
          store.transaction(async (tx) => {
            const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
            await new Promise((r) => setTimeout(r, 1)); // widen the read-modify-write gap
            await tx.query('UPDATE counter SET n = $1 WHERE id = 1', [rows[0]!.n + 1]);
          }),
        ),
      );
      const after = (await store.query<{ n: number }>('SELECT n FROM counter WHERE id = 1')).rows[0]!.n;
      assert.equal(after - before, parallel);
    });

    test('store - migrate applies pending versions once and is idempotent', async () => {
      const migrations: Migration[] = [
        { version: 2, name: 'add-b', sql: 'ALTER TABLE m_a ADD COLUMN b text; INSERT INTO m_a (id, b) VALUES (1, $$x$$);' },
        { version: 1, name: 'create-a', sql: 'CREATE TABLE m_a (id integer PRIMARY KEY);' },
      ];
      const first = await migrate(store, migrations, { table: 'contract_migrations' });
      assert.deepEqual(first.applied, [1, 2]);
      const second = await migrate(store, migrations, { table: 'contract_migrations' });
      assert.deepEqual(second.applied, []);
      const { rows } = await store.query<{ version: number; name: string }>('SELECT version, name FROM contract_migrations ORDER BY version');
      assert.deepEqual(rows, [{ version: 1, name: 'create-a' }, { version: 2, name: 'add-b' }]);
      assert.equal((await store.query('SELECT b FROM m_a')).rows.length, 1);
    });

    test('store - concurrent migrate runs apply each version exactly once', async () => {
      const migrations: Migration[] = [{ version: 1, name: 'create-c', sql: 'CREATE TABLE m_c (id integer PRIMARY KEY); INSERT INTO m_c VALUES (1);' }];
      const results = await Promise.all([1, 2, 3].map(() => migrate(store, migrations, { table: 'contract_migrations_c' })));
      assert.deepEqual(results.map((r) => r.applied.length).sort(), [0, 0, 1]);
      assert.equal((await store.query('SELECT id FROM m_c')).rows.length, 1);
    });

    test('store - migrate refuses when a recorded name differs from the code', async () => {
      await migrate(store, [{ version: 1, name: 'original', sql: 'CREATE TABLE m_d (id integer);' }], { table: 'contract_migrations_d' });
      await assert.rejects(
        migrate(store, [{ version: 1, name: 'renamed', sql: 'CREATE TABLE m_d (id integer);' }], { table: 'contract_migrations_d' }),
        (err: Error) => err.name === 'StoreError' && /original/.test(err.message) && /renamed/.test(err.message),
      );
    });

    test('store - a failed migration leaves no record and no partial schema', async () => {
      const bad: Migration[] = [{ version: 1, name: 'half', sql: 'CREATE TABLE m_e (id integer); SELECT no_such_function();' }];
      await assert.rejects(migrate(store, bad, { table: 'contract_migrations_e' }), (err: Error) => err.name === 'StoreError');
      const { rows } = await store.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'm_e'");
      assert.equal(rows.length, 0);
      assert.equal((await store.query('SELECT 1 FROM contract_migrations_e')).rows.length, 0);
    });
  });
}
