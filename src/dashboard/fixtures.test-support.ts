// Test fixtures for the dashboard: a hand-driven source, a fleet of any size, a decided incident
// with spectra, a fake enterprise API shaped like src/enterprise's routes, and a sovereignty source.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { DashboardEvent, DashboardSource, DashboardState, FleetMachine, Incident } from '../core/index.ts';
import type { SovereigntySource } from './sovereignty.ts';

export const T0 = Date.UTC(2026, 0, 5, 6, 0);
/** Wall clock of the fixtures' alarm (the edge's sentAtMs); the cloud and the ERP stamp ms after it. */
export const W0 = 1_767_600_000_000;
const HOUR = 3_600_000;
const TYPES = ['centrifugal-pump', 'induction-motor', 'fan'] as const;

/** A source the test drives by hand. */
export function fakeSource(machines: FleetMachine[] = []): DashboardSource & { push(e: DashboardEvent): void; listeners: Set<(e: DashboardEvent) => void>; state: DashboardState } {
  const listeners = new Set<(e: DashboardEvent) => void>();
  const state: DashboardState = { generatedAtMs: 1, machines, incidents: [], stats: { 'cloud.intake.received': 0 } };
  return {
    listeners,
    state,
    snapshot: () => state,
    subscribe(l) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    push(e) {
      if (e.type === 'status') {
        const i = state.machines.findIndex((m) => m.machine === e.machine.machine && m.site === e.machine.site);
        if (i >= 0) state.machines[i] = e.machine; else state.machines.push(e.machine);
      } else {
        const i = state.incidents.findIndex((x) => x.escalation.id === e.incident.escalation.id);
        if (i >= 0) state.incidents[i] = e.incident; else state.incidents.unshift(e.incident);
      }
      for (const l of listeners) l(e);
    },
  };
}

/** Machine number `i` of a fleet: sites of 50 machines, lines of 10; a few in alarm, one stopped. */
export function fleetMachine(i: number, tMs = T0, state?: 'learning' | 'normal' | 'alarm' | 'stopped'): FleetMachine {
  const site = `site-${String.fromCharCode(97 + Math.floor(i / 50) % 26)}${i >= 1300 ? Math.floor(i / 1300) : ''}`;
  const line = `line-${Math.floor(i / 10) % 5 + 1}`;
  const machineType = TYPES[i % 3]!;
  const machine = `${machineType === 'centrifugal-pump' ? 'pump' : machineType === 'induction-motor' ? 'motor' : 'fan'}-${String(i + 1).padStart(3, '0')}`;
  const st = state ?? (i % 97 === 3 ? 'alarm' : i % 211 === 5 ? 'stopped' : i % 53 === 7 ? 'learning' : 'normal');
  const score = st === 'alarm' ? 7 + (i % 5) : 0.5 + (i % 7) / 10;
  return {
    site, line, machine, machineType,
    status: { v: 1, site, line, machine, machineType, ts: tMs, state: st, score, windows: 100, features: { rms: 1 + (i % 4) / 10, velocity_rms: 2 + (i % 3) / 10, temp_bearing: 55 + (i % 9) } },
    lastSeenMs: tMs,
    openIncidents: [],
  };
}

/** An evenly binned spectrum with Gaussian peaks at `peaksHz` (amplitudes decaying with order). */
function spectrum(binHz: number, n: number, peaksHz: number[], floor: number): { binHz: number; values: number[] } {
  const values = Array.from({ length: n }, (_, k) => floor * (1 + 0.3 * Math.sin(k * 1.7)));
  peaksHz.forEach((f, j) => {
    for (let k = 0; k < n; k++) values[k]! += (1 / (1 + j * 0.6)) * Math.exp(-(((k * binHz - f) / (binHz * 0.8)) ** 2));
  });
  return { binHz, values };
}

/** An outer-race incident at `m`, optionally diagnosed and decided (with its purchase order and work order ids). */
export function fullIncident(m: FleetMachine, stage: 'escalation' | 'diagnosis' | 'decision', openedAt = T0 + 8 * HOUR): Incident {
  const id = `${m.site}.${m.machine}.${openedAt}`;
  const shaftHz = 24.6, bpfo = 3.585;
  const base: Incident = {
    escalation: {
      v: 1, id, site: m.site, line: m.line, machine: m.machine, machineType: m.machineType, openedAt, severity: 'critical', score: 9.1, sentAtMs: W0,
      evidence: {
        features: { rms: 2.4 }, baseline: { rms: { median: 1.1, mad: 0.1 } }, shaftHz,
        envelopeDefectRatios: { bpfo: 9, bpfi: 1, bsf: 1.1, ftf: 1 }, defectOrders: { bpfo, bpfi: 5.415, bsf: 2.357, ftf: 0.398 },
        orderAmplitudes: { x1: 1.2, x2: 0.3, x3: 0.1 }, topEnvelopePeaks: [],
        spectra: { velocity: spectrum(2, 256, [shaftHz, 2 * shaftHz, 3 * shaftHz], 0.02), envelope: spectrum(1, 400, [bpfo * shaftHz, 2 * bpfo * shaftHz, 3 * bpfo * shaftHz], 0.05) },
      },
    },
    receivedAtMs: W0 + 140,
    diagnosis: null, request: null, outcome: null, decidedAtMs: null,
  };
  if (stage === 'escalation') return base;
  base.diagnosis = {
    v: 1, escalationId: id, faultType: 'bearing-outer-race', component: 'drive-end-bearing', confidence: 0.93,
    explanation: 'Outer race: envelope peak at 3.58x shaft speed with 3 harmonics', similarCases: 4,
    rul: { healthIndicator: 0.4, feature: 'rms', failureLevel: 'ISO 10816 zone D', medianDays: 12.5, p10Days: 6.1, p90Days: 21.3, failureAtMs: { p10: openedAt + 6.1 * 24 * HOUR, p50: openedAt + 12.5 * 24 * HOUR, p90: openedAt + 21.3 * 24 * HOUR }, readings: 40, prior: { source: 'fleet', curves: 3, rateMeanPerDay: 0.05 }, asOfMs: openedAt },
  };
  if (stage === 'diagnosis') return base;
  base.request = {
    v: 1, incidentId: id, site: m.site, line: m.line, machine: m.machine, machineType: m.machineType, faultType: 'bearing-outer-race', component: 'drive-end-bearing',
    priority: 'high', dueBy: openedAt + 5 * 24 * HOUR, detectedAt: openedAt, explanation: 'x',
    economics: { option: 'next-window-expedited', repairAtMs: openedAt + 2 * 24 * HOUR, failureProbBeforeRepair: 0.04, expectedCostEur: 1830 },
  };
  base.outcome = { incidentId: id, notificationId: 'N-000042', purchaseOrderId: 'PO-000007', materialId: 'MAT-BRG-6205', workOrderId: 'WO-000009', movedProductionOrders: ['PRD-000101'], created: true };
  base.decidedAtMs = W0 + 390;
  return base;
}

/** A fake enterprise API (same paths and row shapes as src/enterprise) that requires `token`. */
export async function fakeEnterprise(token: string, incident: Incident | null, machines: FleetMachine[]): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const app = Fastify();
  const calls: string[] = [];
  const id = incident?.escalation.id ?? 'none';
  const m = incident?.escalation;
  const win = { start: T0 + 2 * 24 * HOUR + 22 * HOUR, end: T0 + 2 * 24 * HOUR + 26 * HOUR };
  const po = {
    id: 'PO-000007', incidentId: id, materialId: 'MAT-BRG-6205', materialDescription: 'Deep-groove ball bearing 6205', supplierId: 'SUP-1', supplierName: 'Nordic Bearings AB', site: m?.site ?? 'site-a',
    quantity: 1, unitPriceCents: 4200, totalCents: 4200 + 1500, expedited: true, late: false, status: 'shipped', orderedAtMs: (m?.openedAt ?? T0 + 8 * HOUR) + 320_000, expectedDeliveryMs: T0 + 2 * 24 * HOUR + 12 * HOUR,
    createdAtMs: W0 + 320, requisitionId: 'PR-1', surchargeCents: 1500, decision: 'expedite', confirmedAtMs: T0 + 10 * HOUR, shippedAtMs: T0 + 30 * HOUR, receivedAtMs: null,
  };
  const wo = {
    id: 'WO-000009', incidentId: id, notificationId: 'N-000042', machine: m?.machine ?? 'pump-001', component: 'drive-end-bearing', materialId: 'MAT-BRG-6205', plannedStartMs: win.start, plannedEndMs: win.end,
    status: 'released', plannedCostCents: 38000 + 5700, createdAtMs: W0 + 340, kind: 'predictive', faultType: 'bearing-outer-race', plannedLabourCents: 38000, plannedPartsCents: 4200, plannedSurchargeCents: 1500,
    partReadyMs: T0 + 2 * 24 * HOUR + 12 * HOUR, breakdownAtMs: null, actualStartMs: null, actualEndMs: null, actualCostCents: null, downtimeMs: null, ordersMoved: 1, lateOrders: 0, latenessMs: 0, lostCapacityMs: 0, windowReason: 'first free night window after the part arrives',
  };
  const orders = machines.slice(0, 12).flatMap((mm, j) => Array.from({ length: 8 }, (_, k) => ({
    id: `PRD-${String(100 + j * 8 + k + 1).padStart(6, '0')}`, product: `P-${j}`, quantity: 100, workCentre: mm.machine,
    startMs: T0 + k * 12 * HOUR, endMs: T0 + k * 12 * HOUR + 8 * HOUR, dueMs: T0 + k * 12 * HOUR + 24 * HOUR, status: 'planned',
  })));
  // The order the window displaced now runs on a sister machine (as the real MES moves it).
  const displaced = orders[6];
  const sister = machines[12] ?? machines[1];
  if (incident && displaced && sister) displaced.workCentre = sister.machine;
  const moves = incident ? [{ id: 1, productionOrderId: displaced?.id ?? 'PRD-x', incidentId: id, fromWorkCentre: m!.machine, toWorkCentre: sister?.machine ?? 'x', oldStartMs: displaced?.startMs ?? 0, oldEndMs: displaced?.endMs ?? 0, newStartMs: displaced?.startMs ?? 0, newEndMs: displaced?.endMs ?? 0, movedAtMs: T0 + 8 * HOUR }] : [];
  const page = (items: unknown[]) => ({ items, total: items.length, limit: 500, offset: 0 });
  app.addHook('onRequest', async (req, reply) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.headers.authorization !== `Bearer ${token}`) return reply.code(401).send({ error: 'unauthorized', message: 'a valid bearer token is required' });
  });
  app.get('/api/v1/clock', async () => ({ nowMs: T0 + 40 * HOUR }));
  app.get('/api/v1/incidents/:id', async (req, reply) => ((req.params as { id: string }).id === id && incident
    ? { notification: { id: 'N-000042', incidentId: id, text: 'Outer race defect on the drive-end bearing', detectedAtMs: m?.openedAt ?? T0, createdAtMs: W0 + 300 }, requisitions: [], purchaseOrders: [po], reservations: [], workOrder: wo, operations: [], productionMoves: moves, stockMovements: [], plantActions: [] }
    : reply.code(404).send({ error: 'not-found', message: 'no incident' })));
  app.get('/api/v1/purchase-orders', async () => page(incident ? [po] : []));
  app.get('/api/v1/work-orders', async () => page(incident ? [wo] : []));
  app.get('/api/v1/production-orders', async () => page(orders));
  app.get('/api/v1/production-moves', async () => page(moves));
  app.get('/api/v1/stock', async () => page([
    { materialId: 'MAT-BRG-6205', materialDescription: 'Deep-groove ball bearing 6205', site: 'site-a', storageLocation: 'MRO-1', quantity: 1, reservedQuantity: 1, availableQuantity: 0, reorderPoint: 1 },
    { materialId: 'MAT-SEAL-35', materialDescription: 'Shaft seal 35 mm', site: 'site-a', storageLocation: 'MRO-1', quantity: 6, reservedQuantity: 0, availableQuantity: 6, reorderPoint: 2 },
  ]));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`, calls, close: () => app.close() };
}

/** A sovereignty source with two sites, one grant revoked, and an intact audit chain. */
export function fakeSovereignty(): SovereigntySource {
  return {
    summary: async (): ReturnType<SovereigntySource['summary']> => ({
      sites: [
        { site: 'site-a', bytesOut: 1_234_567, messagesOut: 4210, classesOut: { status: 4000, evidence: 12, spectra: 12 }, blocked: 3, grant: 'active' as const },
        { site: 'site-b', bytesOut: 88_000, messagesOut: 300, classesOut: { status: 300 }, blocked: 0, grant: 'revoked' as const },
      ],
      audit: { ok: true, entries: 4522, firstBadSeq: null, lastCheckpointAtMs: T0 + 39 * HOUR },
    }),
  };
}
