// A synthetic machine with operating regimes for the monitor tests: speed setpoints, stops,
// first-order thermal lag, speed-dependent vibration and current, an optional growing bearing
// fault and sensor faults applied by the tests themselves. Seeded, so a failure reproduces.
import { bearingDefectOrders, type MachineBirth, type TelemetryWindow } from '../../core/index.ts';
import { add, bearingImpacts, gaussian, rng, testBirth, tone } from './synthetic.test-support.ts';

export const PLANT_N = 4096;
export const PLANT_RATE = 10240;
export const WINDOW_MS = 5 * 60_000;
const T0 = 1_700_000_000_000;
const THERMAL_TAU_MS = 30 * 60_000;

/** The test pump, with a stator current and a winding temperature as well. */
export const plantBirth: MachineBirth = {
  ...testBirth,
  sensors: [...testBirth.sensors, { channel: 'current', unit: 'A', rateHz: 1, kind: 'scalar' }, { channel: 'temp_winding', unit: 'degC', rateHz: 1, kind: 'scalar' }],
};

export interface PlantStep {
  /** Speed setpoint (rpm); 0 is stopped. */
  rpm: number;
  /** Outer-race impact amplitude (m/s²); 0 is healthy. */
  fault?: number;
}

/** A stateful plant: call `next(step)` once per window. */
export function createPlant(seed = 1) {
  let i = 0;
  let tBearing = 45;
  let tWinding = 60;
  const bpfoOrders = bearingDefectOrders(plantBirth.bearing).bpfo;
  return {
    next(step: PlantStep): TelemetryWindow {
      const u = rng(seed * 100_000 + i);
      const running = step.rpm > 0;
      const rel = step.rpm / plantBirth.ratedSpeedRpm;
      const rpm = running ? step.rpm * (1 + (u() - 0.5) * 0.003) : 0;
      const shaftHz = rpm / 60;
      // Unbalance force ∝ ω²; broadband flow noise grows with speed; a stopped machine shows the sensor floor.
      const vib = running
        ? add(
            tone(PLANT_N, PLANT_RATE, shaftHz, 0.5 * rel * rel, u() * 6),
            tone(PLANT_N, PLANT_RATE, 2 * shaftHz, 0.1 * rel * rel, u() * 6),
            gaussian(PLANT_N, seed * 7919 + i, 0.5 * rel),
            step.fault ? bearingImpacts(PLANT_N, PLANT_RATE, bpfoOrders * shaftHz, 3000, step.fault * rel) : new Array<number>(PLANT_N).fill(0),
          )
        : gaussian(PLANT_N, seed * 7919 + i, 0.01);
      // First-order thermal lag towards a speed-dependent steady state over an ambient of 25 °C.
      const a = 1 - Math.exp(-WINDOW_MS / THERMAL_TAU_MS);
      tBearing += a * (25 + 20 * rel * rel - tBearing);
      tWinding += a * (25 + 35 * rel * rel * rel - tWinding);
      const current = running ? 2 + 18 * rel * rel * rel : 0;
      const w: TelemetryWindow = {
        v: 1, site: plantBirth.site, line: plantBirth.line, machine: plantBirth.machine, seq: i, ts: T0 + i * WINDOW_MS,
        channels: [
          { name: 'vib_de', unit: 'm/s2', rateHz: PLANT_RATE, values: vib },
          { name: 'speed', unit: 'rpm', rateHz: 1, values: [rpm] },
          { name: 'temp_bearing', unit: 'degC', rateHz: 1, values: [tBearing + (u() - 0.5) * 0.3] },
          { name: 'current', unit: 'A', rateHz: 1, values: [current * (1 + (u() - 0.5) * 0.01)] },
          { name: 'temp_winding', unit: 'degC', rateHz: 1, values: [tWinding + (u() - 0.5) * 0.3] },
        ],
      };
      i++;
      return w;
    },
  };
}

/** A schedule of setpoints: [rpm, windows] pairs expanded to one step per window. */
export function schedule(...parts: [rpm: number, windows: number][]): PlantStep[] {
  return parts.flatMap(([rpm, k]) => Array.from({ length: k }, () => ({ rpm })));
}
