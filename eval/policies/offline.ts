// Reactive and preventive policies: simulator + enterprise service + plant floor in one process,
// no MQTT, no edge, no cloud (PGlite in memory). Reactive runs to failure: breakdowns become
// emergency work orders and the repair restarts the machine. Preventive adds a fixed-interval
// plan: every machine gets a work order each `intervalHours`, replacing its wear part (the
// drive-end bearing, the most frequent failure of rotating machines); the plant floor's repair at
// the end of that order resets any fault acting on the machine (a renewed part).
import { silentLogger, type Logger, type MaintenanceRequest } from '../../src/core/index.ts';
import {
  createEnterpriseService, ENTERPRISE_MIGRATIONS_TABLE, enterpriseMigrations, MATERIALS, seedCatalogue, type EnterpriseService,
} from '../../src/enterprise/index.ts';
import { createPlantFloor, createSimulator } from '../../src/simulator/index.ts';
import { createPgliteStore, migrate } from '../../src/store/index.ts';
import type { EvalSetup } from '../setup.ts';
import { listAll, type PolicyRun } from './run.ts';

const HOUR_MS = 3_600_000;
/** How far past the run's end the production schedule reaches, so late orders can be placed. */
const SCHEDULE_TAIL_MS = 7 * 24 * HOUR_MS;

export interface OfflineOptions {
  policy: 'reactive' | 'preventive';
  /** Preventive interval per machine, hours (default the scenario's). */
  intervalHours?: number;
  /** Raise each preventive order this long before it is due, hours (default the scenario's). */
  orderAheadHours?: number;
  /**
   * Plant-floor sync period while nothing is down, ms (default 15 min). While a machine is down
   * or locked out, or the last sync applied actions, the floor syncs every step, so breakdowns
   * and repairs are timed to the window interval; a planned stop may start up to one period late.
   * A sync is a database transaction (~10-40 ms on PGlite): syncing every step would dominate.
   */
  syncEveryMs?: number;
  logger?: Logger;
  onProgress?: (fraction: number) => void;
}

/** The wear part a preventive order renews on a machine type: its drive-end bearing when the BOM lists one. */
function wearPart(machineType: string): MaintenanceRequest['component'] {
  return MATERIALS.some((m) => m.machineType === machineType && m.component === 'drive-end-bearing') ? 'drive-end-bearing' : null;
}

/** Runs the setup under a reactive or preventive policy; resolves when the simulated duration has passed. */
export async function runOfflinePolicy(setup: EvalSetup, opts: OfflineOptions): Promise<PolicyRun> {
  const t0 = performance.now();
  const logger = opts.logger ?? silentLogger();
  const store = await createPgliteStore();
  try {
    await migrate(store, enterpriseMigrations, { table: ENTERPRISE_MIGRATIONS_TABLE });
    await seedCatalogue(store, setup.catalogue);
    const svc: EnterpriseService = createEnterpriseService({ store, logger, config: setup.enterpriseConfig });
    const sim = createSimulator({ plant: setup.plant, seed: setup.seed, startMs: setup.startMs, faults: setup.faults, sensorFaults: setup.sensorFaults });
    await svc.registerPlant(
      sim.births.map((b) => ({ machine: b.machine, site: b.site, line: b.line, machineType: b.machineType })),
      { startMs: setup.startMs, horizonMs: setup.durationMs + SCHEDULE_TAIL_MS },
    );
    const floor = createPlantFloor({ sim, api: svc, logger });
    const intervalMs = (opts.intervalHours ?? setup.scenario.preventive.intervalHours) * HOUR_MS;
    const aheadMs = (opts.orderAheadHours ?? setup.scenario.preventive.orderAheadHours) * HOUR_MS;
    // Due dates staggered over the first interval so the crew is not asked for every machine at once.
    const nextDue = new Map(sim.births.map((b, i) => [b.machine, setup.startMs + ((i + 1) / sim.births.length) * intervalMs]));
    const planned = new Map<string, number>();
    let preventiveOrders = 0;
    let refused = 0;
    const notes: string[] = [];
    const endMs = setup.startMs + setup.durationMs;
    let windows = 0;

    const planPreventive = async (nowMs: number) => {
      for (const b of sim.births) {
        // Orders raised up to orderAhead before each due date, for every due date inside the run.
        for (;;) {
          const due = nextDue.get(b.machine)!;
          if (due > endMs || due - aheadMs > nowMs) break;
          const k = (planned.get(b.machine) ?? 0) + 1;
          planned.set(b.machine, k);
          nextDue.set(b.machine, due + intervalMs);
          const r = await svc.tryRequestMaintenance({
            v: 1, incidentId: `preventive:${b.machine}:${k}`, site: b.site, line: b.line, machine: b.machine, machineType: b.machineType,
            faultType: 'unknown', component: wearPart(b.machineType), priority: 'low', dueBy: Math.round(due), detectedAt: Math.round(nowMs),
            explanation: `fixed-interval preventive maintenance every ${intervalMs / HOUR_MS} h`,
          });
          if (r.ok) preventiveOrders++;
          else refused++;
        }
      }
    };

    const steps = Math.round(setup.durationMs / sim.windowIntervalMs);
    const every = Math.max(1, Math.round((opts.syncEveryMs ?? 15 * 60_000) / sim.windowIntervalMs));
    let hot = true;
    for (let i = 0; i < steps; i++) {
      if (opts.policy === 'preventive') await planPreventive(sim.nowMs);
      const out = sim.step();
      windows += out.length;
      // Fewer windows than machines: one is broken down or locked out (or a sensor dropped out).
      if (hot || out.length < sim.births.length || i % every === every - 1 || i === steps - 1) {
        const before = floor.stats().actionsApplied;
        await floor.sync();
        hot = floor.stats().actionsApplied > before;
      }
      if (i % 24 === 0) opts.onProgress?.(i / steps);
      // Let other work (progress output, timers) run now and then.
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    opts.onProgress?.(1);
    if (opts.policy === 'preventive') notes.push(`${preventiveOrders} preventive orders every ${intervalMs / HOUR_MS} h per machine${refused ? `, ${refused} refused` : ''}`);
    const stats = floor.stats();
    return {
      policy: opts.policy,
      startMs: setup.startMs,
      endMs: sim.nowMs,
      truth: sim.groundTruth(),
      downtime: sim.downtime(),
      workOrders: await listAll((q) => svc.listWorkOrders(q)),
      purchaseOrders: await listAll((q) => svc.listPurchaseOrders(q)),
      windows,
      wallMs: performance.now() - t0,
      closedLoop: stats.syncs > 0 && stats.failedSyncs < stats.syncs,
      notes,
    };
  } finally {
    await store.close();
  }
}
