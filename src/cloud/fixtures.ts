// Synthetic escalations for tests and demos: a healthy-looking baseline plus the evidence pattern
// each fault leaves (6205 bearing: BPFO = 3.585 orders at 24.75 Hz shaft speed).
import { EnterpriseApiError, type Escalation, type Evidence, type MaintenanceOutcome, type MaintenanceRequest } from '../core/index.ts';

const SHAFT_HZ = 24.75;
const BPFO_ORDER = 3.585;

/** Evidence of a machine running as it did while healthy. */
export function healthyEvidence(): Evidence {
  return {
    features: { 'accel.rmsMs2': 1.02, 'accel.kurtosis': 3.1, 'accel.crest': 3.4, 'vel.rmsMmS': 1.1, 'vel.x2MmS': 0.3, 'scalar.temp_bearing': 41 },
    baseline: {
      'accel.rmsMs2': { median: 1.0, mad: 0.05 },
      'accel.kurtosis': { median: 3.0, mad: 0.1 },
      'accel.crest': { median: 3.3, mad: 0.15 },
      'vel.rmsMmS': { median: 1.1, mad: 0.05 },
      'scalar.temp_bearing': { median: 40, mad: 1 },
      'vel.x2MmS': { median: 0.3, mad: 0.04 },
    },
    shaftHz: SHAFT_HZ,
    envelopeDefectRatios: { bpfo: 1.3, bpfi: 1.2, bsf: 1.1, ftf: 1.0 },
    orderAmplitudes: { x1: 1.0, x2: 0.3, x3: 0.1 },
    topEnvelopePeaks: [{ freqHz: SHAFT_HZ, order: 1, amplitude: 0.02 }],
  };
}

/** Evidence of an outer-race spall: a dominant envelope line at BPFO and its 2nd harmonic. */
export function outerRaceEvidence(): Evidence {
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'accel.kurtosis': 7.5, 'accel.crest': 6.2, 'accel.rmsMs2': 1.9 },
    envelopeDefectRatios: { bpfo: 9.1, bpfi: 1.4, bsf: 1.2, ftf: 1.1 },
    topEnvelopePeaks: [
      { freqHz: BPFO_ORDER * SHAFT_HZ, order: BPFO_ORDER, amplitude: 0.3 },
      { freqHz: 2 * BPFO_ORDER * SHAFT_HZ, order: 2 * BPFO_ORDER, amplitude: 0.12 },
      { freqHz: SHAFT_HZ, order: 1, amplitude: 0.04 },
    ],
  };
}

/** Evidence of shaft misalignment: 2x running speed above 1x and well above its healthy level. */
export function misalignmentEvidence(): Evidence {
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'vel.rmsMmS': 3.2, 'vel.x2MmS': 2.4 },
    orderAmplitudes: { x1: 1.5, x2: 2.4, x3: 0.6 },
  };
}

/** An escalation around the given evidence; fields can be overridden. */
export function sampleEscalation(evidence: Evidence = outerRaceEvidence(), overrides: Partial<Escalation> = {}): Escalation {
  const openedAt = Date.UTC(2026, 0, 5, 8, 0, 0);
  return {
    v: 1,
    id: `site-a.pump-1.${openedAt}`,
    site: 'site-a',
    line: 'line-1',
    machine: 'pump-1',
    machineType: 'centrifugal-pump',
    openedAt,
    severity: 'warning',
    score: 7.2,
    evidence,
    sentAtMs: openedAt,
    ...overrides,
  };
}

/**
 * The enterprise as an external system: records calls, idempotent per incidentId, can be told to
 * fail (the first `failFirst` calls answer `failStatus`, 503 by default) or to refuse every call
 * (`refuse`: a status and reason, e.g. 422 for a component with no BOM position).
 */
export function recordingEnterprise(opts: { failFirst?: number; failStatus?: number; delayMs?: number; refuse?: { status: number; reason: string } } = {}) {
  const calls: MaintenanceRequest[] = [];
  const created = new Map<string, MaintenanceOutcome>();
  let failures = opts.failFirst ?? 0;
  return {
    calls,
    async requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome> {
      calls.push(req);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.refuse) throw new EnterpriseApiError(opts.refuse.status, opts.refuse.reason);
      if (failures > 0) {
        failures--;
        throw new EnterpriseApiError(opts.failStatus ?? 503, 'ERP is down');
      }
      const prior = created.get(req.incidentId);
      if (prior) return { ...prior, created: false };
      const n = created.size + 1;
      const outcome: MaintenanceOutcome = {
        incidentId: req.incidentId,
        notificationId: `N-${n}`,
        purchaseOrderId: req.component ? `PO-${n}` : null,
        materialId: req.component ? `MAT-${req.component}` : null,
        workOrderId: `WO-${n}`,
        movedProductionOrders: [],
        created: true,
      };
      created.set(req.incidentId, outcome);
      return outcome;
    },
  };
}
