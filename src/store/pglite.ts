// SqlStore over PGlite (PostgreSQL compiled to WASM, in process). PGlite is one connection:
// its transaction() and query() share one mutex, so concurrent transactions run one after the
// other and a plain query never lands inside someone else's transaction.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { StoreError, type SqlStore } from '../core/index.ts';
import type { SqlTransaction } from './types.ts';

/** Opens PGlite in `dataDir` (created if missing) or in memory when undefined. */
export async function createPgliteStore(cfg: { dataDir?: string } = {}): Promise<SqlStore> {
  if (cfg.dataDir) mkdirSync(cfg.dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create(cfg.dataDir);
  } catch (err) {
    throw new StoreError(`cannot open PGlite at ${cfg.dataDir ?? 'memory'}: ${(err as Error).message}`, { cause: err });
  }
  let closed = false;
  const open = () => {
    if (closed) throw new StoreError('store is closed');
  };
  return {
    kind: 'pglite',
    async query<T>(sql: string, params?: unknown[]) {
      open();
      const r = await db.query<T>(sql, params);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    },
    async exec(sql: string) {
      open();
      await db.exec(sql);
    },
    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      open();
      return db.transaction(async (t) => {
        const tx: SqlTransaction = {
          async query<R>(sql: string, params?: unknown[]) {
            const r = await t.query<R>(sql, params);
            return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
          },
          async exec(sql: string) {
            await t.exec(sql);
          },
        };
        return fn(tx);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
