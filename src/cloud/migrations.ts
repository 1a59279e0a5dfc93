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
  {
    version: 2,
    name: 'fleet baselines, case library, health readings, decision details',
    sql: `
-- Every machine's healthy level per feature (from its escalations' baselines), per machine type,
-- across all sites: the fleet reference. The newest baseline (by event time) wins.
CREATE TABLE IF NOT EXISTS fleet_baselines (
  site text NOT NULL,
  line text NOT NULL,
  machine text NOT NULL,
  machine_type text NOT NULL,
  feature text NOT NULL,
  median double precision NOT NULL,
  mad double precision NOT NULL,
  updated_at_ms double precision NOT NULL,
  PRIMARY KEY (site, line, machine, feature)
);
CREATE INDEX IF NOT EXISTS fleet_baselines_type_idx ON fleet_baselines (machine_type);

-- Confirmed incidents (a repair found this fault): the labelled library for nearest neighbours,
-- with the incident's health-indicator history as a run-to-failure curve for the RUL prior.
CREATE TABLE IF NOT EXISTS case_library (
  incident_id text PRIMARY KEY REFERENCES escalations (id),
  machine_type text NOT NULL,
  site text NOT NULL,
  machine text NOT NULL,
  fault_type text NOT NULL,
  vector jsonb NOT NULL,
  hi_history jsonb NOT NULL,
  confirmed_at_ms double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS case_library_type_idx ON case_library (machine_type, fault_type);

-- Health-indicator readings of an incident (first detection, then every update from the edge);
-- one per event time, so a redelivered update changes nothing.
CREATE TABLE IF NOT EXISTS incident_health (
  incident_id text NOT NULL REFERENCES escalations (id),
  at_ms double precision NOT NULL,
  hi double precision NOT NULL,
  sd double precision NOT NULL,
  PRIMARY KEY (incident_id, at_ms)
);

-- The newest remaining-life estimate of an incident (updated as evidence arrives).
CREATE TABLE IF NOT EXISTS incident_rul (
  incident_id text PRIMARY KEY REFERENCES escalations (id),
  as_of_ms double precision NOT NULL,
  rul jsonb NOT NULL
);

-- What stands behind a diagnosis and its decision: fleet deviations, neighbours, RUL, economics.
ALTER TABLE diagnoses ADD COLUMN IF NOT EXISTS details jsonb;
`,
  },
  {
    version: 3,
    name: 'residency tag of escalations',
    sql: `
-- The jurisdiction an escalation arrived with (its sealed envelope's tag, e.g. DE or EU), so every
-- stored record says where it belongs; NULL for escalations received unsealed (no guard).
ALTER TABLE escalations ADD COLUMN IF NOT EXISTS jurisdiction text;
`,
  },
  {
    version: 4,
    name: 'the request sent to the enterprise, pinned per escalation',
    sql: `
-- The diagnosis, request and details of the first attempt to decide, written before the
-- enterprise is called: a retry (after the decision's commit failed, e.g. PostgreSQL crashed)
-- sends the same body under the same Idempotency-Key instead of a recomputed one the enterprise
-- would refuse with 422 (the fleet and the case library move on between attempts).
ALTER TABLE escalations ADD COLUMN IF NOT EXISTS pending jsonb;
`,
  },
  {
    version: 5,
    name: 'evidence at rest stays sealed under the plant key',
    sql: `
-- With sovereignty on, the escalation's envelope as it arrived (still encrypted under a data key
-- the site's key service wrapped): the evidence is read by unwrapping under the plant's grant, so
-- a revocation makes it unreadable here too (crypto-shredding). payload then holds only the
-- escalation's header (ids, times, severity, score), and diagnoses.details / escalations.pending
-- hold their details sealed beside it under the same data key. NULL for escalations received
-- unsealed (no guard), whose payload is the whole escalation as before.
-- Kept in clear, by policy: the cloud's own conclusions (diagnoses, decisions, HI readings, RUL),
-- fleet_baselines (each machine's healthy median/MAD per feature: the policy's "aggregate" class,
-- which may leave a site) and case_library vectors (bounded robust z-scores of confirmed cases).
-- Rows written in clear before this version stay so: no key is at hand in SQL to seal them.
ALTER TABLE escalations ADD COLUMN IF NOT EXISTS sealed jsonb;
`,
  },
  {
    version: 6,
    name: 'decisions refused by the enterprise',
    sql: `
-- The enterprise refused the request for good (a 4xx no retry changes, e.g. 422 no BOM position):
-- the incident is decided as refused with the enterprise's status and reason (MaintenanceRefusal
-- JSON), outcome NULL. A decision row either way, so a redelivery finds it decided and is acked.
ALTER TABLE decisions ADD COLUMN IF NOT EXISTS refusal jsonb;
`,
  },
  {
    version: 7,
    name: 'the diagnosis as committed, remaining life included',
    sql: `
-- The Diagnosis message as it was committed (remaining life, similar cases and whatever later
-- versions add), so an incident read back after a restart or by another worker carries the same
-- diagnosis as the one in memory. The columns beside it stay for SQL readers (fleet-store.ts).
-- In clear by policy (migration 5): the cloud's own conclusions, RUL among them.
ALTER TABLE diagnoses ADD COLUMN IF NOT EXISTS diagnosis jsonb;
-- Rows from before: rebuilt where the details are in clear (no guard), whose RUL and neighbours are
-- what the diagnosis carried (fleet/incident-analysis.ts: similarCases = neighbours of its fault).
-- Sealed details cannot be opened in SQL: those rows keep reading without RUL.
UPDATE diagnoses d SET diagnosis = jsonb_build_object(
    'v', 1, 'escalationId', d.escalation_id, 'faultType', d.fault_type, 'component', d.component,
    'confidence', d.confidence, 'explanation', d.explanation,
    'rul', COALESCE(d.details->'rul', 'null'::jsonb),
    'similarCases', (SELECT count(*) FROM jsonb_array_elements(d.details->'neighbours') n WHERE n->>'faultType' = d.fault_type))
  WHERE d.diagnosis IS NULL AND jsonb_typeof(d.details->'neighbours') = 'array';
`,
  },
  {
    version: 8,
    name: 'remaining-life history from evidence updates',
    sql: `
-- One row per evidence update the edge sent for an open incident (IncidentUpdate, keyed by its
-- stable id, so a redelivery finds its row and changes nothing): the remaining life refitted on
-- it and the repair options re-weighed at its event time, or why there was no estimate. The
-- update's evidence itself is not kept (with sovereignty on it arrived sealed; only the cloud's own
-- conclusions are stored in clear, migration 5). more_urgent: the new estimate makes the committed
-- decision look too late (update-intake.ts).
CREATE TABLE IF NOT EXISTS incident_rul_updates (
  id text PRIMARY KEY,
  incident_id text NOT NULL REFERENCES escalations (id),
  at_ms double precision NOT NULL,
  received_at_ms double precision NOT NULL,
  rul jsonb,
  economics jsonb,
  more_urgent boolean NOT NULL DEFAULT false,
  note text
);
CREATE INDEX IF NOT EXISTS incident_rul_updates_incident_idx ON incident_rul_updates (incident_id, at_ms);
`,
  },
];
