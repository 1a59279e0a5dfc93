// One incident through the cloud's analysis: the fleet-aware verdict, the health indicator and
// remaining life (with the fleet's confirmed curves as prior), and the costed decision; plus the
// two ways an incident changes later: new evidence (updateRul) and a confirmed repair (confirmCase).
// Writes here are keyed and idempotent (baselines by machine+feature, readings by event time), so
// running the analysis again on a redelivery changes nothing; the decision itself is committed by
// the intake in one transaction (repository.ts).
import { Escalation, type Diagnosis, type Evidence, type FaultType, type MachineType, type MaintenanceRequest, type SqlExecutor } from '../../core/index.ts';
import { decideWithRul } from '../decision.ts';
import type { DecisionEconomics, EconomicsConfig } from '../economics.ts';
import { weighOptions } from '../economics.ts';
import { FAULT_COMPONENT } from '../../core/index.ts';
import { DEFAULT_DEGRADATION, type HiPoint, type Posterior } from '../rul/degradation.ts';
import { historyReadings } from '../rul/own-trend.ts';
import type { OnsetPosterior } from '../rul/onset-fit.ts';
import { healthIndicator, type HealthReading } from '../rul/health-indicator.ts';
import { trendRate, withTrend, type TrendRate } from '../rul/trend-rate.ts';
import { DAY_MS, describeRul, estimateRul, priorFor, type RulSummary } from '../rul/rul.ts';
import { onsetPriorFor, type OnsetPriorFile, type OnsetRatePrior, type Recalibration } from '../rul/onset-prior.ts';
import type { PfInterval } from '../rul/pf-interval.ts';
import { HEALTH_SPECS, hiSpec } from '../rul/health-indicator.ts';
import { caseVector, fleetDeviations } from './fleet-compare.ts';
import { DEFAULT_FLEET_DIAGNOSIS, diagnoseWithFleet, faultLabel, type DiagnosisDetails, type FleetDiagnosisOptions } from './fleet-diagnosis.ts';
import { fleetBaselines, healthReadings, incidentRecord, libraryCases, recordBaseline, recordHealthMany, storeRul, upsertCase, type StoredCase } from './fleet-store.ts';

/** Everything stored with a diagnosis (diagnoses.details). */
export interface IncidentDetails extends DiagnosisDetails {
  rul: RulSummary | null;
  economics: DecisionEconomics | null;
}

/** Options of the analysis. */
export interface AnalysisOptions {
  fleet?: FleetDiagnosisOptions;
  economics?: EconomicsConfig;
}

/** The fleet's past HI curves of one fault (confirmed cases with at least 3 readings). */
function curvesOf(cases: StoredCase[], faultType: FaultType): HiPoint[][] {
  return cases.filter((c) => c.faultType === faultType && c.hiHistory.length >= 3).map((c) => c.hiHistory);
}

/**
 * RUL from an incident's readings (its own pre-alarm history among them, when the edge sent one),
 * with the prior of its fault from the library as a weak prior. Without a history, the evidence's
 * smoothed scalar slope (trend-rate.ts) sharpens the prior where the key feature carries one; with
 * a history that slope is the same data again and is left out.
 */
function rulFor(faultType: FaultType, machineType: MachineType, readings: { atMs: number; hi: number; sd: number }[], cases: StoredCase[], asOfMs: number, reading: HealthReading, ev: Evidence, onsetPriors?: OnsetPriorFile, detectedAtMs?: number) {
  const spec = hiSpec(HEALTH_SPECS[faultType]);
  const prior = priorFor(faultType, curvesOf(cases, faultType), DEFAULT_DEGRADATION);
  const history = readings.filter((r) => r.atMs < asOfMs).length >= 2;
  const trend = history ? undefined : trendRate(faultType, ev, reading);
  const onsetPrior = onsetPriorFor(faultType, curvesOf(cases, faultType), onsetPriors, machineType);
  const r = estimateRul(readings, trend ? withTrend(prior, trend) : prior, asOfMs, { feature: reading.feature, failureLevel: spec.why, staged: spec.staged !== undefined }, DEFAULT_DEGRADATION, onsetPrior, detectedAtMs);
  return r && { ...r, trend, history, onsetPrior };
}

/**
 * The remaining life at an escalation's first detection from its evidence alone (its pre-alarm
 * history and the alarm's reading, as analyseIncident records them) under the prior the given
 * confirmed cases imply: the pure part of analyseIncident, also replayed by eval/dev/rul-devset.ts
 * (`onsetPriors`: another default onset-rate prior than the shipped one, for its cross-validation).
 */
export function rulAtDetection(faultType: FaultType, esc: Escalation, cases: StoredCase[], onsetPriors?: OnsetPriorFile) {
  const d = detectionReadings(faultType, esc);
  if (!d) return undefined;
  const r = rulFor(faultType, esc.machineType, d.readings, cases, esc.openedAt, d.reading, esc.evidence, onsetPriors);
  return r && { ...r, reading: d.reading };
}

/**
 * An escalation's HI readings at first detection (its pre-alarm history and the alarm's reading),
 * as analyseIncident stores and reads them back: one per event time (the first wins), oldest first.
 */
export function detectionReadings(faultType: FaultType, esc: Escalation): { reading: HealthReading; readings: { atMs: number; hi: number; sd: number }[] } | undefined {
  const reading = healthIndicator(faultType, esc.evidence);
  if (!reading) return undefined;
  const all = [...historyReadings(faultType, esc.evidence, reading, esc.openedAt).filter((h) => h.atMs < esc.openedAt), { atMs: esc.openedAt, hi: reading.hi, sd: reading.sd }];
  const byTime = new Map<number, { atMs: number; hi: number; sd: number }>();
  for (const r of all) if (Number.isFinite(r.hi) && Number.isFinite(r.sd) && Number.isInteger(r.atMs) && !byTime.has(r.atMs)) byTime.set(r.atMs, r);
  return { reading, readings: [...byTime.values()].sort((a, b) => a.atMs - b.atMs) };
}

/**
 * An evidence update's HI reading and readings as updateRul records them: the update's own history
 * since the last reading and its reading at `atMs`, on the HI scale of the key feature with the
 * escalation's healthy levels where the update carries none.
 */
export function updateReadings(faultType: FaultType, esc: Escalation, evidence: Evidence, atMs: number): { reading: HealthReading; merged: Evidence; readings: { atMs: number; hi: number; sd: number }[] } | undefined {
  const merged: Evidence = { ...evidence, baseline: { ...esc.evidence.baseline, ...evidence.baseline } };
  const reading = healthIndicator(faultType, merged);
  if (!reading) return undefined;
  return { reading, merged, readings: [...historyReadings(faultType, merged, reading, atMs).filter((h) => h.atMs < atMs), { atMs, hi: reading.hi, sd: reading.sd }] };
}

/**
 * The remaining life after each of an escalation's evidence updates (oldest first), from its
 * evidence alone as updateRul refits it: the pure part of updateRul, replayed by
 * eval/dev/rul-devset.ts. Readings are keyed by event time, the first one stored wins (as the store's).
 */
export function rulAtUpdates(faultType: FaultType, esc: Escalation, updates: { ts: number; evidence: Evidence }[], cases: StoredCase[], onsetPriors?: OnsetPriorFile) {
  const byTime = new Map<number, { atMs: number; hi: number; sd: number }>();
  const add = (rs: { atMs: number; hi: number; sd: number }[]) => {
    for (const r of rs) if (Number.isFinite(r.hi) && Number.isFinite(r.sd) && Number.isInteger(r.atMs) && !byTime.has(r.atMs)) byTime.set(r.atMs, r);
  };
  add(detectionReadings(faultType, esc)?.readings ?? []);
  return [...updates].sort((a, b) => a.ts - b.ts).map((u) => {
    const d = updateReadings(faultType, esc, u.evidence, u.ts);
    if (!d) return { atMs: u.ts, rul: undefined };
    add(d.readings);
    const readings = [...byTime.values()].sort((a, b) => a.atMs - b.atMs);
    return { atMs: u.ts, rul: rulFor(faultType, esc.machineType, readings, cases, u.ts, d.reading, d.merged, onsetPriors, esc.openedAt) };
  });
}

/** Where the rate came from, whether a P–F interval joined (or alone gave) the estimate, and whether it was recalibrated: the explanation's clauses. */
export function trendClause(r: { trend?: TrendRate; history: boolean; posterior?: Posterior; onset?: OnsetPosterior; points: number; onsetPrior?: OnsetRatePrior; recalibration?: Recalibration; pfInterval?: PfInterval; pfAlone?: boolean; pfWeight?: number }): string[] {
  const median = (pf: PfInterval) => `median ${(Math.exp(pf.lnDaysMean) * 24).toPrecision(2)} h, shipped default`;
  if (r.pfAlone && r.pfInterval) {
    const pf = r.pfInterval;
    const why = r.pfWeight === 1 ? 'on held-out past cases of this fault it predicted better than this gauge\'s early readings (stacking)' : 'this gauge grows in stages, its early rise does not extrapolate';
    return [`from the P–F interval of ${pf.cases} past cases of this fault after their first alarm alone (${median(pf)}): ${why}`];
  }
  const pf = r.pfInterval ? [`combined with the P–F interval of ${r.pfInterval.cases} past cases of this fault after their first alarm (${median(r.pfInterval)})`] : [];
  const recal = r.recalibration ? [`interval recalibrated on the shipped default's held-out cases (median at its raw ${Math.round(r.recalibration.p50 * 100)} % quantile)`] : [];
  const stacked = r.pfWeight !== undefined && r.pfInterval
    ? [`recalibrated on the shipped default's held-out cases and mixed ${Math.round(r.pfWeight * 100)} % with that interval alone, the share that predicted held-out past cases of this fault best (stacking)`]
    : [];
  return [...rateClause(r), ...pf, ...recal, ...stacked];
}

/** Where the rate came from. */
function rateClause(r: { trend?: TrendRate; history: boolean; posterior?: Posterior; onset?: OnsetPosterior; points: number; onsetPrior?: OnsetRatePrior }): string[] {
  const from = r.onsetPrior && (r.onsetPrior.source === 'fleet' ? `the rates of ${r.onsetPrior.curves} confirmed curves of this fault` : 'the shipped default rate of this fault (simulator curves)');
  if (r.onset) {
    const weighed = from ? `, weighed with ${from}` : '';
    return [`degradation from this machine's own trend over ${r.onset.points} readings (exponential growth from its onset${weighed}): ${(r.onset.rateMedianPerDay / 24).toPrecision(2)} per hour`];
  }
  if (r.points === 0 && from) return [`no rise of the gauge above its noise yet: remaining life bounded by ${from}`];
  const d = r.posterior?.dataRate;
  if (r.history && d && r.points >= 3) {
    return [`degradation rate from this machine's own trend over ${r.points} readings: ${(d.ratePerDay / 24).toPrecision(2)} per hour (±${(d.sePerDay / 24).toPrecision(1)}) in ln(HI)`];
  }
  return r.trend ? [`degradation rate also read from this machine's own trend (${r.trend.slopeFeature})`] : [];
}

/**
 * Analyses an escalation: records the machine's baseline in the fleet table, diagnoses against the
 * fleet and the library, records the first HI reading, estimates the RUL and decides. Returns the
 * diagnosis (explanation with remaining life and decision), the maintenance request and the details.
 */
export async function analyseIncident(
  db: SqlExecutor,
  esc: Escalation,
  opts: AnalysisOptions = {},
): Promise<{ diagnosis: Diagnosis; request: MaintenanceRequest; details: IncidentDetails }> {
  await recordBaseline(db, esc);
  const [baselines, cases] = await Promise.all([fleetBaselines(db, esc.machineType), libraryCases(db, esc.machineType)]);
  const { diagnosis, details, explain } = diagnoseWithFleet(esc, { baselines, cases }, opts.fleet ?? DEFAULT_FLEET_DIAGNOSIS);

  let rul: RulSummary | null = null;
  let probWithin: ((tMs: number) => number) | null = null;
  let trendNote: string[] = [];
  if (diagnosis.faultType !== 'unknown') {
    const reading = healthIndicator(diagnosis.faultType, esc.evidence);
    if (reading) {
      // The machine's own history before the alarm joins the incident's readings (keyed by event
      // time: a redelivery adds nothing), so updates and a later confirmed case carry it too.
      await recordHealthMany(db, esc.id, [...historyReadings(diagnosis.faultType, esc.evidence, reading, esc.openedAt).filter((h) => h.atMs < esc.openedAt), { atMs: esc.openedAt, hi: reading.hi, sd: reading.sd }]);
      const readings = await healthReadings(db, esc.id);
      const r = rulFor(diagnosis.faultType, esc.machineType, readings, cases, esc.openedAt, reading, esc.evidence);
      if (r) {
        rul = r.summary;
        trendNote = trendClause(r);
        probWithin = (tMs) => r.estimate.failureProbWithin(tMs / DAY_MS);
        await storeRul(db, esc.id, esc.openedAt, rul);
      }
    }
  }
  const { request, economics } = decideWithRul(esc, diagnosis, rul && probWithin ? { failureAtMs: rul.failureAtMs, failureProbWithinMs: probWithin } : null, esc.openedAt, opts.economics);
  const more = rul ? [describeRul(rul), ...trendNote] : diagnosis.faultType === 'unknown' ? [] : ['remaining life unknown (no healthy level of the key feature)'];
  const closing = economics ? `Decision: ${economics.summary}; plan the repair before ${new Date(request.dueBy).toISOString().slice(0, 16)}Z (predicted failure, 10 % quantile).` : '';
  const explanation = explain(more, closing);
  // The estimate travels with the diagnosis (Diagnosis.rul), so every reader of the incident sees the
  // remaining life it was decided on, not only the sentence; likewise the count of similar cases.
  const similarCases = details.neighbours.filter((n) => n.faultType === diagnosis.faultType).length;
  return {
    diagnosis: { ...diagnosis, explanation, rul, similarCases },
    request: { ...request, explanation },
    details: { ...details, rul, economics },
  };
}

/** Result of confirmCase. */
export type ConfirmResult = { ok: true; cases: number } | { ok: false; reason: string };

/**
 * Adds a repaired incident to the library under the fault the repair found (the lead calls it when
 * a work order completes). Its deviation vector and its HI history become a labelled case and a
 * run-to-failure curve for later incidents of its machine type. Idempotent; a relabel replaces.
 */
export async function confirmCase(db: SqlExecutor, incidentId: string, faultType: FaultType, atMs: number = Date.now(), opened?: Escalation): Promise<ConfirmResult> {
  const rec = await incidentRecord(db, incidentId);
  if (!rec) return { ok: false, reason: `no incident ${incidentId}` };
  // `opened`: the escalation read through the guard when its evidence is stored sealed (rec.payload is then its header).
  const esc = Escalation.safeParse(opened ?? rec.payload);
  if (!esc.success) return { ok: false, reason: 'stored escalation no longer parses' };
  const e = esc.data;
  const baselines = await fleetBaselines(db, e.machineType);
  const vector = caseVector(e.evidence, fleetDeviations(e.evidence.features, baselines, e));
  let readings = await healthReadings(db, incidentId);
  if (readings.length === 0 || (rec.faultType !== faultType && rec.faultType !== null)) {
    // Diagnosed as another fault (or not at all): the HI of the confirmed fault from the first evidence.
    const r = healthIndicator(faultType, e.evidence);
    readings = r ? [{ atMs: e.openedAt, hi: r.hi, sd: r.sd }] : [];
  }
  const t0 = readings[0]?.atMs ?? e.openedAt;
  const hiHistory: HiPoint[] = readings.map((r) => ({ tDays: (r.atMs - t0) / DAY_MS, hi: r.hi, sd: r.sd }));
  await upsertCase(db, { incidentId, machineType: e.machineType, site: e.site, machine: e.machine, faultType, vector, hiHistory, confirmedAtMs: atMs });
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM case_library WHERE machine_type = $1`, [e.machineType]);
  return { ok: true, cases: Number(rows[0]?.n ?? 0) };
}

/** Result of updateRul: the new estimate and the economics re-weighed at `atMs` (null when no HI). */
export type RulUpdate = { ok: true; rul: RulSummary; economics: DecisionEconomics; explanation: string } | { ok: false; reason: string };

/**
 * New evidence for an open incident (the edge sends updated evidence later): records its HI reading
 * at event time `atMs`, refits the degradation model on all readings and stores the new estimate.
 * The evidence's own baseline is used when it carries the key feature's, else the first escalation's.
 */
export async function updateRul(db: SqlExecutor, incidentId: string, evidence: Evidence, atMs: number, economics: EconomicsConfig = {}, opened?: Escalation): Promise<RulUpdate> {
  const rec = await incidentRecord(db, incidentId);
  if (!rec) return { ok: false, reason: `no incident ${incidentId}` };
  const esc = Escalation.safeParse(opened ?? rec.payload);
  if (!esc.success) return { ok: false, reason: 'stored escalation no longer parses' };
  if (rec.faultType === null || rec.faultType === 'unknown') return { ok: false, reason: 'incident not diagnosed with a known fault' };
  const faultType = rec.faultType as FaultType;
  const u = updateReadings(faultType, esc.data, evidence, atMs);
  if (!u) return { ok: false, reason: `no ${hiSpec(HEALTH_SPECS[faultType]).feature} with a healthy level in the evidence` };
  // The update's own history since the last reading joins too (keyed by event time: overlaps add nothing).
  await recordHealthMany(db, incidentId, u.readings);
  const cases = await libraryCases(db, esc.data.machineType);
  const r = rulFor(faultType, esc.data.machineType, await healthReadings(db, incidentId), cases, atMs, u.reading, u.merged, undefined, esc.data.openedAt);
  if (!r) return { ok: false, reason: 'health indicator too close to healthy to fit' };
  await storeRul(db, incidentId, atMs, r.summary);
  const econ = weighOptions(FAULT_COMPONENT[faultType], (tMs) => r.estimate.failureProbWithin(tMs / DAY_MS), atMs, economics);
  const held = r.heldFromMs !== undefined ? ' (the gauge still within its noise since the alarm: the estimate at the alarm, given that the machine has run until now)' : '';
  return { ok: true, rul: r.summary, economics: econ, explanation: `${faultLabel(faultType)}: ${describeRul(r.summary)}${held}; ${econ.summary}` };
}
