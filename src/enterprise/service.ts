// The enterprise service: ERP (notifications, stock, purchasing, work orders) and MES (production
// schedule) over one SqlStore. The REST API (api.ts) is a thin layer over this.
import { EnterpriseApiError, silentLogger, type Logger, type MaintenanceOutcome, type MaintenanceRequest, type Result, type SqlStore } from '../core/index.ts';
import { isRetryable } from '../store/index.ts';
import { createLists, type EnterpriseLists } from './lists.ts';
import { carryOut } from './maintenance.ts';
import { registerPlant } from './plant.ts';
import { EnterpriseConfig, type PlantMachine } from './types.ts';

export interface EnterpriseService extends EnterpriseLists {
  /** Upserts work centres and schedules back-to-back production orders over the horizon; idempotent. */
  registerPlant(machines: PlantMachine[], opts: { startMs: number; horizonMs: number }): Promise<void>;
  /** Carries out a maintenance decision; a repeat returns the first outcome with created=false; master-data misfits are a failed Result. */
  tryRequestMaintenance(req: MaintenanceRequest): Promise<Result<MaintenanceOutcome>>;
  /** As tryRequestMaintenance, but a misfit throws EnterpriseApiError(422) (the EnterpriseApi port). */
  requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome>;
  /** Answers when the database does. */
  health(): Promise<{ ok: boolean; store: SqlStore['kind'] }>;
}

/** Deadlock or serialization failures are retried this many times in all (PostgreSQL aborts one of two deadlocked transactions). */
const ATTEMPTS = 3;

/** Builds the service over a migrated and seeded store. */
export function createEnterpriseService(deps: {
  store: SqlStore;
  logger?: Logger;
  /** Wall clock for created-at stamps, epoch ms; planning itself runs on the request's event time. */
  now?: () => number;
  config?: Partial<EnterpriseConfig>;
}): EnterpriseService {
  const { store } = deps;
  const log = deps.logger ?? silentLogger();
  const now = deps.now ?? Date.now;
  const cfg = EnterpriseConfig.parse(deps.config ?? {});

  async function tryRequestMaintenance(req: MaintenanceRequest): Promise<Result<MaintenanceOutcome>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await store.transaction((tx) => carryOut(tx, req, cfg, now()));
        if (r.ok && r.value.created) {
          log.info({ incidentId: req.incidentId, workOrderId: r.value.workOrderId, purchaseOrderId: r.value.purchaseOrderId, moved: r.value.movedProductionOrders.length }, 'maintenance planned');
        } else if (!r.ok) {
          log.warn({ incidentId: req.incidentId, reason: r.reason }, 'maintenance request refused');
        }
        return r;
      } catch (err) {
        if (attempt >= ATTEMPTS || !isRetryable(err)) throw err;
        log.warn({ incidentId: req.incidentId, attempt, err: (err as Error).message }, 'maintenance transaction retried');
      }
    }
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
    async health() {
      await store.query('SELECT 1');
      return { ok: true, store: store.kind };
    },
  };
}
