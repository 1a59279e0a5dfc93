// HTTP client of the enterprise REST API (src/enterprise/api.ts): the EnterpriseApi port as the
// cloud uses it, the PlantFloorApi port as the simulator's connector uses it, plus plant
// registration and the list reads the CLI and dashboard need. Calls carry a bearer token.
// Responses are validated with zod where they enter this process; the row schemas below mirror
// the API's JSON and are loose, so a field added on the server does not break older clients.
import { z } from 'zod';
import {
  EnterpriseApiError, MachineType, MaintenanceOutcome, PlantSyncResponse, ServiceUnavailableError,
  type EnterpriseApi, type MaintenanceRequest, type PlantFloorApi, type PlantSyncRequest,
} from '../core/index.ts';

const nullableString = z.string().nullable();

export const PurchaseOrderItem = z.looseObject({
  id: z.string(), incidentId: nullableString, materialId: z.string(), materialDescription: z.string(), supplierId: z.string(),
  supplierName: z.string(), site: z.string(), quantity: z.number(), unitPriceCents: z.number(), totalCents: z.number(),
  expedited: z.boolean(), late: z.boolean(), status: z.string(), orderedAtMs: z.number(), expectedDeliveryMs: z.number(), createdAtMs: z.number(),
});
export type PurchaseOrderItem = z.infer<typeof PurchaseOrderItem>;

export const NotificationItem = z.looseObject({
  id: z.string(), incidentId: z.string(), site: z.string(), line: z.string(), machine: z.string(), machineType: z.string(),
  faultType: z.string(), component: nullableString, priority: z.string(), text: z.string(),
  detectedAtMs: z.number(), dueByMs: z.number(), createdAtMs: z.number(),
});
export type NotificationItem = z.infer<typeof NotificationItem>;

export const WorkOrderItem = z.looseObject({
  id: z.string(), incidentId: z.string(), notificationId: z.string(), machine: z.string(), component: nullableString,
  materialId: nullableString, plannedStartMs: z.number(), plannedEndMs: z.number(), status: z.string(), plannedCostCents: z.number(), createdAtMs: z.number(),
});
export type WorkOrderItem = z.infer<typeof WorkOrderItem>;

export const ProductionMoveItem = z.looseObject({
  id: z.number(), productionOrderId: z.string(), incidentId: z.string(), fromWorkCentre: z.string(), toWorkCentre: z.string(),
  oldStartMs: z.number(), oldEndMs: z.number(), newStartMs: z.number(), newEndMs: z.number(), movedAtMs: z.number(),
});
export type ProductionMoveItem = z.infer<typeof ProductionMoveItem>;

export const BomItem = z.looseObject({
  machineType: z.string(), component: z.string(), materialId: z.string(), materialDescription: z.string(), quantity: z.number(),
});
export type BomItem = z.infer<typeof BomItem>;

export interface EnterpriseListQuery {
  limit?: number;
  offset?: number;
  incidentId?: string;
  machine?: string;
  site?: string;
}

export interface EnterprisePage<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface PlantMachineInput {
  machine: string;
  site: string;
  line: string;
  machineType: MachineType;
}

/** One incident's full record (GET /api/v1/incidents/:id); loose: the server may add fields. */
export const IncidentRecordItem = z.looseObject({
  notification: NotificationItem,
  requisitions: z.array(z.looseObject({})),
  purchaseOrders: z.array(PurchaseOrderItem),
  reservations: z.array(z.looseObject({})),
  workOrder: WorkOrderItem.nullable(),
  operations: z.array(z.looseObject({})),
  productionMoves: z.array(ProductionMoveItem),
  stockMovements: z.array(z.looseObject({})),
  plantActions: z.array(z.looseObject({})),
});
export type IncidentRecordItem = z.infer<typeof IncidentRecordItem>;

export interface EnterpriseHttpClient extends EnterpriseApi, PlantFloorApi {
  /** One incident's full record; null when the enterprise has none. */
  getIncident(incidentId: string): Promise<IncidentRecordItem | null>;
  /** Registers work centres and their production schedule (POST /api/v1/plant). */
  registerPlant(machines: PlantMachineInput[], opts: { startMs: number; horizonMs: number }): Promise<void>;
  listPurchaseOrders(q?: EnterpriseListQuery): Promise<EnterprisePage<PurchaseOrderItem>>;
  listNotifications(q?: EnterpriseListQuery): Promise<EnterprisePage<NotificationItem>>;
  listWorkOrders(q?: EnterpriseListQuery): Promise<EnterprisePage<WorkOrderItem>>;
  listProductionMoves(q?: EnterpriseListQuery): Promise<EnterprisePage<ProductionMoveItem>>;
  listBom(q?: EnterpriseListQuery): Promise<EnterprisePage<BomItem>>;
}

const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number(), limit: z.number(), offset: z.number() });

/** The reason an error body gives, whichever shape the API used. */
function reasonOf(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as { reason?: unknown; message?: unknown; error?: unknown; issues?: { path?: string; message?: string }[] };
    if (typeof b.reason === 'string') return b.reason;
    if (Array.isArray(b.issues)) return b.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    if (typeof b.message === 'string') return b.message;
    if (typeof b.error === 'string') return b.error;
  }
  return fallback;
}

/** A client of the enterprise API at `baseUrl`; a non-2xx answer is EnterpriseApiError, no answer ServiceUnavailableError. */
export function createEnterpriseHttpClient(cfg: { baseUrl: string; token: string; timeoutMs?: number }): EnterpriseHttpClient {
  const base = cfg.baseUrl.replace(/\/+$/, '');
  const timeoutMs = cfg.timeoutMs ?? 10_000;
  const auth = { authorization: `Bearer ${cfg.token}` };

  async function call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T> | null, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...auth, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((err as Error & { cause?: Error }).cause?.message ?? (err as Error).message);
      throw new ServiceUnavailableError('enterprise', `${method} ${base}${path}: ${why}`, { cause: err });
    }
    const text = await res.text().catch(() => '');
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // a non-JSON body (a proxy's error page): reported below by status
    }
    if (!res.ok) throw new EnterpriseApiError(res.status, reasonOf(json, res.statusText || text.slice(0, 200)));
    if (schema === null) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EnterpriseApiError(res.status, `response of ${method} ${path} does not match its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    return parsed.data;
  }

  const list = <T extends z.ZodType>(path: string, item: T) => (q: EnterpriseListQuery = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    const qs = params.size ? `?${params}` : '';
    return call('GET', `/api/v1/${path}${qs}`, pageOf(item)) as Promise<EnterprisePage<z.infer<T>>>;
  };

  return {
    requestMaintenance: (req: MaintenanceRequest) =>
      call('POST', '/api/v1/maintenance-requests', MaintenanceOutcome, { body: req, headers: { 'idempotency-key': req.incidentId } }),
    syncPlant: (req: PlantSyncRequest) => call('POST', '/api/v1/plant/sync', PlantSyncResponse, { body: req }),
    async getIncident(incidentId) {
      try {
        return await call('GET', `/api/v1/incidents/${encodeURIComponent(incidentId)}`, IncidentRecordItem);
      } catch (err) {
        if (err instanceof EnterpriseApiError && err.status === 404) return null;
        throw err;
      }
    },
    registerPlant: (machines, opts) => call('POST', '/api/v1/plant', null, { body: { machines, startMs: opts.startMs, horizonMs: opts.horizonMs } }),
    listPurchaseOrders: list('purchase-orders', PurchaseOrderItem),
    listNotifications: list('notifications', NotificationItem),
    listWorkOrders: list('work-orders', WorkOrderItem),
    listProductionMoves: list('production-moves', ProductionMoveItem),
    listBom: list('bom', BomItem),
  };
}
