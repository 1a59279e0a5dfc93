// The plant floor's connector to the enterprise: reports breakdowns, follows the enterprise's
// actions (stop for maintenance, repair complete) in event time. Delivery is at least once both
// ways: unsent events stay queued after a failed call, and actions already applied are skipped.
import type { Logger, PlantAction, PlantEvent, PlantFloorApi } from '../core/index.ts';
import type { Simulator } from './simulator.ts';

/** Counts of what the connector has done so far. */
export interface PlantFloorStats {
  syncs: number;
  failedSyncs: number;
  eventsSent: number;
  actionsApplied: number;
  /** Actions skipped because their seq had been applied already (redelivery). */
  actionsDuplicate: number;
  /** Actions naming a machine this plant does not have (counted and logged, not thrown). */
  actionsUnknownMachine: number;
}

export interface PlantFloor {
  /** One exchange: send pending events, apply returned actions; resolves false (events kept) if the call failed. */
  sync(): Promise<boolean>;
  /** The highest action seq applied (what the next sync sends as afterSeq). */
  readonly appliedSeq: number;
  stats(): PlantFloorStats;
}

/** Creates the plant-floor connector for `sim` talking to `api`. */
export function createPlantFloor(opts: { sim: Simulator; api: PlantFloorApi; logger?: Logger }): PlantFloor {
  const { sim, api, logger } = opts;
  const known = new Set(sim.births.map((b) => b.machine));
  const pending: PlantEvent[] = [];
  let appliedSeq = 0;
  const stats: PlantFloorStats = { syncs: 0, failedSyncs: 0, eventsSent: 0, actionsApplied: 0, actionsDuplicate: 0, actionsUnknownMachine: 0 };

  const apply = (a: PlantAction): void => {
    if (a.seq <= appliedSeq) {
      stats.actionsDuplicate++;
      return;
    }
    appliedSeq = a.seq;
    if (!known.has(a.machine)) {
      stats.actionsUnknownMachine++;
      logger?.warn({ seq: a.seq, machine: a.machine, action: a.action }, 'plant floor: action for an unknown machine skipped');
      return;
    }
    if (a.action === 'stop-for-maintenance') sim.stopForMaintenance(a.machine);
    else sim.repair(a.machine);
    stats.actionsApplied++;
    logger?.info({ seq: a.seq, machine: a.machine, action: a.action, workOrderId: a.workOrderId }, 'plant floor: action applied');
  };

  return {
    async sync() {
      pending.push(...sim.takeEvents());
      const events = pending.slice(0, 1000);
      stats.syncs++;
      let actions: PlantAction[];
      try {
        const res = await api.syncPlant({ nowMs: Math.round(sim.nowMs), afterSeq: appliedSeq, events });
        actions = res.actions;
      } catch (e) {
        stats.failedSyncs++;
        logger?.warn({ err: (e as Error).message, pending: pending.length }, 'plant floor: sync failed, events kept for the next sync');
        return false;
      }
      pending.splice(0, events.length);
      stats.eventsSent += events.length;
      for (const a of [...actions].sort((x, y) => x.seq - y.seq)) apply(a);
      return true;
    },
    get appliedSeq() {
      return appliedSeq;
    },
    stats: () => ({ ...stats }),
  };
}
