// The enterprise service: ERP (notifications, stock, purchasing, work orders) and MES (production
// schedule, maintenance windows, the plant loop) over one SqlStore. The REST API (api.ts) is a
// thin layer over this.
import {
  EnterpriseApiError, PlantSyncRequest, fail, ok, silentLogger,
  type Logger, type MaintenanceOutcome, type MaintenanceRequest, type PlantSyncResponse, type Result, type SqlExecutor, type SqlStore,
} from '../core/index.ts';
import { isRetryable } from '../store/index.ts';
import { enterpriseNow } from './clock.ts';
import { incidentRecord, type IncidentRecord } from './incident.ts';
import { createLists, type EnterpriseLists } from './lists.ts';
import { carryOut } from './maintenance.ts';
import { syncPlant } from './plant-sync.ts';
import { registerPlant } from './plant.ts';
import { createRequisition } from './purchasing.ts';
import { EnterpriseConfig, type PlantMachine, type RequisitionRequest } from './types.ts';
import type { AuditSink } from '../sovereignty/index.ts';

export interface EnterpriseService extends EnterpriseLists {
  /** Upserts work centres and schedules back-to-back production orders over the horizon; idempotent. */
  registerPlant(machines: PlantMachine[], opts: { startMs: number; horizonMs: number }): Promise<void>;
  /** Carries out a maintenance decision; a repeat returns the first outcome with created=false; master-data misfits are a failed Result. */
  tryRequestMaintenance(req: MaintenanceRequest): Promise<Result<MaintenanceOutcome>>;
  /** As tryRequestMaintenance, but a misfit throws EnterpriseApiError(422) (the EnterpriseApi port). */
  requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome>;
  /** The plant loop: clock, breakdown events, due actions (the PlantFloorApi port). */
  syncPlant(req: PlantSyncRequest): Promise<PlantSyncResponse>;
  /** A planner's requisition, converted into a purchase order at the next clock tick; an unknown material is a failed Result. */
  createRequisition(req: RequisitionRequest): Promise<Result<{ id: string }>>;
  /** Everything recorded about one incident, or null. */
  getIncident(incidentId: string): Promise<IncidentRecord | null>;
  /** The enterprise clock (event time, epoch ms). */
  clock(): Promise<{ nowMs: number }>;
  /** Answers when the database does. */
  health(): Promise<{ ok: boolean; store: SqlStore['kind'] }>;
}

/** Deadlock or serialization failures are retried this many times in all (PostgreSQL aborts one of two deadlocked transactions). */
const ATTEMPTS = 5;

/** Builds the service over a migrated and seeded store. */
export function createEnterpriseService(deps: {
  store: SqlStore;
  logger?: Logger;
  /** Wall clock for created-at stamps, epoch ms; planning itself runs on event time. */
  now?: () => number;
  config?: Partial<EnterpriseConfig>;
  /** Tamper-evident trail of every committed ERP/MES write (src/sovereignty's audit log); optional. */
  audit?: AuditSink;
}): EnterpriseService {
  const { store } = deps;
  // Appended after the commit, so the trail never names a write that rolled back; a failed
  // append is logged and counted, it does not undo the business write.
  let auditFailures = 0;
  const audit = async (action: string, object: string, outcome: string, detail: Record<string, unknown>): Promise<void> => {
    if (!deps.audit) return;
    try {
      await deps.audit.append({ actor: 'enterprise', action, object, outcome, detail });
    } catch (err) {
      auditFailures++;
      log.error({ err: (err as Error).message, action, object, auditFailures }, 'audit append failed');
    }
  };
  /** Plant actions are redelivered until the floor acknowledges them by seq: audit each once per process. */
  let auditedSeq = 0;
  const log = deps.logger ?? silentLogger();
  const now = deps.now ?? Date.now;
  const cfg = EnterpriseConfig.parse(deps.config ?? {});

  /** One transaction, retried on deadlock or serialization failure. */
  async function inTx<T>(what: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await store.transaction(fn);
      } catch (err) {
        if (attempt >= ATTEMPTS || !isRetryable(err)) throw err;
        log.warn({ what, attempt, err: (err as Error).message }, 'enterprise transaction retried');
      }
    }
  }

  async function tryRequestMaintenance(req: MaintenanceRequest): Promise<Result<MaintenanceOutcome>> {
    const r = await inTx('maintenance', (tx) => carryOut(tx, req, cfg, now()));
    if (r.ok && r.value.created) {
      log.info({ incidentId: req.incidentId, workOrderId: r.value.workOrderId, purchaseOrderId: r.value.purchaseOrderId, moved: r.value.movedProductionOrders.length }, 'maintenance planned');
      await audit('erp.maintenance.plan', req.incidentId, 'created', { notificationId: r.value.notificationId, purchaseOrderId: r.value.purchaseOrderId, workOrderId: r.value.workOrderId, moved: r.value.movedProductionOrders.length });
    } else if (!r.ok) {
      log.warn({ incidentId: req.incidentId, reason: r.reason }, 'maintenance request refused');
      await audit('erp.maintenance.plan', req.incidentId, 'refused', { reason: r.reason });
    }
    return r;
  }

  return {
    ...createLists(store),
    registerPlant: (machines, opts) => registerPlant(store, machines, opts, cfg),
    tryRequestMaintenance,
    async requestMaintenance(req) {
      const r = await tryRequestMaintenance(req);
      if (!r.ok) throw new EnterpriseApiError(422, r.reason);
      return r.value;
    },
    async syncPlant(raw) {
      const req = PlantSyncRequest.parse(raw);
      const res = await inTx('plant sync', (tx) => syncPlant(tx, req, cfg, now()));
      for (const a of res.actions) {
        if (a.seq <= auditedSeq) continue;
        auditedSeq = a.seq;
        await audit(`mes.${a.action}`, a.workOrderId, 'emitted', { seq: a.seq, machine: a.machine, atMs: a.atMs, incidentId: a.incidentId });
      }
      return res;
    },
    async createRequisition(req) {
      return inTx('requisition', async (tx) => {
        const m = await tx.query('SELECT 1 FROM materials WHERE id = $1', [req.materialId]);
        if (m.rows.length === 0) return fail(`material "${req.materialId}" is not in the material master`);
        return ok({ id: await createRequisition(tx, req, await enterpriseNow(tx)) });
      }).then(async (r) => {
        if (r.ok) await audit('erp.requisition.create', r.value.id, 'created', { materialId: req.materialId });
        return r;
      });
    },
    getIncident: (incidentId) => incidentRecord(store, incidentId),
    async clock() {
      return { nowMs: await enterpriseNow(store) };
    },
    async health() {
      await store.query('SELECT 1');
      return { ok: true, store: store.kind };
    },
  };
}
