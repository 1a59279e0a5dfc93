// Physical defaults of each machine type. A plant config may override speed and bearing per machine.
import type { BearingGeometry, MachineType } from '../core/index.ts';

/**
 * A channel a machine type carries besides vib_de, speed and temp_bearing (names: CHANNEL in
 * core/vocabulary.ts). phase_current is a waveform; the others are scalars, one value a window.
 */
export type ExtraChannel = 'phase_current' | 'pressure' | 'flow' | 'current' | 'temp_winding' | 'temp_oil' | 'spindle_load' | 'tool_wear';

/** Unit of each published channel. */
export const CHANNEL_UNITS: Record<'vib_de' | 'speed' | 'temp_bearing' | ExtraChannel, string> = {
  vib_de: 'm/s2',
  phase_current: 'A',
  speed: 'rpm',
  temp_bearing: 'degC',
  temp_winding: 'degC',
  temp_oil: 'degC',
  pressure: 'bar',
  flow: 'm3/h',
  current: 'A',
  spindle_load: '%',
  tool_wear: 'um',
};

export interface MachineTypeSpec {
  /** Short id prefix used by defaultPlant (pump-001). */
  prefix: string;
  /** Rated shaft speed, rpm: 2-pole (pump), 4-pole (motor, gearbox input), 6-pole (fan) 50 Hz induction drives at rated slip; the spindle at its inverter setpoint. */
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
  /** Extra channels, in publishing order. */
  extras: readonly ExtraChannel[];
  /** Full-load and no-load current, A (IEC 60034 nameplates of the size named). */
  currentA?: { fullLoad: number; noLoad: number };
  /** Induction drive on a fixed supply (direct on line): supply frequency and pole count; absent for the PM spindle. */
  drive?: { supplyHz: number; poles: number };
  /** Single-stage gear: teeth on the input (measured) shaft and on the output shaft. */
  gear?: { inputTeeth: number; outputTeeth: number };
  /** Milling cutter carried by a spindle: number of teeth (flutes); tooth-pass frequency = flutes x shaft Hz. */
  cutter?: { flutes: number };
  /** Vibration sampling rate of this type when the machine config does not set one, Hz; default the plant's. */
  vibrationRateHz?: number;
  /** Range the housing resonance excited by bearing impacts is drawn in, Hz; default RESONANCE_RANGE_HZ. */
  resonanceRangeHz?: [number, number];
  /** Stator winding temperature rise over ambient at full load, K (motor-driven types with temp_winding). */
  windingRiseK?: number;
  /** Gear oil sump temperature rise over ambient at full load, K (gearboxes). */
  oilRiseK?: number;
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
    extras: ['pressure', 'flow', 'current'],
    // Rated duty 100 m3/h at 50 m: 13.6 kW hydraulic, ~18 kW shaft at 75% pump efficiency; a 22 kW
    // 2-pole motor (400 V, cos phi 0.88, efficiency 0.92): I = P / (sqrt(3) U cos phi eta) = 39 A; no-load ~30%.
    currentA: { fullLoad: 39, noLoad: 12 },
    // 2-pole, 50 Hz: 3000 rpm synchronous, 2950 rpm at rated slip 1.7%.
    drive: { supplyHz: 50, poles: 2 },
  },
  'induction-motor': {
    prefix: 'motor',
    ratedSpeedRpm: 1480,
    bearing: { designation: '6309', rollingElements: 8, ballDiameterMm: 17.46, pitchDiameterMm: 72.39, contactAngleDeg: 0 },
    healthy1xMmS: [1.0, 2.0],
    noiseRmsMs2: 0.15,
    impactPeakMs2: 25,
    bearingRiseK: 35,
    extras: ['phase_current', 'current', 'temp_winding'],
    // 30 kW, 400 V, cos phi 0.86, efficiency 0.93: I = P / (sqrt(3) U cos phi eta) = 54 A; no-load ~35%.
    currentA: { fullLoad: 54, noLoad: 19 },
    drive: { supplyHz: 50, poles: 4 },
    // Class F insulation run at class B rise (80 K at full load, IEC 60034-1 table 8): a common design margin.
    windingRiseK: 80,
  },
  fan: {
    prefix: 'fan',
    ratedSpeedRpm: 980,
    bearing: { designation: '6206', rollingElements: 9, ballDiameterMm: 9.53, pitchDiameterMm: 46.5, contactAngleDeg: 0 },
    healthy1xMmS: [1.5, 2.8],
    noiseRmsMs2: 0.2,
    impactPeakMs2: 20,
    bearingRiseK: 25,
    extras: ['phase_current', 'current'],
    // 7.5 kW, 400 V, cos phi 0.80, efficiency 0.90: 15 A; no-load ~40%.
    currentA: { fullLoad: 15, noLoad: 6 },
    drive: { supplyHz: 50, poles: 6 },
  },
  'cnc-spindle': {
    prefix: 'spindle',
    // Motorised milling spindle (permanent-magnet synchronous, on its own inverter: no slip): 12,000 rpm = 200 Hz.
    ratedSpeedRpm: 12000,
    // Super-precision angular-contact ball bearing 7014 ACD (d 70, D 110, B 20 mm, 25 deg), as in
    // spindles of this size. Ball set estimated from the boundary dimensions (pitch diameter
    // (d + D)/2 = 90 mm, 20 balls of 1/2 in): check the catalogue before relying on the exact orders.
    // BPFO 8.7x, BPFI 11.3x: 1.74 and 2.26 kHz at 200 Hz.
    bearing: { designation: '7014ACD', rollingElements: 20, ballDiameterMm: 12.7, pitchDiameterMm: 90, contactAngleDeg: 25 },
    // Precision spindles are balanced to G0.4–G1 (ISO 21940-11): ~1 mm/s at the housing at full speed.
    healthy1xMmS: [0.5, 1.2],
    noiseRmsMs2: 0.5,
    // Small balls at 200 Hz hit hard: higher impact peaks than the slow machines.
    impactPeakMs2: 40,
    // Spindle bearings run oil-air lubricated and jacket-cooled: a modest rise.
    bearingRiseK: 18,
    extras: ['spindle_load', 'tool_wear'],
    cutter: { flutes: 4 },
    // BPFI 2.26 kHz with its sidebands and a housing resonance above it need a wide band: the
    // spindle is sampled at 25.6 kHz (Nyquist 12.8 kHz) whatever the plant's default.
    vibrationRateHz: 25600,
    // A stiff, compact spindle housing rings higher than a motor end shield (Randall 2011, ch. 5).
    resonanceRangeHz: [6000, 9000],
  },
  gearbox: {
    prefix: 'gearbox',
    // Input shaft driven by a 4-pole 50 Hz motor at rated slip.
    ratedSpeedRpm: 1480,
    // Input-shaft bearing 6310 (SKF: 8 balls of 19.05 mm on an ~80 mm pitch circle).
    bearing: { designation: '6310', rollingElements: 8, ballDiameterMm: 19.05, pitchDiameterMm: 80, contactAngleDeg: 0 },
    healthy1xMmS: [1.0, 2.0],
    noiseRmsMs2: 0.3,
    impactPeakMs2: 25,
    bearingRiseK: 35,
    extras: ['temp_oil'],
    drive: { supplyHz: 50, poles: 4 },
    // 23/67: coprime (hunting tooth), so every pinion tooth meets every wheel tooth and wear spreads
    // evenly; ratio 2.91. Mesh 23 x 24.7 Hz = 567 Hz, three harmonics to 1.7 kHz.
    gear: { inputTeeth: 23, outputTeeth: 67 },
    // Splash-lubricated industrial gear units run their sump 30–50 K over ambient (ISO/TR 14179-1 thermal capacity).
    oilRiseK: 40,
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
