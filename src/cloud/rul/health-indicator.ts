// Health indicator (HI) of an incident: the fault's key feature placed on a 0..1 scale between the
// machine's own healthy level (0) and a failure level for that fault (1). One scale for all faults
// lets the fleet's run-to-failure curves of one fault type serve as a prior for the next machine
// (Gebraeel, Lawley, Li & Ryan, "Residual-life distributions from component degradation signals:
// a Bayesian approach", IIE Transactions 37, 2005).
import { CHANNEL, EVIDENCE_FEATURE, type Evidence, type FaultType } from '../../core/index.ts';
import { featureKey } from '../diagnosis/drive-rules.ts';

/** Where a fault's key feature is deemed failed: an absolute level, a multiple of healthy, or an offset from it. */
export type FailureLevel = { absolute: number } | { timesHealthy: number } | { plusHealthy: number };

/** The feature that tracks a fault's progress, how it is scaled, and where it fails. */
export interface HealthSpec {
  /** Feature name as the edge sends it (looked up bare or prefixed, see featureKey). */
  feature: string;
  /** 'log' for amplitudes (they grow by factors), 'linear' for dB levels, temperatures, wear. */
  scale: 'log' | 'linear';
  failure: FailureLevel;
  /** Why this failure level, for the explanation and the reader of the code. */
  why: string;
}

/**
 * Overall amplitude 10x (20 dB) over its healthy reference: trend-alarm practice puts "alert" at
 * about +6..8 dB and "danger" near +20 dB over a machine's baseline spectrum. An assumption to be
 * calibrated with confirmed cases; the fleet prior carries the rest.
 */
const DANGER_20_DB = { timesHealthy: 10 } as const;

/** Key feature and failure level per fault type (edit per plant; every value says why). */
export const HEALTH_SPECS: Record<FaultType, HealthSpec> = {
  'bearing-outer-race': { feature: 'env.bpfoRatio', scale: 'log', failure: DANGER_20_DB, why: 'BPFO envelope line 20 dB over healthy' },
  'bearing-inner-race': { feature: 'env.bpfiRatio', scale: 'log', failure: DANGER_20_DB, why: 'BPFI envelope line 20 dB over healthy' },
  'bearing-rolling-element': { feature: 'env.bsfRatio', scale: 'log', failure: DANGER_20_DB, why: 'BSF envelope line 20 dB over healthy' },
  imbalance: { feature: 'vel.x1MmS', scale: 'log', failure: DANGER_20_DB, why: '1x velocity 20 dB over healthy' },
  misalignment: { feature: 'vel.x2MmS', scale: 'log', failure: DANGER_20_DB, why: '2x velocity 20 dB over healthy' },
  looseness: { feature: 'vel.rmsMmS', scale: 'log', failure: DANGER_20_DB, why: 'overall velocity 20 dB over healthy' },
  // Head breakdown: a 3 % head drop defines NPSH3 (ISO 9906 / HI 9.6.1), the onset; a quarter of the
  // discharge pressure lost is fully developed cavitation that erodes the impeller fast (assumption).
  cavitation: { feature: CHANNEL.pressure, scale: 'linear', failure: { timesHealthy: 0.75 }, why: 'discharge pressure down 25 %' },
  // Mineral-oil greases reach their upper operating limit near 100-110 °C (SKF bearing catalogue, grease
  // selection); a rolling-bearing trip is commonly set around 100 °C.
  'lubrication-loss': { feature: CHANNEL.bearingTemp, scale: 'linear', failure: { absolute: 100 }, why: 'bearing at 100 °C' },
  // Multiple broken bars (Thomson & Fenger 2001, table 1).
  'broken-rotor-bar': { feature: EVIDENCE_FEATURE.currentSidebandDb, scale: 'linear', failure: { absolute: -36 }, why: 'current sidebands at -36 dB (multiple broken bars)' },
  // Tool life ends at flank wear VB_B = 0.3 mm (ISO 3685:1993).
  'tool-wear': { feature: CHANNEL.toolWear, scale: 'linear', failure: { absolute: 300 }, why: 'flank wear 300 µm (ISO 3685)' },
  'gear-tooth-wear': { feature: EVIDENCE_FEATURE.gearSidebandDb, scale: 'linear', failure: { plusHealthy: 20 }, why: 'mesh sidebands 20 dB over healthy' },
};

/** One HI observation: value and its measurement standard deviation (HI units). */
export interface HealthReading {
  hi: number;
  sd: number;
  feature: string;
  value: number;
  healthy: number;
  failure: number;
}

/** Smallest HI standard deviation assumed: a feature quantised or with a zero MAD still scatters. */
const HI_SD_FLOOR = 0.01;

/**
 * The evidence's key-feature value, with the machine's healthy level from its baseline. Envelope
 * ratios and order amplitudes also travel as dedicated evidence fields: used when the feature is absent.
 */
export function keyFeature(ev: Evidence, name: string): { key: string; value: number; base?: { median: number; mad: number } } | undefined {
  const key = featureKey(ev, name);
  const fromField: Record<string, number | undefined> = {
    'env.bpfoRatio': ev.envelopeDefectRatios.bpfo,
    'env.bpfiRatio': ev.envelopeDefectRatios.bpfi,
    'env.bsfRatio': ev.envelopeDefectRatios.bsf,
    'vel.x1MmS': ev.orderAmplitudes.x1,
    'vel.x2MmS': ev.orderAmplitudes.x2,
    'vel.x3MmS': ev.orderAmplitudes.x3,
  };
  const value = key !== undefined ? ev.features[key] : fromField[name];
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const k = key ?? name;
  const base = ev.baseline[k] ?? ev.baseline[name];
  return base ? { key: k, value, base } : { key: k, value };
}

/** The failure level in the feature's units, given the healthy level. */
export function failureValue(f: FailureLevel, healthy: number): number {
  if ('absolute' in f) return f.absolute;
  if ('timesHealthy' in f) return f.timesHealthy * healthy;
  return healthy + f.plusHealthy;
}

/**
 * The incident's health indicator from its evidence: 0 at the machine's healthy median, 1 at the
 * failure level; undefined when the fault has no key feature in the evidence, no healthy baseline,
 * or a failure level on the wrong side of healthy (a machine already past the limit when healthy).
 */
export function healthIndicator(faultType: FaultType | 'unknown', ev: Evidence, specs: Record<FaultType, HealthSpec> = HEALTH_SPECS): HealthReading | undefined {
  if (faultType === 'unknown') return undefined;
  const spec = specs[faultType];
  const f = keyFeature(ev, spec.feature);
  if (!f?.base) return undefined;
  const healthy = f.base.median;
  const failure = failureValue(spec.failure, healthy);
  const g = (x: number) => (spec.scale === 'log' ? Math.log(Math.max(x, 1e-12)) : x);
  if (spec.scale === 'log' && !(healthy > 0 && failure > 0)) return undefined;
  const span = g(failure) - g(healthy);
  if (!Number.isFinite(span) || Math.abs(span) < 1e-9) return undefined;
  const hi = (g(f.value) - g(healthy)) / span;
  // The healthy scatter (1.4826 MAD) carried onto the HI scale.
  const sd = Math.max(HI_SD_FLOOR, Math.abs((g(healthy + 1.4826 * Math.abs(f.base.mad)) - g(healthy)) / span));
  if (!Number.isFinite(hi)) return undefined;
  return { hi, sd, feature: f.key, value: f.value, healthy, failure };
}
