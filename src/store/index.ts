// The SQL store: one SqlStore port (src/core/ports.ts), PGlite in process or PostgreSQL.
export { createPgliteStore } from './pglite.ts';
export { createPostgresStore, describeUrl } from './postgres.ts';
export { openStore } from './open.ts';
export { migrate, type Migration } from './migrate.ts';
export { sqlState, isUniqueViolation, isRetryable, isConnectionFailure } from './sql-errors.ts';
export type { SqlTransaction } from './types.ts';
