// Business figures of one maintenance policy: downtime, maintenance and parts cost (expedite
// surcharges included), production lost and late orders, and one total to compare policies.
import type { GroundTruthRecord } from '../../src/core/index.ts';

const HOUR_MS = 3_600_000;

export interface BusinessInput {
  /** Planned/unplanned downtime per machine, ms (the simulator's account). */
  downtime: Record<string, { plannedMs: number; unplannedMs: number }>;
  workOrders: {
    kind?: string;
    status: string;
    plannedCostCents: number;
    actualCostCents?: number | null;
    plannedSurchargeCents?: number;
    lateOrders?: number;
    latenessMs?: number;
    lostCapacityMs?: number;
  }[];
  purchaseOrders: { surchargeCents?: number; expedited: boolean }[];
  truth: GroundTruthRecord[];
  /** Value of one machine-hour of lost production, EUR. */
  productionValuePerHourEur: number;
  /**
   * Share of the clock the machines are scheduled to produce: a breakdown loses production only
   * in scheduled hours. The enterprise schedules 2 shifts of 8 h a day by default (2/3).
   */
  productionShare: number;
}

export interface BusinessFigures {
  unplannedDowntimeHours: number;
  plannedDowntimeHours: number;
  /** Machine faults that ended in a functional failure (breakdown). */
  failures: number;
  workOrders: number;
  breakdownWorkOrders: number;
  completedWorkOrders: number;
  /** Labour and parts of every work order (actual cost when completed, else planned), EUR, surcharges included. */
  maintenanceCostEur: number;
  expediteSurchargeEur: number;
  expeditedPurchaseOrders: number;
  /** Unplanned downtime in scheduled hours plus capacity the MES could not re-place around planned windows, hours. */
  lostProductionHours: number;
  productionLostEur: number;
  lateOrders: number;
  latenessHours: number;
  /** maintenanceCostEur + productionLostEur. */
  totalCost: number;
}

/** Computes a policy's business figures; money in EUR, time in hours. */
export function scoreBusiness(input: BusinessInput): BusinessFigures {
  const down = Object.values(input.downtime);
  const unplannedMs = down.reduce((s, d) => s + d.unplannedMs, 0);
  const plannedMs = down.reduce((s, d) => s + d.plannedMs, 0);
  const wos = input.workOrders.filter((w) => w.status !== 'cancelled');
  const costCents = wos.reduce((s, w) => s + (w.actualCostCents ?? w.plannedCostCents), 0);
  const surchargeCents = input.purchaseOrders.reduce((s, p) => s + (p.surchargeCents ?? 0), 0);
  const lostCapacityMs = wos.reduce((s, w) => s + (w.lostCapacityMs ?? 0), 0);
  const lostProductionHours = (unplannedMs * input.productionShare + lostCapacityMs) / HOUR_MS;
  const productionLostEur = lostProductionHours * input.productionValuePerHourEur;
  const maintenanceCostEur = costCents / 100;
  return {
    unplannedDowntimeHours: unplannedMs / HOUR_MS,
    plannedDowntimeHours: plannedMs / HOUR_MS,
    failures: input.truth.filter((t) => t.kind === 'machine' && t.failedAtMs !== null).length,
    workOrders: wos.length,
    breakdownWorkOrders: wos.filter((w) => w.kind === 'breakdown').length,
    completedWorkOrders: wos.filter((w) => w.status === 'completed').length,
    maintenanceCostEur,
    expediteSurchargeEur: surchargeCents / 100,
    expeditedPurchaseOrders: input.purchaseOrders.filter((p) => p.expedited).length,
    lostProductionHours,
    productionLostEur,
    lateOrders: wos.reduce((s, w) => s + (w.lateOrders ?? 0), 0),
    latenessHours: wos.reduce((s, w) => s + (w.latenessMs ?? 0), 0) / HOUR_MS,
    totalCost: maintenanceCostEur + productionLostEur,
  };
}
