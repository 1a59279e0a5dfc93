// The ERP (SAP PM/MM-like master and transactional data) and MES (ISA-95 production schedule)
// schema. Money is integer cents (bigint): exact, and summed without rounding. Times are
// event-time epoch milliseconds (bigint, `_ms`), because the simulator's clock is not the wall's.
// Ids of documents come from sequences with SAP-like number ranges (PO 45..., WO 40...).
import type { Migration } from '../store/index.ts';
import { lifecycleMigration } from './migrations-v4.ts';

const masterData = `
CREATE TABLE materials (
  id text PRIMARY KEY,
  description text NOT NULL,
  unit text NOT NULL DEFAULT 'PC',
  unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0)
);
CREATE TABLE bom (
  machine_type text NOT NULL,
  component text NOT NULL,
  material_id text NOT NULL REFERENCES materials(id),
  quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
  PRIMARY KEY (machine_type, component)
);
CREATE TABLE stock (
  material_id text NOT NULL REFERENCES materials(id),
  site text NOT NULL,
  storage_location text NOT NULL,
  quantity integer NOT NULL CHECK (quantity >= 0),
  reorder_point integer NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  PRIMARY KEY (material_id, site, storage_location)
);
CREATE TABLE suppliers (
  id text PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE supplier_offers (
  material_id text NOT NULL REFERENCES materials(id),
  supplier_id text NOT NULL REFERENCES suppliers(id),
  price_cents bigint NOT NULL CHECK (price_cents >= 0),
  lead_time_hours integer NOT NULL CHECK (lead_time_hours >= 0),
  expedite_lead_time_hours integer CHECK (expedite_lead_time_hours >= 0),
  expedite_surcharge_pct integer NOT NULL DEFAULT 0 CHECK (expedite_surcharge_pct >= 0),
  PRIMARY KEY (material_id, supplier_id)
);
CREATE TABLE work_centres (
  id text PRIMARY KEY,
  site text NOT NULL,
  line text NOT NULL,
  machine_type text NOT NULL
);
CREATE INDEX work_centres_site_type ON work_centres (site, machine_type, id);
`;

const documents = `
CREATE SEQUENCE notification_seq START 10000001;
CREATE SEQUENCE purchase_order_seq START 4500000001;
CREATE SEQUENCE reservation_seq START 1000001;
CREATE SEQUENCE work_order_seq START 4000001;
CREATE TABLE notifications (
  id text PRIMARY KEY DEFAULT ('NTF-' || nextval('notification_seq')),
  incident_id text NOT NULL UNIQUE,
  site text NOT NULL,
  line text NOT NULL,
  machine text NOT NULL,
  machine_type text NOT NULL,
  fault_type text NOT NULL,
  component text,
  priority text NOT NULL,
  text text NOT NULL,
  detected_at_ms bigint NOT NULL,
  due_by_ms bigint NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE TABLE purchase_orders (
  id text PRIMARY KEY DEFAULT ('PO-' || nextval('purchase_order_seq')),
  incident_id text NOT NULL UNIQUE REFERENCES notifications(incident_id),
  material_id text NOT NULL REFERENCES materials(id),
  supplier_id text NOT NULL REFERENCES suppliers(id),
  site text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_cents bigint NOT NULL,
  total_cents bigint NOT NULL,
  expedited boolean NOT NULL,
  late boolean NOT NULL,
  status text NOT NULL DEFAULT 'created',
  ordered_at_ms bigint NOT NULL,
  expected_delivery_ms bigint NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE TABLE reservations (
  id text PRIMARY KEY DEFAULT ('RES-' || nextval('reservation_seq')),
  incident_id text NOT NULL UNIQUE REFERENCES notifications(incident_id),
  material_id text NOT NULL REFERENCES materials(id),
  site text NOT NULL,
  storage_location text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  created_at_ms bigint NOT NULL
);
CREATE TABLE work_orders (
  id text PRIMARY KEY DEFAULT ('WO-' || nextval('work_order_seq')),
  incident_id text NOT NULL UNIQUE REFERENCES notifications(incident_id),
  notification_id text NOT NULL REFERENCES notifications(id),
  machine text NOT NULL,
  component text,
  material_id text REFERENCES materials(id),
  planned_start_ms bigint NOT NULL,
  planned_end_ms bigint NOT NULL CHECK (planned_end_ms > planned_start_ms),
  status text NOT NULL DEFAULT 'created',
  planned_cost_cents bigint NOT NULL,
  created_at_ms bigint NOT NULL
);
CREATE INDEX work_orders_machine_window ON work_orders (machine, planned_start_ms);
`;

const production = `
CREATE SEQUENCE production_order_seq START 1000001;
CREATE TABLE production_orders (
  id text PRIMARY KEY DEFAULT ('PRD-' || nextval('production_order_seq')),
  product text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  work_centre text NOT NULL REFERENCES work_centres(id),
  start_ms bigint NOT NULL,
  end_ms bigint NOT NULL CHECK (end_ms > start_ms),
  due_ms bigint NOT NULL,
  status text NOT NULL DEFAULT 'released'
);
CREATE INDEX production_orders_centre_start ON production_orders (work_centre, start_ms);
CREATE TABLE production_moves (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  production_order_id text NOT NULL REFERENCES production_orders(id),
  incident_id text NOT NULL REFERENCES notifications(incident_id),
  from_work_centre text NOT NULL,
  to_work_centre text NOT NULL,
  old_start_ms bigint NOT NULL,
  old_end_ms bigint NOT NULL,
  new_start_ms bigint NOT NULL,
  new_end_ms bigint NOT NULL,
  moved_at_ms bigint NOT NULL
);
CREATE INDEX production_moves_incident ON production_moves (incident_id);
`;

/** The enterprise schema, in version order; run with migrate(store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE }). */
export const enterpriseMigrations: Migration[] = [
  { version: 1, name: 'erp master data', sql: masterData },
  { version: 2, name: 'erp documents', sql: documents },
  { version: 3, name: 'mes production schedule', sql: production },
  lifecycleMigration,
];

/** The enterprise keeps its own migrations table, so it can share a PostgreSQL database with the cloud. */
export const ENTERPRISE_MIGRATIONS_TABLE = 'enterprise_schema_migrations';
