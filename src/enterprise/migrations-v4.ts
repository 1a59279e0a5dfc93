// Schema version 4: the purchasing lifecycle (requisitions, PO status dates, a stock-movement
// ledger, reservations that are issued at execution), work-order operations, planned and actual
// cost, the MES impact of a window, the enterprise clock, plant events and actions, and the
// idempotency-key store of the REST API.
import type { Migration } from '../store/index.ts';

const sql = `
-- Stock: on-hand quantity and the part of it ring-fenced for open reservations (SAP: unrestricted
-- vs reserved). Goods issue lowers both; neither may go negative, nor reserved exceed on hand.
ALTER TABLE stock ADD COLUMN reserved_quantity integer NOT NULL DEFAULT 0;
ALTER TABLE stock ADD CONSTRAINT stock_reserved_range CHECK (reserved_quantity >= 0 AND reserved_quantity <= quantity);

CREATE TABLE stock_movements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  material_id text NOT NULL REFERENCES materials(id),
  site text NOT NULL,
  storage_location text NOT NULL,
  -- SAP movement types: 101 goods receipt for a PO, 261 goods issue to an order.
  movement_type text NOT NULL CHECK (movement_type IN ('101-goods-receipt', '261-goods-issue')),
  quantity integer NOT NULL CHECK (quantity <> 0),
  reference text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX stock_movements_material ON stock_movements (site, material_id, id);

CREATE SEQUENCE requisition_seq START 10000001;
CREATE TABLE purchase_requisitions (
  id text PRIMARY KEY DEFAULT ('PR-' || nextval('requisition_seq')),
  material_id text NOT NULL REFERENCES materials(id),
  site text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  reason text NOT NULL CHECK (reason IN ('maintenance', 'reorder-point', 'manual')),
  incident_id text UNIQUE,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted')),
  purchase_order_id text,
  requested_at_ms bigint NOT NULL,
  need_by_ms bigint NOT NULL
);
-- At most one open reorder-point requisition per part and site: a second dip below the
-- reorder point while one is open raises nothing.
CREATE UNIQUE INDEX purchase_requisitions_one_open_reorder ON purchase_requisitions (material_id, site) WHERE reason = 'reorder-point' AND status = 'open';

ALTER TABLE purchase_orders ALTER COLUMN incident_id DROP NOT NULL;
ALTER TABLE purchase_orders ADD COLUMN requisition_id text;
ALTER TABLE purchase_orders ADD COLUMN surcharge_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE purchase_orders ADD COLUMN decision text NOT NULL DEFAULT '';
ALTER TABLE purchase_orders ADD COLUMN confirm_due_ms bigint;
ALTER TABLE purchase_orders ADD COLUMN ship_due_ms bigint;
ALTER TABLE purchase_orders ADD COLUMN confirmed_at_ms bigint;
ALTER TABLE purchase_orders ADD COLUMN shipped_at_ms bigint;
ALTER TABLE purchase_orders ADD COLUMN received_at_ms bigint;
ALTER TABLE purchase_orders ADD CONSTRAINT purchase_orders_status CHECK (status IN ('created', 'confirmed', 'shipped', 'received'));

ALTER TABLE reservations ADD COLUMN status text NOT NULL DEFAULT 'open' CHECK (status IN ('awaiting-delivery', 'open', 'issued'));
ALTER TABLE reservations ADD COLUMN purchase_order_id text;
ALTER TABLE reservations ADD COLUMN issued_at_ms bigint;
ALTER TABLE reservations ALTER COLUMN storage_location DROP NOT NULL;

ALTER TABLE notifications ADD COLUMN kind text NOT NULL DEFAULT 'predictive' CHECK (kind IN ('predictive', 'breakdown'));

ALTER TABLE work_orders ADD COLUMN kind text NOT NULL DEFAULT 'predictive' CHECK (kind IN ('predictive', 'breakdown'));
ALTER TABLE work_orders ADD COLUMN fault_type text NOT NULL DEFAULT 'unknown';
ALTER TABLE work_orders ADD COLUMN planned_labour_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN planned_parts_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN planned_surcharge_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN actual_start_ms bigint;
ALTER TABLE work_orders ADD COLUMN actual_end_ms bigint;
ALTER TABLE work_orders ADD COLUMN actual_cost_cents bigint;
ALTER TABLE work_orders ADD COLUMN downtime_ms bigint;
ALTER TABLE work_orders ADD COLUMN part_ready_ms bigint;
ALTER TABLE work_orders ADD COLUMN breakdown_at_ms bigint;
ALTER TABLE work_orders ADD COLUMN orders_moved integer NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN late_orders integer NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN lateness_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN lost_capacity_ms bigint NOT NULL DEFAULT 0;
ALTER TABLE work_orders ADD COLUMN window_reason text NOT NULL DEFAULT '';
ALTER TABLE work_orders ADD CONSTRAINT work_orders_status CHECK (status IN ('created', 'released', 'in-progress', 'completed'));

CREATE TABLE work_order_operations (
  work_order_id text NOT NULL REFERENCES work_orders(id),
  op_no integer NOT NULL,
  description text NOT NULL,
  planned_hours double precision NOT NULL CHECK (planned_hours >= 0),
  actual_hours double precision,
  PRIMARY KEY (work_order_id, op_no)
);

CREATE TABLE enterprise_clock (
  id integer PRIMARY KEY CHECK (id = 1),
  now_ms bigint NOT NULL
);
INSERT INTO enterprise_clock (id, now_ms) VALUES (1, 0);

CREATE TABLE plant_events (
  id text PRIMARY KEY,
  kind text NOT NULL,
  machine text NOT NULL,
  at_ms bigint NOT NULL,
  work_order_id text,
  outcome text NOT NULL
);

CREATE TABLE plant_actions (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  work_order_id text NOT NULL REFERENCES work_orders(id),
  incident_id text,
  machine text NOT NULL,
  action text NOT NULL CHECK (action IN ('stop-for-maintenance', 'repair-complete')),
  at_ms bigint NOT NULL,
  fault_type text NOT NULL,
  component text,
  UNIQUE (work_order_id, action)
);

CREATE TABLE idempotency_keys (
  key text NOT NULL,
  route text NOT NULL,
  body_sha256 text NOT NULL,
  status_code integer,
  response text,
  created_at_ms bigint NOT NULL,
  PRIMARY KEY (key, route)
);
`;

/** Version 4 of the enterprise schema. */
export const lifecycleMigration: Migration = { version: 4, name: 'purchasing lifecycle, execution, clock, plant loop, idempotency', sql };
