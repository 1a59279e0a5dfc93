// Picks the store from configuration: PostgreSQL when a URL is given, else PGlite on disk.
import type { SqlStore } from '../core/index.ts';
import { createPgliteStore } from './pglite.ts';
import { createPostgresStore } from './postgres.ts';

/** PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir` (created), or in memory without one. */
export function openStore(cfg: { databaseUrl?: string; dataDir?: string }): Promise<SqlStore> {
  if (cfg.databaseUrl) return createPostgresStore({ url: cfg.databaseUrl });
  return createPgliteStore({ dataDir: cfg.dataDir });
}
