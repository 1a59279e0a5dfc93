// Versioned schema migrations (the Flyway / Rails schema_migrations pattern): each migration
// runs in its own transaction together with its record, so a failed one leaves nothing behind.
// Every transaction first takes a transaction-scoped advisory lock, so two processes starting at
// once against one PostgreSQL server apply each migration exactly once.
import { StoreError, type SqlExecutor, type SqlStore } from '../core/index.ts';
import type { SqlTransaction } from './types.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Runs multi-statement SQL with the store's exec when the handle has one, else as one simple query. */
function execOn(tx: SqlExecutor, sql: string): Promise<unknown> {
  const t = tx as Partial<SqlTransaction>;
  return typeof t.exec === 'function' ? t.exec(sql) : tx.query(sql);
}

/** Applies the migrations not yet recorded in `table`, in version order; refuses when a recorded name differs. */
export async function migrate(store: SqlStore, migrations: Migration[], opts: { table?: string } = {}): Promise<{ applied: number[] }> {
  const table = opts.table ?? 'schema_migrations';
  if (!IDENT.test(table)) throw new StoreError(`migrations table "${table}" is not a plain lower-case identifier`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i]!;
    if (!Number.isInteger(m.version) || m.version < 1) throw new StoreError(`migration "${m.name}": version must be an integer >= 1`);
    if (i > 0 && sorted[i - 1]!.version === m.version) throw new StoreError(`migration version ${m.version} is defined twice`);
  }
  const lockKey = `edge-pdm:migrate:${table}`;
  const prepare = async (tx: SqlExecutor): Promise<Map<number, string>> => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    await execOn(tx, `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number; name: string }>(`SELECT version, name FROM ${table}`);
    return new Map(rows.map((r) => [r.version, r.name]));
  };

  const recorded = await store.transaction(prepare);
  for (const m of sorted) {
    const name = recorded.get(m.version);
    if (name !== undefined && name !== m.name) {
      throw new StoreError(`migration ${m.version} is recorded in ${table} as "${name}" but the code names it "${m.name}"; refusing to continue`);
    }
  }
  const applied: number[] = [];
  for (const m of sorted) {
    if (recorded.has(m.version)) continue;
    const did = await store.transaction(async (tx) => {
      const now = await prepare(tx); // another process may have applied it while we waited
      if (now.has(m.version)) return false;
      try {
        await execOn(tx, m.sql);
      } catch (err) {
        throw new StoreError(`migration ${m.version} "${m.name}" failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      return true;
    });
    if (did) applied.push(m.version);
  }
  return { applied };
}
