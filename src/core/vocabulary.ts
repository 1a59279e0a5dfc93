// The shared vocabulary of machines, components and faults. The simulator injects these faults,
// the cloud names them, the ERP's bill of materials maps a component to a spare part.
import { z } from 'zod';

/** Machine types the plant can hold. */
export const MachineType = z.enum(['centrifugal-pump', 'induction-motor', 'fan', 'cnc-spindle', 'gearbox']);
export type MachineType = z.infer<typeof MachineType>;

/** Replaceable components, named as a maintenance planner would (BOM positions). */
export const Component = z.enum(['drive-end-bearing', 'coupling-insert', 'impeller', 'rotor', 'cutting-tool', 'gear-set']);
export type Component = z.infer<typeof Component>;

/** Machine fault modes (not sensor faults). */
export const FaultType = z.enum([
  'bearing-outer-race',
  'bearing-inner-race',
  'bearing-rolling-element',
  'imbalance',
  'misalignment',
  'looseness',
  'cavitation',
  'lubrication-loss',
  'broken-rotor-bar',
  'tool-wear',
  'gear-tooth-wear',
]);
export type FaultType = z.infer<typeof FaultType>;

/**
 * The component a fault destroys, and so the part a repair needs; null where the repair needs no
 * part (imbalance is corrected by balancing, looseness by re-tightening the mounting).
 */
export const FAULT_COMPONENT: Record<FaultType, Component | null> = {
  'bearing-outer-race': 'drive-end-bearing',
  'bearing-inner-race': 'drive-end-bearing',
  'bearing-rolling-element': 'drive-end-bearing',
  // Oil or grease starvation overheats and wears the bearing: relubricate and replace it.
  'lubrication-loss': 'drive-end-bearing',
  imbalance: null,
  misalignment: 'coupling-insert',
  looseness: null,
  // Cavitation erodes the impeller's vanes (pumps only).
  cavitation: 'impeller',
  // Cracked or broken cage bars cannot be mended in place: the rotor is exchanged (or the motor sent for rewinding).
  'broken-rotor-bar': 'rotor',
  // A worn cutting tool is replaced, not repaired (CNC spindles only).
  'tool-wear': 'cutting-tool',
  // Pitting and wear of the tooth flanks: the gear set is replaced as a matched pair (gearboxes only).
  'gear-tooth-wear': 'gear-set',
};

/**
 * Sensor faults: the measurement is wrong, the machine is fine. The edge must raise a
 * data-quality event for these, not a maintenance alarm.
 */
export const SensorFaultType = z.enum(['dropout', 'stuck', 'drift', 'spike', 'loose-mount']);
export type SensorFaultType = z.infer<typeof SensorFaultType>;

/**
 * Rolling-element bearing geometry. Defect frequencies follow from it and the shaft speed
 * (Randall & Antoni, "Rolling element bearing diagnostics - a tutorial", MSSP 2011, eq. 1).
 */
export const BearingGeometry = z.object({
  designation: z.string().describe('e.g. 6205'),
  rollingElements: z.number().int().min(3).max(40),
  ballDiameterMm: z.number().positive(),
  pitchDiameterMm: z.number().positive(),
  contactAngleDeg: z.number().min(0).max(60).default(0),
});
export type BearingGeometry = z.infer<typeof BearingGeometry>;

/** Bearing defect frequencies as multiples of shaft speed (orders). */
export interface DefectOrders {
  bpfo: number;
  bpfi: number;
  bsf: number;
  ftf: number;
}

/** Defect frequencies of a bearing, in orders of shaft speed (multiply by shaft Hz for Hz). */
export function bearingDefectOrders(g: BearingGeometry): DefectOrders {
  const r = (g.ballDiameterMm / g.pitchDiameterMm) * Math.cos((g.contactAngleDeg * Math.PI) / 180);
  const n = g.rollingElements;
  return {
    bpfo: (n / 2) * (1 - r),
    bpfi: (n / 2) * (1 + r),
    bsf: (g.pitchDiameterMm / (2 * g.ballDiameterMm)) * (1 - r * r),
    ftf: 0.5 * (1 - r),
  };
}

/**
 * Channel names the simulator publishes and the edge understands (units travel in each window).
 * Waveforms: vib_de (m/s2, kHz), phase_current (A, one stator phase, ~1 kHz, for motor current
 * signature analysis). Scalars (~1 per window): speed (rpm), temp_bearing (degC), temp_winding (degC,
 * stator winding of motors), temp_oil (degC,
 * gearboxes), pressure (bar), flow (m3/h), current (A RMS), spindle_load (% of rated torque),
 * tool_wear (um, flank-wear estimate from the machine's tool model).
 */
export const CHANNEL = {
  vibration: 'vib_de',
  phaseCurrent: 'phase_current',
  speed: 'speed',
  bearingTemp: 'temp_bearing',
  windingTemp: 'temp_winding',
  oilTemp: 'temp_oil',
  pressure: 'pressure',
  flow: 'flow',
  current: 'current',
  spindleLoad: 'spindle_load',
  toolWear: 'tool_wear',
} as const;

/**
 * Channels that are the machine's own estimate of a degradation state (the CNC's tool model
 * integrates cutting time and force into a flank-wear estimate), not measurands that follow the
 * operating regime. Their moving alone is the degradation they estimate, so the edge never reads it
 * as a sensor drifting from what its regime predicts; and a computed value does not age like a
 * sensor's element (its faults are a frozen, lost or garbled value: stuck, dropout, spike).
 */
export const CONDITION_INDICATOR_CHANNELS: ReadonlySet<string> = new Set([CHANNEL.toolWear]);

/**
 * Evidence feature names beyond the generic ones, shared by the edge (computes them), the cloud
 * (rules read them) and the simulator's tests (which check the physics shows in them).
 */
export const EVIDENCE_FEATURE = {
  /** Stronger of the (1 ± 2s)·f_supply sidebands of phase_current relative to the supply line, dB (≤ 0; healthy < −50, broken bars > −45; Thomson & Fenger, IEEE IAM 2001). */
  currentSidebandDb: 'current_sideband_db',
  /** Gear mesh line (input teeth × input shaft Hz) in the acceleration spectrum, dB above the local floor. */
  gearMeshDb: 'gear_mesh_db',
  /** Mean of the stronger ±shaft-rate sidebands around the first two mesh harmonics, dB relative to the mesh line. */
  gearSidebandDb: 'gear_sideband_db',
} as const;
