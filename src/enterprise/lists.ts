// Paginated reads of every ERP/MES table, as camelCase rows (the REST API's GET routes).
import type { SqlExecutor } from '../core/index.ts';
import {
  ListQuery,
  type BomRow, type MaterialRow, type NotificationRow, type Page, type ProductionMoveRow, type ProductionOrderRow,
  type PurchaseOrderRow, type ReservationRow, type StockRow, type WorkOrderRow,
} from './types.ts';

type Filter = 'incidentId' | 'machine' | 'site';

interface ListSpec {
  select: string;
  from: string;
  orderBy: string;
  /** Which query filters this list honours, and the column each compares with. */
  filters: Partial<Record<Filter, string>>;
}

async function page<T>(db: SqlExecutor, spec: ListSpec, raw: ListQuery | undefined): Promise<Page<T>> {
  const q = ListQuery.parse(raw ?? {});
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [name, column] of Object.entries(spec.filters) as [Filter, string][]) {
    const v = q[name];
    if (v === undefined) continue;
    params.push(v);
    where.push(`${column} = $${params.length}`);
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${spec.from} ${whereSql}`, params);
  const items = await db.query<T>(
    `SELECT ${spec.select} FROM ${spec.from} ${whereSql} ORDER BY ${spec.orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, q.limit, q.offset],
  );
  return { items: items.rows, total: total.rows[0]?.n ?? 0, limit: q.limit, offset: q.offset };
}

const SPECS = {
  notifications: {
    select: `id, incident_id AS "incidentId", site, line, machine, machine_type AS "machineType", fault_type AS "faultType", component, priority, text,
             detected_at_ms AS "detectedAtMs", due_by_ms AS "dueByMs", created_at_ms AS "createdAtMs", kind`,
    from: 'notifications',
    orderBy: 'created_at_ms, id',
    filters: { incidentId: 'incident_id', machine: 'machine', site: 'site' },
  },
  purchaseOrders: {
    select: `p.id, p.incident_id AS "incidentId", p.material_id AS "materialId", m.description AS "materialDescription", p.supplier_id AS "supplierId",
             s.name AS "supplierName", p.site, p.quantity, p.unit_price_cents AS "unitPriceCents", p.total_cents AS "totalCents", p.expedited, p.late,
             p.status, p.ordered_at_ms AS "orderedAtMs", p.expected_delivery_ms AS "expectedDeliveryMs", p.created_at_ms AS "createdAtMs",
             p.requisition_id AS "requisitionId", p.surcharge_cents AS "surchargeCents", p.decision, p.confirmed_at_ms AS "confirmedAtMs",
             p.shipped_at_ms AS "shippedAtMs", p.received_at_ms AS "receivedAtMs"`,
    from: 'purchase_orders p JOIN materials m ON m.id = p.material_id JOIN suppliers s ON s.id = p.supplier_id',
    orderBy: 'p.created_at_ms, p.id',
    filters: { incidentId: 'p.incident_id', site: 'p.site' },
  },
  reservations: {
    select: `id, incident_id AS "incidentId", material_id AS "materialId", site, storage_location AS "storageLocation", quantity, created_at_ms AS "createdAtMs",
             status, purchase_order_id AS "purchaseOrderId", issued_at_ms AS "issuedAtMs"`,
    from: 'reservations',
    orderBy: 'created_at_ms, id',
    filters: { incidentId: 'incident_id', site: 'site' },
  },
  workOrders: {
    select: `id, incident_id AS "incidentId", notification_id AS "notificationId", machine, component, material_id AS "materialId",
             planned_start_ms AS "plannedStartMs", planned_end_ms AS "plannedEndMs", status, planned_cost_cents AS "plannedCostCents", created_at_ms AS "createdAtMs",
             kind, fault_type AS "faultType", planned_labour_cents AS "plannedLabourCents", planned_parts_cents AS "plannedPartsCents",
             planned_surcharge_cents AS "plannedSurchargeCents", part_ready_ms AS "partReadyMs", breakdown_at_ms AS "breakdownAtMs",
             actual_start_ms AS "actualStartMs", actual_end_ms AS "actualEndMs", actual_cost_cents AS "actualCostCents", downtime_ms AS "downtimeMs",
             orders_moved AS "ordersMoved", late_orders AS "lateOrders", lateness_ms AS "latenessMs", lost_capacity_ms AS "lostCapacityMs",
             window_reason AS "windowReason"`,
    from: 'work_orders',
    orderBy: 'created_at_ms, id',
    filters: { incidentId: 'incident_id', machine: 'machine' },
  },
  productionOrders: {
    select: `id, product, quantity, work_centre AS "workCentre", start_ms AS "startMs", end_ms AS "endMs", due_ms AS "dueMs", status`,
    from: 'production_orders',
    orderBy: 'work_centre, start_ms, id',
    filters: { machine: 'work_centre' },
  },
  productionMoves: {
    select: `id, production_order_id AS "productionOrderId", incident_id AS "incidentId", from_work_centre AS "fromWorkCentre", to_work_centre AS "toWorkCentre",
             old_start_ms AS "oldStartMs", old_end_ms AS "oldEndMs", new_start_ms AS "newStartMs", new_end_ms AS "newEndMs", moved_at_ms AS "movedAtMs"`,
    from: 'production_moves',
    orderBy: 'id',
    filters: { incidentId: 'incident_id', machine: 'from_work_centre' },
  },
  materials: {
    select: `id, description, unit, unit_price_cents AS "unitPriceCents"`,
    from: 'materials',
    orderBy: 'id',
    filters: {},
  },
  stock: {
    select: `s.material_id AS "materialId", m.description AS "materialDescription", s.site, s.storage_location AS "storageLocation", s.quantity, s.reserved_quantity AS "reservedQuantity",
             s.quantity - s.reserved_quantity AS "availableQuantity", s.reorder_point AS "reorderPoint"`,
    from: 'stock s JOIN materials m ON m.id = s.material_id',
    orderBy: 's.site, s.material_id, s.storage_location',
    filters: { site: 's.site' },
  },
  bom: {
    select: `b.machine_type AS "machineType", b.component, b.material_id AS "materialId", m.description AS "materialDescription", b.quantity`,
    from: 'bom b JOIN materials m ON m.id = b.material_id',
    orderBy: 'b.machine_type, b.component',
    filters: {},
  },
  requisitions: {
    select: `id, material_id AS "materialId", site, quantity, reason, incident_id AS "incidentId", status, purchase_order_id AS "purchaseOrderId",
             requested_at_ms AS "requestedAtMs", need_by_ms AS "needByMs"`,
    from: 'purchase_requisitions',
    orderBy: 'requested_at_ms, id',
    filters: { incidentId: 'incident_id', site: 'site' },
  },
  stockMovements: {
    select: `id, material_id AS "materialId", site, storage_location AS "storageLocation", movement_type AS "movementType", quantity, reference, at_ms AS "atMs"`,
    from: 'stock_movements',
    orderBy: 'id',
    filters: { site: 'site' },
  },
  operations: {
    select: `o.work_order_id AS "workOrderId", o.op_no AS "opNo", o.description, o.planned_hours AS "plannedHours", o.actual_hours AS "actualHours"`,
    from: 'work_order_operations o JOIN work_orders w ON w.id = o.work_order_id',
    orderBy: 'o.work_order_id, o.op_no',
    filters: { incidentId: 'w.incident_id', machine: 'w.machine' },
  },
  plantActions: {
    select: `seq, work_order_id AS "workOrderId", incident_id AS "incidentId", machine, action, at_ms AS "atMs", fault_type AS "faultType", component`,
    from: 'plant_actions',
    orderBy: 'seq',
    filters: { incidentId: 'incident_id', machine: 'machine' },
  },
  plantEvents: {
    select: `id, kind, machine, at_ms AS "atMs", work_order_id AS "workOrderId", outcome`,
    from: 'plant_events',
    orderBy: 'at_ms, id',
    filters: { machine: 'machine' },
  },
  supplierOffers: {
    select: `o.material_id AS "materialId", o.supplier_id AS "supplierId", s.name AS "supplierName", o.price_cents AS "priceCents",
             o.lead_time_hours AS "leadTimeHours", o.expedite_lead_time_hours AS "expediteLeadTimeHours", o.expedite_surcharge_pct AS "expediteSurchargePct"`,
    from: 'supplier_offers o JOIN suppliers s ON s.id = o.supplier_id',
    orderBy: 'o.material_id, o.supplier_id',
    filters: {},
  },
} satisfies Record<string, ListSpec>;

/** The list readers over one executor; each takes `{ limit ≤ 500, offset, filters }` and returns a page. */
export function createLists(db: SqlExecutor) {
  return {
    listNotifications: (q?: ListQuery) => page<NotificationRow>(db, SPECS.notifications, q),
    listPurchaseOrders: (q?: ListQuery) => page<PurchaseOrderRow>(db, SPECS.purchaseOrders, q),
    listReservations: (q?: ListQuery) => page<ReservationRow>(db, SPECS.reservations, q),
    listWorkOrders: (q?: ListQuery) => page<WorkOrderRow>(db, SPECS.workOrders, q),
    listProductionOrders: (q?: ListQuery) => page<ProductionOrderRow>(db, SPECS.productionOrders, q),
    listProductionMoves: (q?: ListQuery) => page<ProductionMoveRow>(db, SPECS.productionMoves, q),
    listMaterials: (q?: ListQuery) => page<MaterialRow>(db, SPECS.materials, q),
    listStock: (q?: ListQuery) => page<StockRow>(db, SPECS.stock, q),
    listBom: (q?: ListQuery) => page<BomRow>(db, SPECS.bom, q),
    listRequisitions: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.requisitions, q),
    listStockMovements: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.stockMovements, q),
    listOperations: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.operations, q),
    listPlantActions: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.plantActions, q),
    listPlantEvents: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.plantEvents, q),
    listSupplierOffers: (q?: ListQuery) => page<Record<string, unknown>>(db, SPECS.supplierOffers, q),
  };
}

export type EnterpriseLists = ReturnType<typeof createLists>;
