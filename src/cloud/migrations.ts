// The cloud's tables (PostgreSQL syntax; PGlite runs the same SQL). Apply with src/store's
// migrate(store, cloudMigrations, { table: CLOUD_MIGRATIONS_TABLE }): a table of its own keeps the
// cloud's version numbers apart from the enterprise's when both share one database.

/** Where the cloud records its applied migrations. */
export const CLOUD_MIGRATIONS_TABLE = 'cloud_schema_migrations';

/** The cloud's schema migrations, in version order. */
export const cloudMigrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'escalations, diagnoses, decisions',
    sql: `
-- One row per incident: the escalation id is the unique key that makes effects exactly once.
-- Times are wall-clock epoch ms as double precision (exact below 2^53; no int8-as-string drivers).
CREATE TABLE IF NOT EXISTS escalations (
  id text PRIMARY KEY,
  site text NOT NULL,
  machine text NOT NULL,
  received_at_ms double precision NOT NULL,
  payload jsonb NOT NULL,
  -- copies received: edge resends and queue redeliveries
  delivery_count integer NOT NULL DEFAULT 1,
  -- a worker's lease on deciding this incident, so competing workers call the enterprise once
  claimed_by text,
  claimed_until timestamptz
);
CREATE INDEX IF NOT EXISTS escalations_received_idx ON escalations (received_at_ms DESC);

CREATE TABLE IF NOT EXISTS diagnoses (
  escalation_id text PRIMARY KEY REFERENCES escalations (id),
  fault_type text NOT NULL,
  component text,
  confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  explanation text NOT NULL
);

CREATE TABLE IF NOT EXISTS decisions (
  escalation_id text PRIMARY KEY REFERENCES escalations (id),
  request jsonb NOT NULL,
  outcome jsonb,
  decided_at_ms double precision NOT NULL
);
`,
  },
];
