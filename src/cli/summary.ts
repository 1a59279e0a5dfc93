// The demo's summary: what the plant did (ground truth) against what the pipeline did.
import { FAULT_COMPONENT, type FaultType } from '../core/index.ts';
import type { Pipeline } from './pipeline.ts';

export interface DemoSummary {
  machines: number;
  faultsInjected: number;
  alarms: number;
  diagnoses: number;
  notifications: number;
  purchaseOrders: number;
  workOrders: number;
  /** Work orders of this run's incidents that completed (the repair ran in its window). */
  workOrdersCompleted: number;
  /** Machine faults that ended in a functional failure (unplanned downtime). */
  breakdowns: number;
  /** Repaired incidents whose finding went back to the cloud's case library. */
  confirmedCases: number;
  plannedDowntimeHours: number;
  unplannedDowntimeHours: number;
  /** Data-quality (sensor fault) events raised at the edges. */
  dataQualityEvents: number;
  rightPartOrders: number;
  simulatedHours: number;
  windows: number;
  deadLetters: number;
  pendingOutbox: number;
  /** Wall time from a window's arrival at the edge to its local command being handed to the broker, ms (worst site). */
  commandLatencyMsP50: number;
  commandLatencyMsP99: number;
  wallSeconds: number;
}

/** Reconciles ground truth, edge, cloud and ERP/MES rows of this run (filtered by this run's incident ids). */
export async function summarize(p: Pipeline, run: { windows: number; wallMs: number }): Promise<DemoSummary> {
  const edges = [...p.edges.values()].map((e) => e.stats());
  const incidents = p.cloud.incidents();
  const ids = new Set(incidents.map((i) => i.escalation.id));
  const machineOf = new Map(incidents.map((i) => [i.escalation.id, i.escalation] as const));

  const [pos, notes, wos, bom] = await Promise.all([
    listAll((q) => p.enterprise.listPurchaseOrders(q)),
    listAll((q) => p.enterprise.listNotifications(q)),
    listAll((q) => p.enterprise.listWorkOrders(q)),
    listAll((q) => p.enterprise.listBom(q)),
  ]);
  const mine = <T extends { incidentId: string }>(rows: T[]) => rows.filter((r) => ids.has(r.incidentId));
  // Reorder purchase orders (stock replenishment) belong to no incident.
  const myPos = mine(pos.filter((po): po is typeof po & { incidentId: string } => po.incidentId !== null));

  // A purchase order names the right part when its material is the BOM entry of the component
  // that the machine's injected fault (ground truth) destroys.
  const truth = p.sim.groundTruth();
  const rightPartOrders = myPos.filter((po) => {
    const esc = machineOf.get(po.incidentId);
    const gt = truth.find((g) => g.kind === 'machine' && g.machine === esc?.machine && g.onsetMs <= (esc?.openedAt ?? 0));
    if (!gt || !esc) return false;
    const part = bom.find((b) => b.machineType === esc.machineType && b.component === FAULT_COMPONENT[gt.fault as FaultType]);
    return part !== undefined && part.materialId === po.materialId;
  }).length;

  const endMs = p.sim.nowMs;
  const down = Object.values(p.sim.downtime());
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;
  return {
    machines: p.sim.births.length,
    faultsInjected: p.faults.filter((f) => f.onsetMs < endMs).length,
    alarms: edges.reduce((s, e) => s + e.alarms, 0),
    diagnoses: incidents.filter((i) => i.diagnosis).length,
    notifications: mine(notes).length,
    purchaseOrders: myPos.length,
    workOrders: mine(wos).length,
    workOrdersCompleted: mine(wos).filter((w) => (w as { status?: string }).status === 'completed').length,
    breakdowns: truth.filter((t) => t.kind === 'machine' && t.failedAtMs !== null).length,
    confirmedCases: p.confirmed.size,
    plannedDowntimeHours: hours(down.reduce((a, d) => a + d.plannedMs, 0)),
    unplannedDowntimeHours: hours(down.reduce((a, d) => a + d.unplannedMs, 0)),
    dataQualityEvents: edges.reduce((a, e) => a + e.qualityRaised, 0),
    rightPartOrders,
    simulatedHours: Math.round(((endMs - p.startMs) / 3_600_000) * 10) / 10,
    windows: run.windows,
    deadLetters: edges.reduce((s, e) => s + e.deadLetters, 0),
    pendingOutbox: edges.reduce((s, e) => s + e.pendingOutbox, 0),
    commandLatencyMsP50: round2(Math.max(0, ...edges.map((e) => e.commandLatencyMsP50))),
    commandLatencyMsP99: round2(Math.max(0, ...edges.map((e) => e.commandLatencyMsP99))),
    wallSeconds: Math.round(run.wallMs / 100) / 10,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function listAll<T>(page: (q: { limit: number; offset: number }) => Promise<{ items: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += 500) {
    const r = await page({ limit: 500, offset });
    out.push(...r.items);
    if (r.items.length < 500 || out.length >= r.total) return out;
  }
}

/** The summary as a two-column text table for people. */
export function formatSummary(s: DemoSummary): string {
  const rows: [string, string | number][] = [
    ['machines', s.machines],
    ['faults injected', s.faultsInjected],
    ['alarms', s.alarms],
    ['diagnoses', s.diagnoses],
    ['notifications', s.notifications],
    ['purchase orders', s.purchaseOrders],
    ['work orders', s.workOrders],
    ['orders with the right part', `${s.rightPartOrders} of ${s.purchaseOrders}`],
    ['work orders completed (repaired)', `${s.workOrdersCompleted} of ${s.workOrders}`],
    ['cases confirmed to the cloud', s.confirmedCases],
    ['breakdowns (unplanned)', s.breakdowns],
    ['downtime planned / unplanned h', `${s.plannedDowntimeHours} / ${s.unplannedDowntimeHours}`],
    ['data-quality events', s.dataQualityEvents],
    ['simulated hours', s.simulatedHours],
    ['telemetry windows', s.windows],
    ['dead letters', s.deadLetters],
    ['escalations not yet acked', s.pendingOutbox],
    ['window → command p50 / p99 ms', `${s.commandLatencyMsP50} / ${s.commandLatencyMsP99}`],
    ['wall seconds', s.wallSeconds],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
