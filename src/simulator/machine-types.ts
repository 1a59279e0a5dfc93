// Physical defaults of each machine type. A plant config may override speed and bearing per machine.
import type { BearingGeometry, MachineType } from '../core/index.ts';

/** A scalar channel a machine type carries besides vibration, speed and bearing temperature. */
export type ExtraChannel = 'pressure' | 'flow' | 'current';

export interface MachineTypeSpec {
  /** Short id prefix used by defaultPlant (pump-001). */
  prefix: string;
  /** Rated shaft speed, rpm: 2-pole (pump), 4-pole (motor), 6-pole (fan) 50 Hz induction drives at rated slip. */
  ratedSpeedRpm: number;
  /** Drive-end bearing. Geometry from SKF catalogue data for the deep-groove ball bearing named. */
  bearing: BearingGeometry;
  /**
   * Healthy 1x velocity amplitude range, mm/s peak. ISO 20816-3 puts the zone A/B boundary at
   * 1.4–2.3 mm/s RMS (2.0–3.2 mm/s peak); a new, balanced machine sits at or below it.
   */
  healthy1xMmS: [number, number];
  /** Broadband acceleration noise, m/s2 RMS: sensor floor plus flow/air turbulence (pumps are loudest). */
  noiseRmsMs2: number;
  /**
   * Peak acceleration of one outer-race impact at severity 1, m/s2. A spalled race gives impacts of
   * a few g at the housing (Randall & Antoni, MSSP 2011, figs. 4 and 18: 10–50 m/s2 peaks).
   */
  impactPeakMs2: number;
  /** Bearing temperature rise over ambient at full load, K (SKF: 40–70 degC operating is normal). */
  bearingRiseK: number;
  /** Extra scalar channels. */
  extras: readonly ExtraChannel[];
  /** Full-load and no-load current, A (for motors and fans; IEC 60034 nameplates of the size named). */
  currentA?: { fullLoad: number; noLoad: number };
}

export const MACHINE_TYPES: Record<MachineType, MachineTypeSpec> = {
  'centrifugal-pump': {
    prefix: 'pump',
    ratedSpeedRpm: 2950,
    bearing: { designation: '6205', rollingElements: 9, ballDiameterMm: 7.94, pitchDiameterMm: 39.04, contactAngleDeg: 0 },
    healthy1xMmS: [1.2, 2.2],
    noiseRmsMs2: 0.3,
    impactPeakMs2: 30,
    bearingRiseK: 30,
    extras: ['pressure', 'flow'],
  },
  'induction-motor': {
    prefix: 'motor',
    ratedSpeedRpm: 1480,
    bearing: { designation: '6309', rollingElements: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.39, contactAngleDeg: 0 },
    healthy1xMmS: [1.0, 2.0],
    noiseRmsMs2: 0.15,
    impactPeakMs2: 25,
    bearingRiseK: 35,
    extras: ['current'],
    // 30 kW, 400 V, cos phi 0.86, efficiency 0.93: I = P / (sqrt(3) U cos phi eta) = 54 A; no-load ~35%.
    currentA: { fullLoad: 54, noLoad: 19 },
  },
  fan: {
    prefix: 'fan',
    ratedSpeedRpm: 980,
    bearing: { designation: '6206', rollingElements: 9, ballDiameterMm: 9.53, pitchDiameterMm: 46.5, contactAngleDeg: 0 },
    healthy1xMmS: [1.5, 2.8],
    noiseRmsMs2: 0.2,
    impactPeakMs2: 20,
    bearingRiseK: 25,
    extras: ['current'],
    // 7.5 kW, 400 V, cos phi 0.80, efficiency 0.90: 15 A; no-load ~40%.
    currentA: { fullLoad: 15, noLoad: 6 },
  },
};

/**
 * Centrifugal pump hydraulics (pressure, flow): rated point 100 m3/h at 50 m head, shut-off head
 * 60 m, so the curve H = H0 (n/nr)^2 - K Q^2 (affinity laws) has K = 10 / 100^2 m/(m3/h)^2.
 */
export const PUMP_HYDRAULICS = { ratedFlowM3h: 100, shutoffHeadM: 60, curveK: 10 / 100 ** 2, waterDensityKgM3: 998 } as const;

/** Structural resonance of the bearing housing excited by each impact, Hz (per machine, drawn in this range). */
export const RESONANCE_RANGE_HZ: [number, number] = [2500, 4000];

/** Damping ratio of that resonance: bolted steel housings are lightly damped, 2–8% (Randall, Vibration-based Condition Monitoring, 2011, ch. 5). */
export const RESONANCE_DAMPING: [number, number] = [0.03, 0.07];
