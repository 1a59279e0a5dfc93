// What each fault mode does to a machine's vibration and (for cavitation) its hydraulics, as a
// function of severity s (0 healthy, 1 at functional failure; degradation.ts). Temperature and
// power effects are in machine.ts (FAULT_RISE_K, FAULT_POWER).
import type { DefectOrders, FaultType } from '../core/index.ts';
import { gearMeshLines, type GearTeeth } from './gear-mesh.ts';
import type { MachineTypeSpec } from './machine-types.ts';
import { toothPassLines } from './tool-wear.ts';
import type { OrderLine, VibrationParams } from './vibration.ts';

/** The constants of one machine that shape its vibration. */
export interface MachineAcoustics {
  spec: MachineTypeSpec;
  rateHz: number;
  ratedSpeedRpm: number;
  /** Drive-end bearing defect frequencies, orders of shaft speed. */
  defects: DefectOrders;
  healthy1xMmS: number;
  phases: readonly [number, number, number];
  resonanceHz: number;
  damping: number;
  slipSd: number;
  /** Gear pair of a gearbox (mesh lines always present). */
  gear?: GearTeeth;
  /** Cutter teeth of a spindle (tooth-pass lines while cutting). */
  flutes?: number;
}

/** Operating state a window's vibration depends on beyond shaft speed. */
export interface VibrationContext {
  /** Load, fraction of rated (cutting force of a spindle scales with it). */
  load?: number;
  /** Flank wear of a spindle's tool, mm. */
  vbMm?: number;
  /** Pole-pass frequency of an induction drive, Hz (broken rotor bars modulate 1x at it). */
  polePassHz?: number;
}

/**
 * Broken rotor bars at severity 1: the 1x is modulated at pole-pass frequency, sidebands at
 * 1x ± f_pp of this fraction of 1x (Thomson & Fenger, IEEE IAM 2001: the vibration signature is
 * small beside the current signature, which is why MCSA is the method of choice).
 */
const ROTOR_BAR_1X_SIDEBAND = 0.25;
/** A worn tool rubs and chatters: broadband noise grows to (1 + this) times at failure. */
const TOOL_WEAR_NOISE_GROWTH = 0.5;
/** Worn gear flanks: noise grows to (1 + this) times at failure (sliding friction, impacts at the worn teeth). */
const GEAR_WEAR_NOISE_GROWTH = 0.5;

/** Healthy 2x and 3x as fractions of 1x: small residual asymmetry. */
const HEALTHY_HARMONIC_RATIO = [1, 0.2, 0.06] as const;
/** Misalignment at severity 1 adds these velocity amplitudes at 1x, 2x, 3x, mm/s peak (2x dominant: Piotrowski 2006). */
const MISALIGNMENT_ADD_MMS = [0.8, 5.0, 1.2] as const;
/** A spalled or worn surface roughens: broadband noise grows to (1 + this) times at severity 1. */
const BEARING_NOISE_GROWTH = 1.0;

/**
 * Inner-race impacts reach the sensor through the rolling elements and the outer race, a longer
 * path than an outer-race spall's, so at equal severity they are weaker (Randall & Antoni, MSSP
 * 2011, sec. 2.1; McFadden & Smith, "Model for the vibration produced by a single point defect in a
 * rolling element bearing", J. Sound Vib. 96, 1984).
 */
const INNER_RACE_TRANSMISSION = 0.8;
/**
 * A ball spall strikes the races only while its spin brings it round to a contact; the spin axis
 * wanders, so ball impacts are weaker and far more irregular than race impacts (Randall & Antoni
 * 2011, sec. 2.1: ball faults are the hardest to detect).
 */
const BALL_TRANSMISSION = 0.45;
const BALL_AMPLITUDE_SD = 0.4;

/**
 * Imbalance at severity 1 adds this 1x velocity at rated speed, mm/s peak: with the healthy
 * 1.0–2.8 mm/s it reaches ~11 mm/s peak (~8 mm/s RMS), zone D of ISO 20816-3 for every group.
 * Its 2x is a tiny fraction of that: unbalance is a once-per-revolution force (ISO 21940-11).
 */
const IMBALANCE_1X_MMS = 9;
const IMBALANCE_2X_FRACTION = 0.03;

/**
 * Mechanical looseness (types B/C: loose bearing in its housing, cracked foot, loose bolts): the
 * rotor response is truncated each turn by the clearance, a clipped waveform whose Fourier series
 * is a long, slowly decaying run of harmonics up to ~10x; rattling at every other turn adds the
 * half-orders 0.5x, 1.5x, ... and the impacts raise the noise floor (Berry, "Illustrated
 * Vibration Diagnostic Chart", Technical Associates of Charlotte, 1997; Muszynska, Rotordynamics,
 * CRC 2005, ch. 6 on rub and looseness: subharmonics from the piecewise-stiff support).
 * Velocity at severity 1, mm/s peak: the 2x leads, each further order keeps LOOSE_DECAY of the last.
 */
const LOOSE_2X_MMS = 2.5;
const LOOSE_1X_ADD_MMS = 1.0;
const LOOSE_DECAY = 0.82;
const LOOSE_MAX_ORDER = 10;
/** Half-orders relative to the harmonic series at the same order; they need large clearance, so they grow as s^2. */
const LOOSE_HALF_ORDER_RATIO = 0.4;
/** Noise floor grows to (1 + this) times at severity 1 from the rattling. */
const LOOSE_NOISE_GROWTH = 1.0;

/**
 * Cavitation at severity 1: mean collapses per second and mean peak per collapse at the bearing
 * housing; the casing rings at 2–5 kHz (above the shaft orders and the bearing defect lines).
 * About 3 m/s2 RMS of added high-frequency vibration at failure, ten times the healthy pump floor.
 */
const CAVITATION_RATE_HZ = 1500;
const CAVITATION_PEAK_MS2 = 5;
const CAVITATION_BAND_HZ: [number, number] = [2000, 5000];
const CAVITATION_DAMPING = 0.1;

/**
 * Mean peak of one bubble collapse at severity s, m/s2. At inception only the largest nuclei
 * cavitate and barely grow before they collapse; the collapse grows more violent as the vapour
 * bubbles grow with the falling NPSH margin (Brennen, Cavitation and Bubble Dynamics, OUP 1995,
 * ch. 3: the collapse's radiated impulse rises with the bubble's maximum size). So the peak starts
 * from zero, as √s: the burst energy per second (rate × peak²) grows as s², the added high-frequency
 * RMS as s, like a spall's impacts (s × peak), and the value at failure is unchanged. A peak that
 * started at half its failure level (an earlier model) made a few full-strength collapses per
 * second at s ≈ 0.002, a window kurtosis of ~70 on a pump whose healthy kurtosis is ~2.7: a
 * signature present at onset, long before DETECTABLE_SEVERITY (ground-truth.ts).
 */
export function cavitationMeanPeakMs2(s: number): number {
  return CAVITATION_PEAK_MS2 * Math.sqrt(Math.max(0, s));
}

/** Lubrication loss at severity 1: contact noise above 1 kHz reaches this multiple of the healthy noise RMS. */
const CONTACT_NOISE_RATIO = 6;
const CONTACT_NOISE_CUTOFF_HZ = 1000;
/**
 * Late in lubrication loss the starved outer race in the load zone starts to spall: from this
 * severity on, BPFO impacts grow to LUBE_LATE_IMPACT of a full outer-race spall at failure.
 */
const LUBE_SPALL_ONSET = 0.8;
const LUBE_LATE_IMPACT = 0.3;

type Shaper = (p: VibrationParams, m: MachineAcoustics, s: number, ctx: VibrationContext) => VibrationParams;

const bearingNoise = (p: VibrationParams, s: number): number => p.noiseRmsMs2 * (1 + BEARING_NOISE_GROWTH * s * s);

function impactsOf(m: MachineAcoustics, orders: number, peakMs2: number) {
  return { orders, peakMs2, resonanceHz: m.resonanceHz, damping: m.damping, slipSd: m.slipSd };
}

/** Per fault mode, how severity s changes the healthy vibration parameters. */
const SHAPERS: Record<FaultType, Shaper> = {
  'bearing-outer-race': (p, m, s) => ({ ...p, noiseRmsMs2: bearingNoise(p, s), impacts: impactsOf(m, m.defects.bpfo, s * m.spec.impactPeakMs2) }),
  // The spall turns with the shaft through the load zone once per revolution: (1 + cos)/2 modulation.
  'bearing-inner-race': (p, m, s) => ({
    ...p,
    noiseRmsMs2: bearingNoise(p, s),
    impacts: { ...impactsOf(m, m.defects.bpfi, s * INNER_RACE_TRANSMISSION * m.spec.impactPeakMs2), modulation: { orders: 1, depth: 1, shaftLocked: true } },
  }),
  // A ball spall strikes inner and outer race once each per ball revolution (2x BSF); the cage carries it through the load zone at FTF.
  'bearing-rolling-element': (p, m, s) => ({
    ...p,
    noiseRmsMs2: bearingNoise(p, s),
    impacts: {
      ...impactsOf(m, 2 * m.defects.bsf, s * BALL_TRANSMISSION * m.spec.impactPeakMs2),
      amplitudeSd: BALL_AMPLITUDE_SD,
      modulation: { orders: m.defects.ftf, depth: 1, shaftLocked: false },
    },
  }),
  imbalance: (p, m, s) => {
    // Unbalance force is U w^2 (ISO 21940-11); with the support's mobility constant over the few
    // percent the speed moves, the 1x velocity scales with unbalance x speed^2.
    const speed2 = ((p.shaftHz * 60) / m.ratedSpeedRpm) ** 2;
    const add = s * IMBALANCE_1X_MMS * speed2;
    const [h1, h2, h3] = p.harmonicsMmS;
    return { ...p, harmonicsMmS: [h1 + add, h2 + IMBALANCE_2X_FRACTION * add, h3] };
  },
  misalignment: (p, _m, s) => {
    const [h1, h2, h3] = p.harmonicsMmS;
    return { ...p, harmonicsMmS: [h1 + s * MISALIGNMENT_ADD_MMS[0], h2 + s * MISALIGNMENT_ADD_MMS[1], h3 + s * MISALIGNMENT_ADD_MMS[2]] };
  },
  looseness: (p, _m, s) => {
    const series = (order: number): number => LOOSE_2X_MMS * LOOSE_DECAY ** (order - 2);
    const lines: OrderLine[] = [];
    for (let k = 2; k <= LOOSE_MAX_ORDER; k++) lines.push({ order: k, mmS: s * series(k) });
    for (let k = 0; k < LOOSE_MAX_ORDER; k++) lines.push({ order: k + 0.5, mmS: s * s * LOOSE_HALF_ORDER_RATIO * series(k + 0.5) });
    const [h1, h2, h3] = p.harmonicsMmS;
    return { ...p, harmonicsMmS: [h1 + s * LOOSE_1X_ADD_MMS, h2, h3], orderLines: [...(p.orderLines ?? []), ...lines], noiseRmsMs2: p.noiseRmsMs2 * (1 + LOOSE_NOISE_GROWTH * s) };
  },
  cavitation: (p, _m, s) => ({
    ...p,
    // More vapour, more and harder collapses: rate and mean peak both grow from zero with severity
    // (cavitationMeanPeakMs2: at inception the bubbles are small and collapse weakly).
    bubbles: { rateHz: s * CAVITATION_RATE_HZ, meanPeakMs2: cavitationMeanPeakMs2(s), bandHz: CAVITATION_BAND_HZ, damping: CAVITATION_DAMPING },
  }),
  'lubrication-loss': (p, m, s) => {
    const late = Math.max(0, (s - LUBE_SPALL_ONSET) / (1 - LUBE_SPALL_ONSET));
    return {
      ...p,
      // Contact grows with the lost film: quadratic, small early, dominant late.
      contactNoise: { rmsMs2: CONTACT_NOISE_RATIO * m.spec.noiseRmsMs2 * s * s, cutoffHz: CONTACT_NOISE_CUTOFF_HZ },
      impacts: late > 0 ? impactsOf(m, m.defects.bpfo, late * LUBE_LATE_IMPACT * m.spec.impactPeakMs2) : null,
    };
  },
  'broken-rotor-bar': (p, _m, s, ctx) => {
    const fpp = ctx.polePassHz ?? 0;
    if (!(fpp > 0)) return p;
    const side = ROTOR_BAR_1X_SIDEBAND * s * p.harmonicsMmS[0];
    const df = fpp / p.shaftHz;
    return { ...p, orderLines: [...(p.orderLines ?? []), { order: 1 - df, mmS: side }, { order: 1 + df, mmS: side }] };
  },
  // Tooth-pass lines already follow VB (vibrationParams); the worn edge also rubs.
  'tool-wear': (p, _m, s) => ({ ...p, noiseRmsMs2: p.noiseRmsMs2 * (1 + TOOL_WEAR_NOISE_GROWTH * s) }),
  // Mesh harmonics and sidebands already follow the wear (vibrationParams).
  'gear-tooth-wear': (p, _m, s) => ({ ...p, noiseRmsMs2: p.noiseRmsMs2 * (1 + GEAR_WEAR_NOISE_GROWTH * s * s) }),
};

/** Vibration parameters of a machine at shaft speed `shaftHz` with fault `kind` at severity `s` (healthy when kind is undefined or s is 0). */
export function vibrationParams(m: MachineAcoustics, shaftHz: number, kind: FaultType | undefined, s: number, ctx: VibrationContext = {}): VibrationParams {
  const h = HEALTHY_HARMONIC_RATIO.map((r) => r * m.healthy1xMmS);
  // Process lines every machine of the type has: a gear always meshes, a cutting tool always passes its teeth.
  const orderLines: OrderLine[] = [];
  if (m.gear) orderLines.push(...gearMeshLines(m.gear, shaftHz, kind === 'gear-tooth-wear' ? s : 0));
  if (m.flutes) orderLines.push(...toothPassLines(m.flutes, shaftHz, ctx.load ?? 1, ctx.vbMm ?? 0));
  const healthy: VibrationParams = {
    rateHz: m.rateHz,
    shaftHz,
    harmonicsMmS: [h[0]!, h[1]!, h[2]!],
    harmonicPhasesRad: m.phases,
    noiseRmsMs2: m.spec.noiseRmsMs2,
    impacts: null,
    ...(orderLines.length ? { orderLines } : {}),
  };
  return kind === undefined || !(s > 0) ? healthy : SHAPERS[kind](healthy, m, s, ctx);
}

/** Effect of a fault on a pump's duty point: factors on head and flow, and the head's window-to-window scatter (fraction). */
export interface HydraulicEffect {
  headFactor: number;
  flowFactor: number;
  headFluctuationFrac: number;
}

/**
 * Cavitation head breakdown. As suction conditions worsen (NPSH available falls with s), the head
 * holds until the cavity reaches the blade throats, then breaks down steeply (Brennen, Hydrodynamics
 * of Pumps, 1994, cavitation performance). NPSH3, the rating point of ISO 9906 / ANSI/HI 9.6.1, is
 * defined by a 3 % head drop: reached here at s = 0.5; 25 % at failure. Cavity volume pulsates, so
 * the head fluctuates; the flow follows the falling head on the system curve, a few percent.
 */
const CAVITATION_HEAD_DROP = 0.25;
const CAVITATION_HEAD_FLUCTUATION = 0.04;
const CAVITATION_FLOW_DROP = 0.06;

/** Hydraulic effect of fault `kind` at severity `s` (only cavitation changes the duty point). */
export function hydraulicEffect(kind: FaultType | undefined, s: number): HydraulicEffect {
  if (kind !== 'cavitation' || !(s > 0)) return { headFactor: 1, flowFactor: 1, headFluctuationFrac: 0 };
  return { headFactor: 1 - CAVITATION_HEAD_DROP * s ** 3, flowFactor: 1 - CAVITATION_FLOW_DROP * s ** 3, headFluctuationFrac: CAVITATION_HEAD_FLUCTUATION * s * s };
}
