// Gear mesh vibration of a single-stage gear, as order lines of the input shaft.
//
// Even a new gear pair vibrates at the tooth-meshing frequency and its harmonics (transmission
// error from tooth deflection and profile deviations); tooth wear departs the flanks from the
// involute, which raises the mesh harmonics (the 2nd and 3rd most) and modulates the mesh with the
// worn gear's rotation, giving sidebands at ± the shaft rates around each harmonic (Randall,
// "Vibration-based Condition Monitoring", Wiley 2011, sec. 2.2.4 and ch. 5.4 on gear diagnostics).
import type { OrderLine } from './vibration.ts';

export interface GearTeeth {
  inputTeeth: number;
  outputTeeth: number;
}

/** Healthy mesh acceleration at the housing, m/s2 peak, for the 1st, 2nd and 3rd mesh harmonic. */
export const HEALTHY_MESH_MS2 = [3, 1.2, 0.5] as const;
/** Growth of each harmonic with wear: amplitude x (1 + g s), wear distorts the profile so higher harmonics grow most. */
const MESH_WEAR_GROWTH = [1, 2, 3] as const;
/** Healthy shaft-rate sidebands relative to their harmonic (small eccentricity and runout), linear: −32 dB. */
const HEALTHY_SIDEBAND = 0.025;
/** Input-shaft (pinion) sidebands at failure relative to their harmonic, linear (−6 dB): strong modulation of a badly worn pinion. */
const WORN_INPUT_SIDEBAND = 0.5;
/**
 * Output-shaft (wheel) sidebands at failure, linear (−12 dB). With a 23/67 pair the pinion sees
 * 2.9 times the wheel's tooth contacts, so it wears first and most.
 */
const WORN_OUTPUT_SIDEBAND = 0.25;
/** Second-order (±2 x input) sidebands relative to the first: wear is not a pure sinusoid around the gear. */
const SECOND_SIDEBAND_RATIO = 0.4;

/** Mesh frequency, orders of the input shaft (= input teeth). */
export function meshOrders(g: GearTeeth): number {
  return g.inputTeeth;
}

/**
 * Order lines (velocity, mm/s peak) of the gear mesh at input shaft `shaftHz` with tooth wear at
 * severity s (0 new … 1 failed): three mesh harmonics, ±1 and ±2 input-shaft sidebands and ±1
 * output-shaft sidebands around each.
 */
export function gearMeshLines(g: GearTeeth, shaftHz: number, s: number): OrderLine[] {
  const outOrders = g.inputTeeth / g.outputTeeth;
  const w = Math.max(0, s);
  // Sidebands grow late: a little wear changes the profile evenly; modulation needs uneven wear.
  const inSb = HEALTHY_SIDEBAND + (WORN_INPUT_SIDEBAND - HEALTHY_SIDEBAND) * w * w;
  const outSb = HEALTHY_SIDEBAND + (WORN_OUTPUT_SIDEBAND - HEALTHY_SIDEBAND) * w * w;
  const lines: OrderLine[] = [];
  const mmS = (accMs2: number, order: number): number => (accMs2 / (2 * Math.PI * order * shaftHz)) * 1000;
  for (let h = 1; h <= 3; h++) {
    const order = h * g.inputTeeth;
    const a = HEALTHY_MESH_MS2[h - 1]! * (1 + MESH_WEAR_GROWTH[h - 1]! * w);
    lines.push({ order, mmS: mmS(a, order) });
    for (const sign of [-1, 1]) {
      lines.push({ order: order + sign, mmS: mmS(a * inSb, order + sign) });
      lines.push({ order: order + 2 * sign, mmS: mmS(a * inSb * SECOND_SIDEBAND_RATIO, order + 2 * sign) });
      lines.push({ order: order + sign * outOrders, mmS: mmS(a * outSb, order + sign * outOrders) });
    }
  }
  return lines;
}

/** Extra gear-mesh friction power at wear severity s, fraction of full load: worn flanks slide with more loss. */
export function gearWearPower(s: number): number {
  return 0.02 * s * s;
}

/** Extra oil-sump temperature rise at wear severity s, K: friction heat from worn, rougher flanks (up to ~20 K). */
export function gearWearOilRiseK(s: number): number {
  return 5 * s + 15 * s * s * s;
}
