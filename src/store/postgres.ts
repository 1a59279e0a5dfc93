// SqlStore over a PostgreSQL server through a pg.Pool. A transaction holds one pooled client
// from BEGIN to COMMIT/ROLLBACK; plain queries take any free client.
import pg from 'pg';
import { ServiceUnavailableError, StoreError, type SqlStore } from '../core/index.ts';
import { isConnectionFailure } from './sql-errors.ts';
import type { SqlTransaction } from './types.ts';

/** OID of int8 (bigint, count(*)), see pg_type. Parsed as a JS number, as PGlite does. */
const INT8_OID = 20;

/** `host:port/database` of a URL, never its user or password (for error messages and logs). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparseable database URL)';
  }
}

/** Connects a pool to `url` (checked with one query); a refused connection is a ServiceUnavailableError naming the host. */
export async function createPostgresStore(cfg: { url: string; max?: number }): Promise<SqlStore> {
  const where = describeUrl(cfg.url);
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.max ?? 10,
    connectionTimeoutMillis: 5000,
    // Epoch milliseconds and money in cents fit a double exactly up to 2^53.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const wrap = (err: unknown): unknown =>
    isConnectionFailure(err) ? new ServiceUnavailableError('postgres', `${where}: ${(err as Error).message}`, { cause: err }) : err;
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new ServiceUnavailableError('postgres', `cannot connect to ${where}: ${(err as Error).message}`, { cause: err });
  }
  let closed = false;
  const open = () => {
    if (closed) throw new StoreError('store is closed');
  };
  const executor = (c: pg.Pool | pg.PoolClient): SqlTransaction => ({
    async query<T>(sql: string, params?: unknown[]) {
      try {
        const r = await c.query(sql, params);
        return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
      } catch (err) {
        throw wrap(err);
      }
    },
    async exec(sql: string) {
      try {
        await c.query(sql); // no parameters: simple protocol, several statements allowed
      } catch (err) {
        throw wrap(err);
      }
    },
  });
  const poolExec = executor(pool);
  return {
    kind: 'postgres',
    query<T>(sql: string, params?: unknown[]) {
      open();
      return poolExec.query<T>(sql, params);
    },
    exec(sql: string) {
      open();
      return poolExec.exec(sql);
    },
    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      open();
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new ServiceUnavailableError('postgres', `cannot connect to ${where}: ${(err as Error).message}`, { cause: err });
      }
      let broken = false;
      // A checked-out client reports a dropped connection (server crash or restart) as an 'error'
      // event on itself, not on the pool; unheard, it would crash the process (node-postgres docs,
      // "Pool: checked-out clients"). The query in flight fails too, so this only marks it broken.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // the connection is gone: do not hand it back to the pool
        }
        throw wrap(err);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
