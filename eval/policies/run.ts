// What one policy run leaves behind for scoring: ground truth, downtime, the enterprise's orders,
// and (predictive only) what the edge and cloud said along the way.
import type { DataQualityEvent, GroundTruthRecord, Incident } from '../../src/core/index.ts';
import type { MachineDowntime } from '../../src/simulator/index.ts';

export type PolicyName = 'predictive' | 'preventive' | 'reactive';
export const POLICY_NAMES: readonly PolicyName[] = ['predictive', 'preventive', 'reactive'];

/** The work-order fields scoring reads (a subset of the enterprise's WorkOrderRow). */
export interface WorkOrderLike {
  id: string;
  incidentId: string;
  machine: string;
  kind?: string;
  status: string;
  plannedCostCents: number;
  actualCostCents?: number | null;
  plannedSurchargeCents?: number;
  downtimeMs?: number | null;
  lateOrders?: number;
  latenessMs?: number;
  lostCapacityMs?: number;
}

/** The purchase-order fields scoring reads. */
export interface PurchaseOrderLike {
  id: string;
  incidentId: string | null;
  totalCents: number;
  surchargeCents?: number;
  expedited: boolean;
  createdAtMs: number;
}

/** A raised maintenance alarm as the edge emitted it. */
export interface AlarmRecord {
  incidentId: string;
  machine: string;
  atMs: number;
  score: number;
  /** Wall ms from the window's arrival to the alarm, when the edge measured it. */
  windowToAlarmMs: number | null;
}

/** One point of a machine's status series (anomaly score and a few features over event time). */
export interface StatusPoint {
  ts: number;
  score: number;
  features: Record<string, number>;
}

export interface PolicyRun {
  policy: PolicyName;
  startMs: number;
  endMs: number;
  truth: GroundTruthRecord[];
  /** Planned/unplanned downtime per machine from the simulator. */
  downtime: Record<string, MachineDowntime>;
  workOrders: WorkOrderLike[];
  purchaseOrders: PurchaseOrderLike[];
  windows: number;
  wallMs: number;
  /** True when the plant floor synced with the enterprise (breakdowns reported, repairs applied). */
  closedLoop: boolean;
  notes: string[];
  alarms?: AlarmRecord[];
  quality?: DataQualityEvent[];
  incidents?: Incident[];
  /** Status series per machine (predictive), for the example-incident plot. */
  status?: Record<string, StatusPoint[]>;
}

/** Reads every page of a paginated enterprise list. */
export async function listAll<T>(list: (q: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const p = await list({ limit: 500, offset });
    out.push(...p.items);
    if (p.items.length < 500 || out.length >= p.total) return out;
  }
}
