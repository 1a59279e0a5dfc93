// The shared vocabulary of machines, components and faults. The simulator injects these faults,
// the cloud names them, the ERP's bill of materials maps a component to a spare part.
import { z } from 'zod';

/** Machine types the plant can hold. */
export const MachineType = z.enum(['centrifugal-pump', 'induction-motor', 'fan']);
export type MachineType = z.infer<typeof MachineType>;

/** Replaceable components, named as a maintenance planner would (BOM positions). */
export const Component = z.enum(['drive-end-bearing', 'coupling-insert', 'impeller']);
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
};

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
