// The audit log's tables. Append-only by use (the module never updates or deletes); the hash chain
// and signed checkpoints make any change by others visible to verifyAudit.
import type { Migration } from '../../store/index.ts';

export const AUDIT_MIGRATIONS_TABLE = 'sovereignty_audit_migrations';

export const auditMigrations: Migration[] = [
  {
    version: 1,
    name: 'audit log and checkpoints',
    sql: `
      CREATE TABLE IF NOT EXISTS audit_log (
        seq bigint PRIMARY KEY,
        time_ms bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        object text NOT NULL,
        outcome text NOT NULL,
        detail text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE TABLE IF NOT EXISTS audit_checkpoints (
        seq bigint PRIMARY KEY,
        hash text NOT NULL,
        key_id text NOT NULL,
        public_key text NOT NULL,
        signature text NOT NULL,
        time_ms bigint NOT NULL
      );`,
  },
];
