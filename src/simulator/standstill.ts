// What the sensors of a machine at standstill read: condition-monitoring systems keep sampling
// while a machine is stopped (between shifts, on a weekend), so the edge must handle standstill.
import type { Channel, MachineBirth } from '../core/index.ts';
import { PHASE_CURRENT_SAMPLES } from './motor-current.ts';
import type { Rng } from './rng.ts';

/**
 * Vibration at standstill, m/s2 RMS: the accelerometer's broadband noise floor plus floor-borne
 * background. A general-purpose 100 mV/g industrial ICP accelerometer resolves ~0.0005 g
 * (~0.005 m/s2) broadband (datasheet "broadband resolution", e.g. Wilcoxon 786A); we use twice
 * that for the background coming through the foundation from running neighbours.
 */
export const STANDSTILL_VIBRATION_RMS_MS2 = 0.01;
/** Noise of scalar sensors at standstill (tachometer rpm, RTD K, other channels in their unit). */
const STANDSTILL_NOISE = { speedRpm: 0.5, tempK: 0.1, other: 0.01 } as const;

/**
 * The channels a stopped machine publishes, in birth order: speed 0, vibration at the noise floor,
 * temperatures from `tempOfC` (cooling towards ambient, thermal.ts), everything driven by the
 * process (current, pressure, flow, load) at zero plus sensor noise, never below zero.
 * Waveforms keep their running block length: `vibrationSamples` for accelerometers, the motor-current
 * block for phase current.
 */
export function standstillChannels(sensors: MachineBirth['sensors'], vibrationSamples: number, tempOfC: (channel: string) => number, vibRng: Rng, noiseRng: Rng): Channel[] {
  return sensors.map((s) => {
    if (s.kind === 'waveform') {
      const accel = s.unit === 'm/s2';
      const n = accel ? vibrationSamples : s.channel === 'phase_current' ? PHASE_CURRENT_SAMPLES : vibrationSamples;
      const sd = accel ? STANDSTILL_VIBRATION_RMS_MS2 : STANDSTILL_NOISE.other;
      const values = new Array<number>(n);
      for (let i = 0; i < n; i++) values[i] = sd * vibRng.normal();
      return { name: s.channel, unit: s.unit, rateHz: s.rateHz, values };
    }
    let v: number;
    if (s.unit === 'degC') v = tempOfC(s.channel) + STANDSTILL_NOISE.tempK * noiseRng.normal();
    else if (s.channel === 'speed') v = Math.abs(STANDSTILL_NOISE.speedRpm * noiseRng.normal());
    else v = Math.abs(STANDSTILL_NOISE.other * noiseRng.normal());
    return { name: s.channel, unit: s.unit, rateHz: s.rateHz, values: [v] };
  });
}
