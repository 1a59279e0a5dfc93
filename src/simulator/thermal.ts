// Bearing temperature as a first-order thermal system: C dT/dt = (T_drive - T) / R, time constant
// tau = R C. A bearing housing of a few kg of cast iron cooled by free convection has tau of
// 15–60 min (Harris & Kotzalas, Rolling Bearing Analysis, 5th ed., vol. 1, ch. 16 heat transfer);
// we use 30 min.

/** Thermal time constant of the drive-end bearing housing, ms. */
export const BEARING_TAU_MS = 30 * 60_000;

/**
 * Advances a first-order lag by `dtMs` towards `driveC` using the exact solution for a drive held
 * constant over the step (zero-order hold), so the result does not depend on the step size.
 */
export function thermalStep(tempC: number, driveC: number, dtMs: number, tauMs = BEARING_TAU_MS): number {
  return driveC + (tempC - driveC) * Math.exp(-dtMs / tauMs);
}

/** Temperature the bearing settles at: ambient plus friction heat from load and from the fault. */
export function bearingDriveC(ambientC: number, load: number, riseAtFullLoadK: number, faultRiseK: number): number {
  return ambientC + riseAtFullLoadK * load + faultRiseK;
}
