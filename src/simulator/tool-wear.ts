// Flank wear of a milling cutter and what it does to the spindle.
//
// Flank wear VB grows in three stages: a rapid initial (break-in) stage, a long stage of nearly
// linear growth, and an accelerating stage before the tool fails (Taylor; the classic curve of
// ISO 8688-2:1989 for end milling and ISO 3685:1993 for turning, whose tool-life criterion is an
// average VB of 0.3 mm). A blunter tool needs more cutting force — roughly proportional to the
// flank contact length — so spindle load and the tooth-pass-frequency vibration rise with VB
// (Dimla, "Sensor signals for tool-wear monitoring in metal cutting operations — a review of
// methods", Int. J. Machine Tools & Manufacture 40, 2000).
import type { OrderLine } from './vibration.ts';

/** Flank wear at which the tool has failed, mm (ISO 3685 / ISO 8688-2 tool-life criterion). */
export const VB_FAILURE_MM = 0.3;
/** Flank wear of a healthy machine's tool (drawn per machine in this range), mm: a tool past break-in. */
export const VB_HEALTHY_MM: [number, number] = [0.03, 0.06];
/** Share of the wear added by break-in, the linear stage and the accelerating stage (sums to 1). */
const STAGE_SHARE = { initial: 0.25, linear: 0.45, accelerating: 0.3 } as const;
/** Break-in time constant, fraction of tool life. */
const BREAK_IN_TAU = 0.04;

/**
 * Flank wear VB (mm) at fraction u of the tool's life (0 new … 1 failed), from `vbStartMm` to
 * VB_FAILURE_MM; `growth` shapes the accelerating stage (larger: later and steeper).
 */
export function flankWearMm(u: number, vbStartMm: number, growth: number): number {
  return vbStartMm + (VB_FAILURE_MM - vbStartMm) * toolWearShape(u, growth);
}

/** The three-stage wear curve normalised to 0 at u = 0 and 1 at u = 1 (u: fraction of tool life); monotone. */
export function toolWearShape(u: number, growth: number): number {
  const x = Math.max(0, Math.min(1, u));
  const initial = -Math.expm1(-x / BREAK_IN_TAU) / -Math.expm1(-1 / BREAK_IN_TAU);
  const accel = Math.expm1(growth * x) / Math.expm1(growth);
  return STAGE_SHARE.initial * initial + STAGE_SHARE.linear * x + STAGE_SHARE.accelerating * accel;
}

/** Cutting-force factor at flank wear VB: ~1.6 times the sharp tool's force at the failure criterion (Dimla 2000). */
export function cuttingForceFactor(vbMm: number): number {
  return 1 + 0.6 * (vbMm / VB_FAILURE_MM) ** 1.5;
}

/** Spindle load at full demand with a sharp tool, % of rated torque: a roughing cut sized for ~60%. */
export const SPINDLE_LOAD_AT_FULL_DEMAND_PCT = 60;

/** Tooth-pass vibration of a sharp tool at the housing, m/s2 peak, at the 1st and 2nd tooth-pass harmonic. */
const TOOTH_PASS_MS2 = [2, 0.6] as const;

/**
 * Order lines (velocity, mm/s peak) of the cutting forces: tooth pass (flutes x shaft) and its
 * 2nd harmonic, scaled by load and by the wear's force factor.
 */
export function toothPassLines(flutes: number, shaftHz: number, load: number, vbMm: number): OrderLine[] {
  const f = cuttingForceFactor(vbMm) * load;
  return TOOTH_PASS_MS2.map((a, i) => {
    const order = (i + 1) * flutes;
    return { order, mmS: ((a * f) / (2 * Math.PI * order * shaftHz)) * 1000 };
  });
}
