// One incident's full record: what the ERP and MES hold about it, from notification to the
// completed repair (the dashboard's incident view and the closing note's example).
import type { SqlExecutor } from '../core/index.ts';
import { createLists } from './lists.ts';

export interface IncidentRecord {
  notification: Record<string, unknown>;
  requisitions: unknown[];
  purchaseOrders: unknown[];
  reservations: unknown[];
  workOrder: Record<string, unknown> | null;
  operations: unknown[];
  productionMoves: unknown[];
  stockMovements: unknown[];
  plantActions: unknown[];
}

/** Everything recorded for `incidentId`, or null when there is no notification. */
export async function incidentRecord(db: SqlExecutor, incidentId: string): Promise<IncidentRecord | null> {
  const l = createLists(db);
  const q = { incidentId, limit: 500 };
  const notification = (await l.listNotifications(q)).items[0];
  if (!notification) return null;
  const workOrder = ((await l.listWorkOrders(q)).items[0] ?? null) as Record<string, unknown> | null;
  const purchaseOrders = (await l.listPurchaseOrders(q)).items;
  const refs = [...purchaseOrders.map((p) => p.id), ...(workOrder ? [workOrder.id as string] : [])];
  const moves = await db.query(
    `SELECT id, material_id AS "materialId", site, storage_location AS "storageLocation", movement_type AS "movementType", quantity, reference, at_ms AS "atMs"
     FROM stock_movements WHERE reference = ANY($1::text[]) ORDER BY id`,
    [refs],
  );
  const actions = workOrder
    ? (await db.query(
        `SELECT seq, work_order_id AS "workOrderId", incident_id AS "incidentId", machine, action, at_ms AS "atMs", fault_type AS "faultType", component
         FROM plant_actions WHERE work_order_id = $1 ORDER BY seq`,
        [workOrder.id],
      )).rows
    : [];
  return {
    notification: notification as unknown as Record<string, unknown>,
    requisitions: (await l.listRequisitions(q)).items,
    purchaseOrders,
    reservations: (await l.listReservations(q)).items,
    workOrder,
    operations: (await l.listOperations(q)).items,
    productionMoves: (await l.listProductionMoves(q)).items,
    stockMovements: moves.rows,
    plantActions: actions,
  };
}
