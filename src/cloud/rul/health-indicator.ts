// Health indicator (HI) of an incident: the fault's key feature placed on a 0..1 scale between the
// machine's own healthy level (0) and a failure level for that fault (1). One scale for all faults
// lets the fleet's run-to-failure curves of one fault type serve as a prior for the next machine
// (Gebraeel, Lawley, Li & Ryan, "Residual-life distributions from component degradation signals:
// a Bayesian approach", IIE Transactions 37, 2005).
import { CHANNEL, EVIDENCE_FEATURE, type Evidence, type FaultType } from '../../core/index.ts';
import { featureKey } from '../diagnosis/drive-rules.ts';

/**
 * Where a fault's key feature is deemed failed: an absolute level (a standard's limit), a multiple
 * of healthy, or an offset from it. `absolute` may carry a relative fallback for a machine whose
 * healthy level already sits near the limit (the limit then says nothing about this machine).
 */
export type FailureLevel = { absolute: number; orTimesHealthy?: number } | { timesHealthy: number } | { plusHealthy: number };

/** The feature that tracks a fault's progress, how it is scaled, and where it fails. */
export interface HealthSpec {
  /** Feature name as the edge sends it (looked up bare or prefixed, see featureKey). */
  feature: string;
  /**
   * 'amplitude' for features that are amplitudes or levels (velocity, envelope line ratio,
   * temperature, wear, pressure): the degradation model's a + b·e^(c·t) holds on them directly
   * (Gebraeel et al. 2005, the signal itself). 'dB' for levels in decibels: taken back to an
   * amplitude (10^(dB/20)) first, since a damage growing exponentially grows its dB level linearly.
   * 'quadrature' for an r.m.s. over a band that the fault shares with the machine's own background
   * (overall acceleration or velocity): an uncorrelated fault signal adds in power, x² = x₀² + f²,
   * so the fault's own amplitude f = √(x² − x₀²) is the gauge, not the excess x − x₀ (which stays
   * near zero while f is already a third of x₀).
   */
  scale: 'amplitude' | 'dB' | 'quadrature';
  failure: FailureLevel;
  /** Why this failure level, for the explanation and the reader of the code. */
  why: string;
  /**
   * The feature the health indicator and remaining life are tracked on instead, when the key
   * feature (which the fleet comparison names) detects the fault but does not gauge its size.
   */
  gauge?: Omit<HealthSpec, 'gauge'>;
  /**
   * Set (with the reason) when the gauge grows in stages whose early rise says nothing of the
   * remaining life: at first detection the life then comes from past cases' P–F interval alone
   * (rul.ts), not from extrapolating the rise.
   */
  staged?: string;
}

/** The spec the health indicator is computed on: the gauge where the key feature has one. */
export const hiSpec = (spec: HealthSpec): Omit<HealthSpec, 'gauge'> => spec.gauge ?? spec;

/**
 * Overall amplitude 10x (20 dB) over its healthy reference: trend-alarm practice puts "alert" at
 * about +6..8 dB and "danger" near +20 dB over a machine's baseline spectrum. An assumption to be
 * calibrated with confirmed cases; the fleet prior carries the rest.
 */
const DANGER_20_DB = { timesHealthy: 10 } as const;

/**
 * ISO 20816-3:2022 (formerly ISO 10816-3), zone C/D boundary: 7.1 mm/s r.m.s. for group 2 machines
 * (15-300 kW) on flexible or group 1 machines on rigid foundations ("vibration values within this
 * zone are normally considered to be of sufficient severity to cause damage"). As a spectrum line's
 * peak amplitude, 7.1·√2 ≈ 10 mm/s (the line dominates the overall when the fault has grown). A
 * machine already within a factor 2 of it when healthy falls back to 20 dB over its own level.
 */
const ISO_20816_ZONE_D_RMS = { absolute: 7.1, orTimesHealthy: 10 } as const;
const ISO_20816_ZONE_D_LINE_PEAK = { absolute: 10, orTimesHealthy: 10 } as const;

/** The bearings' gauge: the defect impacts' part of the overall acceleration, failed at 20 dB over healthy. */
const BEARING_GAUGE = { feature: 'accel.rmsMs2', scale: 'quadrature', failure: DANGER_20_DB, why: 'overall acceleration 20 dB over healthy (defect impacts)' } as const;

/** Key feature and failure level per fault type (edit per plant; every value says why). */
export const HEALTH_SPECS: Record<FaultType, HealthSpec> = {
  // Bearings: the envelope line ratio detects and names the defect, but it is a signal-to-floor
  // ratio: once the impacts dominate the envelope it saturates (2 -> 6-12 within an hour, then a
  // noisy plateau), failing the monotonicity and trendability criteria of a health indicator (Coble
  // & Hines, PHM 2009; Lei et al., "Machinery health prognostics: a systematic review", MSSP 104,
  // 2018, sec. 3). The life is gauged on the overall acceleration r.m.s., the impacts' part of it
  // in quadrature: their energy keeps growing with the spall, and RMS is the most used bearing HI
  // there (and in the IMS and PRONOSTIA run-to-failure tests).
  'bearing-outer-race': { feature: 'env.bpfoRatio', scale: 'amplitude', failure: DANGER_20_DB, why: 'BPFO envelope line 20 dB over healthy', gauge: BEARING_GAUGE },
  'bearing-inner-race': { feature: 'env.bpfiRatio', scale: 'amplitude', failure: DANGER_20_DB, why: 'BPFI envelope line 20 dB over healthy', gauge: BEARING_GAUGE },
  'bearing-rolling-element': { feature: 'env.bsfRatio', scale: 'amplitude', failure: DANGER_20_DB, why: 'BSF envelope line 20 dB over healthy', gauge: BEARING_GAUGE },
  imbalance: { feature: 'vel.x1MmS', scale: 'amplitude', failure: ISO_20816_ZONE_D_LINE_PEAK, why: '1x velocity at the ISO 20816-3 zone C/D boundary (7.1 mm/s r.m.s.)' },
  misalignment: { feature: 'vel.x2MmS', scale: 'amplitude', failure: ISO_20816_ZONE_D_LINE_PEAK, why: '2x velocity at the ISO 20816-3 zone C/D boundary (7.1 mm/s r.m.s.)' },
  looseness: { feature: 'vel.rmsMmS', scale: 'quadrature', failure: ISO_20816_ZONE_D_RMS, why: 'overall velocity at the ISO 20816-3 zone C/D boundary (7.1 mm/s r.m.s.)' },
  // Head breakdown: a 3 % head drop defines NPSH3 (ISO 9906 / HI 9.6.1), the onset; a quarter of the
  // discharge pressure lost is fully developed cavitation that erodes the impeller fast (assumption).
  cavitation: { feature: CHANNEL.pressure, scale: 'amplitude', failure: { timesHealthy: 0.75 }, why: 'discharge pressure down 25 %' },
  // Lubrication loss: the bearing temperature detects it (and 100 °C is where mineral-oil greases
  // reach their upper operating limit, SKF bearing catalogue, grease selection), but it does not
  // gauge the damage. Its level moves with ambient and load by as much as the fault's rise at
  // detection (a few K), the edge's history of it is the raw level (not the thermal model's
  // residual), and the heat of boundary friction grows late and steeply (Harris & Kotzalas,
  // Rolling Bearing Analysis, 5th ed., 2007, vol. 1 ch. 9), so a curve fitted to its early rise
  // put failure weeks away where the bearing seized within hours (median error 16x the true
  // remaining life at first detection on tuning seeds 1-5, eval/dev/rul-devset.ts; a failure level
  // relative to the healthy temperature, +40 K, left it at 18x). A starved bearing ends as a
  // bearing failure (smearing, spalling, seizure: SKF, "Bearing damage and failure analysis",
  // 2017, inadequate lubrication), and the asperity contact that destroys it radiates broadband
  // high-frequency vibration from the start: its life is gauged like the other bearing modes, on
  // the overall acceleration's fault part (median error 0.9 with the same fit, 0.76 with the
  // onset-rate prior of onset-prior.ts).
  'lubrication-loss': { feature: CHANNEL.bearingTemp, scale: 'amplitude', failure: { absolute: 100 }, why: 'bearing at 100 °C', gauge: { ...BEARING_GAUGE, why: 'overall acceleration 20 dB over healthy (metal-to-metal contact)' } },
  // Multiple broken bars (Thomson & Fenger 2001, table 1).
  'broken-rotor-bar': { feature: EVIDENCE_FEATURE.currentSidebandDb, scale: 'dB', failure: { absolute: -36 }, why: 'current sidebands at -36 dB (multiple broken bars)' },
  // Tool life ends at flank wear VB_B = 0.3 mm (ISO 3685:1993).
  // Flank wear grows in three stages (ISO 8688-2:1989 annex; Dimla 2000): a fast break-in, a long
  // near-linear stage, a steep end. The edge alarms in or just after the break-in, whose rise,
  // extrapolated, put failure 3-5 h away where the tools ran 17-31 h more (median error 0.85 of the
  // true remaining life on 23 dev faults, 0.62 with a fitted rate prior and P–F interval); tool life
  // is predicted from the lives of past tools (tool-life management, Taylor's equation), here their
  // P–F interval.
  'tool-wear': { feature: CHANNEL.toolWear, scale: 'amplitude', failure: { absolute: 300 }, why: 'flank wear 300 µm (ISO 3685)', staged: 'three-stage flank wear: the break-in rise does not extrapolate' },
  'gear-tooth-wear': { feature: EVIDENCE_FEATURE.gearSidebandDb, scale: 'dB', failure: { plusHealthy: 20 }, why: 'mesh sidebands 20 dB over healthy' },
};

/** One HI observation: value and its measurement standard deviation (HI units). */
export interface HealthReading {
  hi: number;
  sd: number;
  feature: string;
  value: number;
  healthy: number;
  /** MAD of the key feature when healthy (its units). */
  healthyMad: number;
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
  if ('absolute' in f) {
    // The standard's limit, unless this machine is within a factor 2 of it when healthy (a relative limit then).
    const near = healthy > 0 && f.absolute > 0 && f.absolute < 2 * healthy;
    return near && f.orTimesHealthy !== undefined ? f.orTimesHealthy * healthy : f.absolute;
  }
  if ('timesHealthy' in f) return f.timesHealthy * healthy;
  return healthy + f.plusHealthy;
}

/** The feature on the scale where degradation is a + b·e^(c·t): amplitudes as they are, dB levels as amplitudes. */
export const toAmplitude = (spec: Pick<HealthSpec, 'scale'>, x: number): number => (spec.scale === 'dB' ? 10 ** (x / 20) : x);

/**
 * The fault's own part of a value over `healthy`, on the amplitude scale: the excess for amplitudes
 * and dB levels, √(x² − x₀²) for quadrature (signed, so scatter about healthy stays centred on 0).
 */
export function faultPart(spec: Pick<HealthSpec, 'scale'>, healthy: number, x: number): number {
  if (spec.scale !== 'quadrature') return toAmplitude(spec, x) - toAmplitude(spec, healthy);
  const p = x * x - healthy * healthy;
  return Math.sign(p) * Math.sqrt(Math.abs(p));
}

/**
 * HI of a feature value: its fault part over the healthy level as a share of the failure level's,
 * on the amplitude scale (0 healthy, 1 failed); undefined when healthy and failure coincide.
 * The HI's measurement sd follows from the healthy scatter σ = 1.4826 MAD the same way; on the
 * quadrature scale, whose slope falls as the value grows, as the secant over 2σ below the value
 * (never more than the step from healthy to healthy + σ).
 */
export function hiOf(spec: Pick<HealthSpec, 'scale'>, healthy: number, failure: number, value: number, mad: number): { hi: number; sd: number } | undefined {
  const f = (x: number) => faultPart(spec, healthy, x);
  const span = f(failure);
  if (!Number.isFinite(span) || Math.abs(span) < 1e-12 * Math.max(1, Math.abs(toAmplitude(spec, healthy)))) return undefined;
  const hi = f(value) / span;
  const sigma = 1.4826 * Math.abs(mad);
  const atHealthy = Math.abs(f(healthy + sigma) / span);
  const spread = spec.scale === 'quadrature' ? Math.min(atHealthy, Math.abs((f(value) - f(value - 2 * sigma)) / 2 / span)) : atHealthy;
  const sd = Math.max(HI_SD_FLOOR, spread);
  return Number.isFinite(hi) ? { hi, sd } : undefined;
}

/**
 * The incident's health indicator from its evidence: 0 at the machine's healthy median, 1 at the
 * failure level; undefined when the fault has no key feature in the evidence, no healthy baseline,
 * or healthy and failure levels that coincide. Without a baseline of the key feature, the
 * earliest part of the feature's own history (Evidence.trends) stands in as the healthy level.
 */
export function healthIndicator(faultType: FaultType | 'unknown', ev: Evidence, specs: Record<FaultType, HealthSpec> = HEALTH_SPECS): HealthReading | undefined {
  if (faultType === 'unknown') return undefined;
  const spec = hiSpec(specs[faultType]);
  const f = keyFeature(ev, spec.feature);
  if (!f) return undefined;
  const base = f.base ?? historyBaseline(ev, f.key);
  if (!base) return undefined;
  const healthy = base.median;
  const failure = failureValue(spec.failure, healthy);
  const r = hiOf(spec, healthy, failure, f.value, base.mad);
  return r && { ...r, feature: f.key, value: f.value, healthy, healthyMad: base.mad, failure };
}

/** Points of a history needed before its oldest quarter can stand for healthy. */
const MIN_HISTORY_FOR_BASELINE = 8;

/**
 * Healthy median and MAD from the oldest quarter of a feature's history: an incident's history
 * starts before the fault was visible, so its beginning is the machine's own healthy level.
 */
export function historyBaseline(ev: Evidence, key: string): { median: number; mad: number } | undefined {
  const t = ev.trends?.[key];
  if (!t || t.levels.length < MIN_HISTORY_FOR_BASELINE) return undefined;
  const early = t.levels.slice(0, Math.max(4, Math.floor(t.levels.length / 4))).sort((a, b) => a - b);
  const med = (xs: number[]) => (xs.length % 2 ? xs[xs.length >> 1]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
  const median = med(early);
  return { median, mad: med(early.map((x) => Math.abs(x - median)).sort((a, b) => a - b)) };
}
