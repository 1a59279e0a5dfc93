// Noisier sensors (cheap MEMS accelerometers, long unshielded cables, coarse ADCs): extra white
// measurement noise added to every published sample, so that a plant's total sensor noise is
// `noiseFactor` times its nominal noise. The nominal noise is what the machine models already add
// (machine.ts SENSOR_NOISE, type-channels.ts NOISE, motor-current.ts, machine-types.ts
// noiseRmsMs2); independent Gaussian noise adds in power, so the extra standard deviation is
// nominal · √(k² − 1). Process noise (flow turbulence, load) is not a sensor's and stays as it is.
import type { Channel, MachineType, TelemetryWindow } from '../core/index.ts';
import { MACHINE_TYPES } from './machine-types.ts';
import { createRng, type Rng } from './rng.ts';

/**
 * Nominal measurement noise of scalar channels, in the channel's unit (1 σ), as the machine
 * models add it. `flow` is relative (0.5 % of reading), the others absolute.
 */
export const NOMINAL_SCALAR_NOISE: Record<string, number> = {
  speed: 0.5, // rpm
  temp_bearing: 0.1, // K
  temp_winding: 0.1, // K
  temp_oil: 0.1, // K
  pressure: 0.02, // bar
  current: 0.2, // A
  spindle_load: 0.5, // % of rated torque
  tool_wear: 6, // µm
};
/** Relative nominal noise (fraction of the reading) for channels whose noise scales with the value. */
export const NOMINAL_RELATIVE_NOISE: Record<string, number> = { flow: 0.005, phase_current: 0.002 };

/** Adds the extra sensor noise for a plant whose sensors are `factor` times noisier than nominal. */
export interface SensorNoise {
  apply(w: TelemetryWindow, machineType: MachineType): TelemetryWindow;
}

/** A noise stage for `factor` ≥ 1 (1 adds nothing); one random stream per machine, so machines stay independent. */
export function createSensorNoise(factor: number, seed: number): SensorNoise | null {
  if (!(factor >= 1)) throw new RangeError(`sensor noise factor must be ≥ 1, got ${factor}`);
  if (factor === 1) return null;
  const gain = Math.sqrt(factor * factor - 1);
  const rngs = new Map<string, Rng>();
  const rngOf = (machine: string): Rng => {
    let r = rngs.get(machine);
    if (!r) rngs.set(machine, (r = createRng(seed, 'sensor-noise', machine)));
    return r;
  };
  const noisy = (c: Channel, type: MachineType, rng: Rng): Channel => {
    const values = c.values.slice();
    const rel = NOMINAL_RELATIVE_NOISE[c.name];
    if (rel !== undefined) {
      // Relative to the window's RMS for waveforms (an AC signal's reading is its amplitude).
      let ss = 0;
      for (const v of values) ss += v * v;
      const scale = c.values.length > 1 ? Math.sqrt(ss / values.length) : Math.abs(values[0]!);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! + gain * rel * scale * rng.normal();
      return { ...c, values };
    }
    const sd = c.name === 'vib_de' ? MACHINE_TYPES[type].noiseRmsMs2 : NOMINAL_SCALAR_NOISE[c.name];
    if (sd === undefined) return c; // a channel without a known sensor noise: left alone, not guessed
    for (let i = 0; i < values.length; i++) values[i] = values[i]! + gain * sd * rng.normal();
    return { ...c, values };
  };
  return {
    apply(w, machineType) {
      const rng = rngOf(w.machine);
      return { ...w, channels: w.channels.map((c) => noisy(c, machineType, rng)) };
    },
  };
}
