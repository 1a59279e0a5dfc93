// Turns the policy runs of one scenario and seed into report.json: every figure under a stable
// name, so runs can be compared (detection.*, diagnosis.*, latency.*, policies.<name>.*).
import type { GroundTruthRecord } from '../../src/core/index.ts';
import { EnterpriseConfig } from '../../src/enterprise/index.ts';
import type { PolicyName, PolicyRun } from '../policies/run.ts';
import { percentiles, scoreBusiness, scoreDetection, scoreDiagnosis, scoreRul, type BusinessFigures, type Percentiles, type RulSample } from '../scoring/index.ts';
import type { EvalSetup } from '../setup.ts';
import { scoreRulAtLastUpdate, type RulUpdateReport } from '../scoring/rul-updates.ts';

const HOUR_MS = 3_600_000;

export interface PolicyFigures extends BusinessFigures {
  /** totalCost of reactive minus this policy's: what the policy saves, EUR (null without a reactive run). */
  savingVsReactiveEur: number | null;
  windows: number;
  wallSeconds: number;
  closedLoop: boolean;
  notes: string[];
}

export interface ExampleIncident {
  machine: string;
  fault: string;
  feature: string;
  series: { ts: number; score: number; feature: number | null }[];
  onsetMs: number;
  detectableMs: number | null;
  alarmMs: number | null;
  failureMs: number;
  failedAtMs: number | null;
  repairedAtMs: number | null;
}

export interface EvalReport {
  version: 1;
  generatedAt: string;
  scenario: {
    name: string; description: string; seed: number; seedSet: 'tuning' | 'testing' | 'other'; durationHours: number; machines: number;
    machineFaults: number; sensorFaults: number; needs: string[];
  };
  detection: null | {
    precision: number; recall: number; f1: number; faults: number; detected: number; falseAlarms: number; duplicateAlarms: number; lateAlarms: number;
    maintenanceAlarms: number; leadTimeHours: number[]; leadTimeMedianHours: number | null; leadShareMedian: number | null;
    falseAlarmsPerMachineMonth: number; qualityEvents: number; sensorFaults: number; sensorFaultsFlagged: number; alarmsDuringSensorFaults: number;
  };
  diagnosis: null | {
    macroF1: number; accuracy: number; incidents: number; labels: string[]; confusion: Record<string, Record<string, number>>;
    rul: { n: number; meanAbsErrorHours: number | null; medianErrorHours: number | null; meanRelativeError: number | null; phm08Score: number | null; errorsHours: number[] };
    /** The same error at the last evidence update before the fault ended (rul-updates.ts). */
    rulLastUpdate?: RulUpdateReport;
  };
  latency: null | { windowToAlarmMs: Percentiles; alarmToCloudMs: Percentiles; cloudToDecisionMs: Percentiles; diagnosisToPurchaseOrderMs: Percentiles };
  policies: Partial<Record<PolicyName, PolicyFigures>>;
  /** Policies asked for but not run, with the reason. */
  skipped: Partial<Record<PolicyName, string>>;
  business: { productionValuePerHourEur: number; productionShare: number; currency: 'EUR' };
  example: ExampleIncident | null;
}

/** Which seed set a seed belongs to in the scenario. */
function seedSet(setup: EvalSetup): EvalReport['scenario']['seedSet'] {
  if (setup.scenario.seeds.testing.includes(setup.seed)) return 'testing';
  if (setup.scenario.seeds.tuning.includes(setup.seed)) return 'tuning';
  return 'other';
}

/** Share of the clock production is scheduled in the enterprise's default calendar. */
export function productionShare(): number {
  const c = EnterpriseConfig.parse({});
  return Math.min(1, (c.shiftsPerDay * c.productionOrderMs) / (24 * HOUR_MS));
}

/** Prefers a feature the reader knows (vibration velocity per ISO 20816), else the first one present. */
function pickFeature(series: { features: Record<string, number> }[]): string {
  const names = new Set(series.flatMap((p) => Object.keys(p.features)));
  return ['velocity_rms', 'rms', 'temp_bearing'].find((n) => names.has(n)) ?? [...names][0] ?? 'score';
}

function example(run: PolicyRun | undefined, outcomes: { truthId: string; firstAlarm: { atMs: number } | null }[]): ExampleIncident | null {
  if (!run?.status) return null;
  const byId = new Map(run.truth.map((t) => [t.id, t]));
  const ranked = [...outcomes].sort((a, b) => Number(b.firstAlarm !== null) - Number(a.firstAlarm !== null));
  for (const o of ranked) {
    const t = byId.get(o.truthId);
    const pts = t && run.status[t.machine];
    if (!t || !pts || pts.length < 2) continue;
    const feature = pickFeature(pts);
    return {
      machine: t.machine, fault: t.fault, feature,
      series: pts.map((p) => ({ ts: p.ts, score: p.score, feature: p.features[feature] ?? null })),
      onsetMs: t.onsetMs, detectableMs: t.detectableMs, alarmMs: o.firstAlarm?.atMs ?? null, failureMs: t.failureMs, failedAtMs: t.failedAtMs, repairedAtMs: t.repairedAtMs,
    };
  }
  return null;
}

/** Builds the report from the runs (any subset of the three policies). */
export function buildReport(setup: EvalSetup, runs: PolicyRun[], skipped: EvalReport['skipped'] = {}): EvalReport {
  const byPolicy = new Map(runs.map((r) => [r.policy, r]));
  const pred = byPolicy.get('predictive');
  const share = productionShare();
  const valuePerHour = setup.scenario.business.productionValuePerHourEur;

  let detection: EvalReport['detection'] = null;
  let diagnosis: EvalReport['diagnosis'] = null;
  let latency: EvalReport['latency'] = null;
  let outcomes: ReturnType<typeof scoreDetection>['outcomes'] = [];
  if (pred?.alarms) {
    const d = scoreDetection({
      truth: pred.truth, alarms: pred.alarms, qualityEvents: (pred.quality ?? []).map((q) => ({ machine: q.machine, channel: q.channel, atMs: q.ts })),
      startMs: pred.startMs, endMs: pred.endMs, machines: setup.machines,
    });
    outcomes = d.outcomes;
    const { outcomes: _o, leadTimeHours, ...rest } = d;
    detection = { ...rest, leadTimeHours, maintenanceAlarms: pred.alarms.length };
    const incidents = new Map((pred.incidents ?? []).map((i) => [i.escalation.id, i]));
    const truthById = new Map<string, GroundTruthRecord>(pred.truth.map((t) => [t.id, t]));
    const detected = d.outcomes.filter((o) => o.firstAlarm !== null);
    const diag = scoreDiagnosis(detected.map((o) => ({ truth: o.fault, predicted: incidents.get(o.firstAlarm!.incidentId)?.diagnosis?.faultType ?? null })));
    const rulSamples: RulSample[] = detected.flatMap((o) => {
      const rul = incidents.get(o.firstAlarm!.incidentId)?.diagnosis?.rul;
      const t = truthById.get(o.truthId)!;
      return rul ? [{ truthId: o.truthId, atMs: o.firstAlarm!.atMs, predictedFailureMs: rul.failureAtMs.p50, trueFailureMs: t.failureMs, predictedP10Ms: rul.failureAtMs.p10, predictedP90Ms: rul.failureAtMs.p90 }] : [];
    });
    const rul = scoreRul(rulSamples);
    diagnosis = { macroF1: diag.macroF1, accuracy: diag.accuracy, incidents: diag.incidents, labels: diag.labels, confusion: diag.confusion, rul: { ...rul } };
    diagnosis.rulLastUpdate = scoreRulAtLastUpdate(detected.map((o) => { const t = truthById.get(o.truthId)!; return { truthId: o.truthId, incidentId: o.firstAlarm!.incidentId, trueFailureMs: t.failureMs, endedAtMs: t.repairedAtMs ?? t.failedAtMs }; }), incidents);
    const incs = pred.incidents ?? [];
    const poCreated = new Map(pred.purchaseOrders.filter((p) => p.incidentId).map((p) => [p.incidentId!, p.createdAtMs]));
    latency = {
      windowToAlarmMs: percentiles(pred.alarms.flatMap((a) => (a.windowToAlarmMs === null ? [] : [a.windowToAlarmMs]))),
      alarmToCloudMs: percentiles(incs.map((i) => i.receivedAtMs - i.escalation.sentAtMs)),
      cloudToDecisionMs: percentiles(incs.flatMap((i) => (i.decidedAtMs === null ? [] : [i.decidedAtMs - i.receivedAtMs]))),
      diagnosisToPurchaseOrderMs: percentiles(incs.flatMap((i) => {
        const at = poCreated.get(i.escalation.id);
        return at === undefined ? [] : [at - i.receivedAtMs];
      })),
    };
  }

  const policies: EvalReport['policies'] = {};
  for (const r of runs) {
    const b = scoreBusiness({ downtime: r.downtime, workOrders: r.workOrders, purchaseOrders: r.purchaseOrders, truth: r.truth, productionValuePerHourEur: valuePerHour, productionShare: share });
    policies[r.policy] = { ...b, savingVsReactiveEur: null, windows: r.windows, wallSeconds: r.wallMs / 1000, closedLoop: r.closedLoop, notes: r.notes };
  }
  const reactive = policies.reactive;
  if (reactive) for (const p of Object.values(policies)) p.savingVsReactiveEur = reactive.totalCost - p.totalCost;

  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    scenario: {
      name: setup.scenario.name, description: setup.scenario.description, seed: setup.seed, seedSet: seedSet(setup), durationHours: setup.durationMs / HOUR_MS,
      machines: setup.machines, machineFaults: setup.faults.length, sensorFaults: setup.sensorFaults.length, needs: setup.scenario.needs,
    },
    detection, diagnosis, latency, policies, skipped,
    business: { productionValuePerHourEur: valuePerHour, productionShare: share, currency: 'EUR' },
    example: example(pred, outcomes),
  };
}
