// Fleet comparison, pure: how far one machine's features sit from the healthy baselines of the
// other machines of its type (all sites), and which confirmed past incidents its deviation pattern
// resembles (k nearest neighbours). Both use robust statistics: medians and MADs, never means,
// so one odd machine in the fleet does not move the reference (Leys et al., JESP 2013).
import type { Evidence, FaultType } from '../../core/index.ts';
import { robustZ } from '../diagnosis/robust-z.ts';

/** One machine's healthy level of one feature, as stored in the fleet table. */
export interface FleetBaselineRow {
  site: string;
  line: string;
  machine: string;
  feature: string;
  median: number;
  mad: number;
}

/** Where one feature of this machine sits against its type's fleet. */
export interface FleetDeviation {
  feature: string;
  value: number;
  fleetMedian: number;
  /** Robust z against the fleet: (value − fleet median) / spread. */
  z: number;
  /** 20·log10(value / fleet median) for positive amplitudes and ratios, else the difference for dB features; undefined otherwise. */
  db?: number;
  machines: number;
  sites: number;
}

const MAD_TO_SIGMA = 1.4826;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Is this feature a level in dB (compared by difference) rather than an amplitude (by ratio)? */
export const isDbFeature = (name: string): boolean => /(_db|Db)$/.test(name);
/** Amplitude-like features (vibration levels, envelope ratios) are compared in dB: they grow by factors. */
const isAmplitude = (name: string): boolean => /^(accel|vel|env)\./.test(name) && !/kurtosis|skewness|crest|\.sk$/.test(name);

/**
 * Robust z of each feature against the other machines of the fleet (the machine itself excluded).
 * The spread is the larger of the machines' healthy levels' MAD (between machines) and the median
 * of their own MADs (within a machine), floored at 5 % of the fleet median (as robustZ).
 */
export function fleetDeviations(
  features: Record<string, number>,
  fleet: FleetBaselineRow[],
  self: { site: string; line: string; machine: string },
  minMachines = 2,
): FleetDeviation[] {
  const byFeature = new Map<string, FleetBaselineRow[]>();
  for (const r of fleet) {
    if (r.site === self.site && r.line === self.line && r.machine === self.machine) continue;
    if (!Number.isFinite(r.median) || !Number.isFinite(r.mad)) continue;
    const list = byFeature.get(r.feature) ?? [];
    list.push(r);
    byFeature.set(r.feature, list);
  }
  const out: FleetDeviation[] = [];
  for (const [feature, value] of Object.entries(features)) {
    const rows = byFeature.get(feature);
    if (!rows || rows.length < minMachines || !Number.isFinite(value)) continue;
    const medians = rows.map((r) => r.median);
    const m = median(medians);
    const between = MAD_TO_SIGMA * median(medians.map((x) => Math.abs(x - m)));
    const within = MAD_TO_SIGMA * median(rows.map((r) => Math.abs(r.mad)));
    const spread = Math.max(between, within, Math.abs(m) * 0.05, 1e-9);
    const z = (value - m) / spread;
    const db = isDbFeature(feature) ? value - m : isAmplitude(feature) && value > 0 && m > 0 ? 20 * Math.log10(value / m) : undefined;
    out.push({ feature, value, fleetMedian: m, z: Number.isFinite(z) ? z : 0, ...(db !== undefined ? { db } : {}), machines: rows.length, sites: new Set(rows.map((r) => r.site)).size });
  }
  return out.sort((a, b) => Math.abs(b.z) - Math.abs(a.z));
}

/** Largest |z| kept in a case vector: beyond it "very far" is all the neighbour search needs to know. */
const Z_CLIP = 50;
/** A coordinate counts as deviating from |z| ≥ 3 (the conservative outlier cut). */
const ACTIVE_Z = 3;
const squash = (z: number) => Math.sign(z) * Math.log1p(Math.min(Math.abs(z), Z_CLIP));
const ACTIVE = squash(ACTIVE_Z);

/**
 * The incident's standardised feature vector: each feature's robust z against the machine's own
 * healthy baseline (so machines of different sites and sizes become comparable), or against the
 * fleet where the machine has no baseline for it; compressed by sign·ln(1 + |z|) so one huge
 * deviation does not swamp the pattern.
 */
export function caseVector(ev: Evidence, fleetDevs: FleetDeviation[] = []): Record<string, number> {
  const v: Record<string, number> = {};
  for (const [name, value] of Object.entries(ev.features)) {
    const b = ev.baseline[name];
    if (b && Number.isFinite(value)) v[name] = squash(robustZ(value, b));
  }
  for (const d of fleetDevs) if (!(d.feature in v)) v[d.feature] = squash(d.z);
  return v;
}

/** A confirmed past incident in the library. */
export interface LibraryCase {
  incidentId: string;
  site: string;
  machine: string;
  faultType: FaultType;
  vector: Record<string, number>;
}

/** A neighbour found for an incident. */
export interface Neighbour {
  incidentId: string;
  site: string;
  machine: string;
  faultType: FaultType;
  distance: number;
}

/**
 * Distance between two deviation patterns: root-mean-square difference over the features either
 * deviates in (|z| ≥ 3) and both carry; the features both call normal say nothing about the fault.
 * Infinity when they share no deviating feature.
 */
export function caseDistance(a: Record<string, number>, b: Record<string, number>): number {
  let sum = 0;
  let n = 0;
  // Keys in one order whatever order either vector holds them in: a floating-point sum depends on
  // its order, and d(a, b) must equal d(b, a) exactly (a property test found one that did not).
  for (const k of Object.keys(a).sort()) {
    const x = a[k]!;
    const y = b[k];
    if (y === undefined) continue;
    if (Math.abs(x) < ACTIVE && Math.abs(y) < ACTIVE) continue;
    sum += (x - y) ** 2;
    n++;
  }
  return n === 0 ? Infinity : Math.sqrt(sum / n);
}

/** The k nearest confirmed cases within `maxDistance`, nearest first. */
export function nearestCases(vector: Record<string, number>, library: LibraryCase[], k = 5, maxDistance = 0.75): Neighbour[] {
  return library
    .map((c) => ({ incidentId: c.incidentId, site: c.site, machine: c.machine, faultType: c.faultType, distance: caseDistance(vector, c.vector) }))
    .filter((n) => n.distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, k);
}
