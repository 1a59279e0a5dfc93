// The verdict with the fleet behind it: the physics rules name a fault; where the machine sits
// against its type's fleet (all sites) and which confirmed past cases it resembles then raise or
// lower the confidence, or name a fault the rules could not, when enough similar cases agree.
// The explanation leads with one sentence a planner can act on and keeps the analyst's details.
import { FAULT_COMPONENT, type Diagnosis, type Escalation, type FaultType } from '../../core/index.ts';
import { DIAGNOSIS_MIN_SCORE, diagnose } from '../diagnosis/rules.ts';
import { HEALTH_SPECS, failureValue, keyFeature } from '../rul/health-indicator.ts';
import { caseVector, fleetDeviations, nearestCases, type FleetBaselineRow, type FleetDeviation, type LibraryCase, type Neighbour } from './fleet-compare.ts';

/** Options of the fleet-aware diagnosis. */
export interface FleetDiagnosisOptions {
  /** Other machines of the type needed before the fleet is a reference. */
  minMachines: number;
  /** Neighbours considered, and the largest distance at which a case counts as similar. */
  k: number;
  maxDistance: number;
  /** Agreeing similar cases needed to name a fault the rules left unknown. */
  minCasesToName: number;
}
export const DEFAULT_FLEET_DIAGNOSIS: FleetDiagnosisOptions = { minMachines: 2, k: 5, maxDistance: 0.75, minCasesToName: 2 };

/** Robust z against the fleet from which the key feature is "far from the fleet" (as the rules' 3). */
const FLEET_Z = 3;

/** What stands behind a verdict, stored with the diagnosis. */
export interface DiagnosisDetails {
  ruleFaultType: FaultType | 'unknown';
  ruleConfidence: number;
  keyFeature: FleetDeviation | null;
  fleet: FleetDeviation[];
  neighbours: Neighbour[];
  vector: Record<string, number>;
}

/** The fleet and the library a diagnosis is made against. */
export interface FleetContext {
  baselines: FleetBaselineRow[];
  cases: LibraryCase[];
}

/** Planner's words for a feature (fallback: its name). */
const FEATURE_WORDS: Record<string, string> = {
  'env.bpfoRatio': 'outer-race envelope line',
  'env.bpfiRatio': 'inner-race envelope line',
  'env.bsfRatio': 'ball envelope line',
  'vel.x1MmS': '1x vibration',
  'vel.x2MmS': '2x vibration',
  'vel.rmsMmS': 'vibration velocity',
  'accel.rmsMs2': 'vibration level',
  'accel.kurtosis': 'impulsiveness (kurtosis)',
  current_sideband_db: 'current sidebands',
  gear_sideband_db: 'gear mesh sidebands',
  gear_mesh_db: 'gear mesh line',
  tool_wear: 'flank wear',
  spindle_load: 'spindle load',
  temp_bearing: 'bearing temperature',
  pressure: 'discharge pressure',
};
const words = (feature: string) => FEATURE_WORDS[feature] ?? FEATURE_WORDS[feature.split('.').pop() ?? ''] ?? feature;
const LABEL: Record<FaultType, string> = {
  'bearing-outer-race': 'outer race',
  'bearing-inner-race': 'inner race',
  'bearing-rolling-element': 'rolling element',
  imbalance: 'imbalance',
  misalignment: 'misalignment',
  looseness: 'looseness',
  cavitation: 'cavitation',
  'lubrication-loss': 'lubrication loss',
  'broken-rotor-bar': 'broken rotor bar',
  'tool-wear': 'tool wear',
  'gear-tooth-wear': 'gear tooth wear',
};
/** Short planner's name of a fault. */
export const faultLabel = (f: FaultType | 'unknown'): string => (f === 'unknown' ? 'unknown fault' : LABEL[f]);

const capitalise = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);
const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const signed = (x: number, unit: string) => `${Math.abs(x).toFixed(1)} ${unit} ${x >= 0 ? 'above' : 'below'}`;

/** "16.9 dB above the fleet median (4 centrifugal-pump machines, 2 sites)". */
export function describeDeviation(d: FleetDeviation, machineType: string): string {
  const how = d.db !== undefined ? signed(d.db, 'dB') : `${Math.abs(d.z).toFixed(1)} σ ${d.z >= 0 ? 'above' : 'below'}`;
  return `${words(d.feature)} ${how} the fleet median (${d.machines} ${machineType} machines, ${d.sites} site${d.sites === 1 ? '' : 's'})`;
}

/** Features with the evidence's dedicated fields added where the features lack them. */
function allFeatures(esc: Escalation): Record<string, number> {
  const out = { ...esc.evidence.features };
  for (const name of ['env.bpfoRatio', 'env.bpfiRatio', 'env.bsfRatio', 'vel.x1MmS', 'vel.x2MmS', 'vel.x3MmS']) {
    if (!(name in out)) {
      const f = keyFeature(esc.evidence, name);
      if (f) out[name] = f.value;
    }
  }
  return out;
}

/** Diagnoses an escalation with the rules, the fleet of its machine type and the library of confirmed cases. */
export function diagnoseWithFleet(
  esc: Escalation,
  ctx: FleetContext,
  opts: FleetDiagnosisOptions = DEFAULT_FLEET_DIAGNOSIS,
): { diagnosis: Diagnosis; details: DiagnosisDetails; explain: (more?: string[], closing?: string) => string } {
  const byRules = diagnose(esc);
  const fleet = fleetDeviations(allFeatures(esc), ctx.baselines, esc, opts.minMachines);
  const vector = caseVector(esc.evidence, fleet);
  const neighbours = nearestCases(vector, ctx.cases, opts.k, opts.maxDistance);

  // The neighbours' vote, nearer cases weighing more (1 / (1 + d)).
  const votes = new Map<FaultType, { n: number; w: number }>();
  for (const nb of neighbours) {
    const v = votes.get(nb.faultType) ?? { n: 0, w: 0 };
    votes.set(nb.faultType, { n: v.n + 1, w: v.w + 1 / (1 + nb.distance) });
  }
  const totalW = [...votes.values()].reduce((s, v) => s + v.w, 0);
  const top = [...votes.entries()].sort((a, b) => b[1].w - a[1].w)[0];

  let faultType: FaultType | 'unknown' = byRules.faultType;
  let confidence = byRules.confidence;
  if (faultType === 'unknown' && top && top[1].n >= opts.minCasesToName && top[1].w / totalW >= 0.75) {
    // The rules found no pattern but several confirmed cases look just like this one: name it, modestly.
    faultType = top[0];
    confidence = Math.min(0.75, 0.45 + 0.1 * top[1].n);
  }
  const spec = faultType === 'unknown' ? undefined : HEALTH_SPECS[faultType];
  const key = spec ? (fleet.find((d) => d.feature === spec.feature || d.feature.endsWith(`.${spec.feature}`)) ?? null) : null;
  if (faultType !== 'unknown' && faultType === byRules.faultType) {
    // The fleet: a key feature far out of the fleet's healthy range supports the call, one inside it weakens it.
    if (key) {
      // Towards failure is up for most features, down for some (discharge pressure in cavitation).
      const towards = Math.sign(failureValue(spec!.failure, key.fleetMedian) - key.fleetMedian) || 1;
      const z = key.z * towards;
      if (z >= FLEET_Z) confidence += 0.1 * (1 - confidence) * clamp01(z / (3 * FLEET_Z));
      else if (z < 1) confidence *= 0.9;
    }
    // The library: agreeing similar cases raise the confidence, the more the higher; disagreeing ones lower it.
    const agree = votes.get(faultType);
    if (agree) confidence = 1 - (1 - confidence) * (1 - 0.5 * (1 - Math.exp(-agree.n / 2)) * (agree.w / totalW));
    else if (top && top[1].n >= opts.minCasesToName) confidence *= 1 - 0.3 * (top[1].w / totalW);
  }
  // A named fault keeps at least the bar it passed: the fleet and the library can temper it, and say
  // so in the explanation, but not leave a named verdict below the naming threshold.
  if (faultType !== 'unknown') confidence = Math.max(confidence, Math.min(byRules.confidence, DIAGNOSIS_MIN_SCORE));
  confidence = clamp01(confidence);

  const similar = faultType === 'unknown' ? [] : neighbours.filter((n) => n.faultType === faultType);
  const headline: string[] = [];
  const firstClause = byRules.faultType === faultType ? byRules.explanation.split(/[;.](\s|$)/)[0]! : `${faultLabel(faultType)}: the rules found no known pattern`;
  headline.push(firstClause);
  if (key && faultType !== 'unknown') headline.push(describeDeviation(key, esc.machineType));
  if (similar.length) {
    const nearest = similar[0]!;
    headline.push(`${similar.length} similar confirmed case${similar.length === 1 ? '' : 's'} (nearest ${nearest.site}/${nearest.machine}, distance ${nearest.distance.toFixed(2)})`);
  } else if (faultType !== 'unknown') headline.push('no similar confirmed case yet');
  const dissent = top && top[0] !== faultType && top[1].n >= opts.minCasesToName ? ` ${top[1].n} similar confirmed cases were ${faultLabel(top[0])} instead.` : '';
  const outliers = faultType === 'unknown' && fleet.length ? ` Furthest from the fleet: ${fleet.slice(0, 2).map((d) => describeDeviation(d, esc.machineType)).join('; ')}.` : '';
  /** The explanation with more headline clauses (remaining life) and a closing sentence (the decision). */
  const explain = (more: string[] = [], closing = ''): string =>
    `${capitalise([...headline, ...more].join('; '))} (confidence ${confidence.toFixed(2)}).${dissent}${outliers}${closing ? ` ${closing}` : ''} Details: ${byRules.explanation}`;
  const explanation = explain();

  return {
    diagnosis: {
      v: 1,
      escalationId: esc.id,
      faultType,
      component: faultType === 'unknown' ? null : FAULT_COMPONENT[faultType],
      confidence,
      explanation,
    },
    explain,
    details: { ruleFaultType: byRules.faultType, ruleConfidence: byRules.confidence, keyFeature: key, fleet: fleet.slice(0, 8), neighbours, vector },
  };
}
