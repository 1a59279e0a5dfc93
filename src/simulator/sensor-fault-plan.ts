// Sensor faults (the sensor, cable or mount fails; the machine is healthy): what to inject and a
// reproducible plan of them from per-machine rates. Corruption of windows is in sensor-faults.ts.
import { z } from 'zod';
import { ConfigError, SensorFaultType, type MachineBirth } from '../core/index.ts';
import { createRng } from './rng.ts';

const HOUR_MS = 3_600_000;

/** One sensor fault: `kind` corrupts `channel` of `machine` from `onsetMs` until `endMs` (event time, epoch ms). */
export interface SensorFaultInjection {
  machine: string;
  channel: string;
  kind: SensorFaultType;
  onsetMs: number;
  endMs: number;
}

/** Plant-level sensor-fault rates (YAML `sensorFaults`). */
export const SensorFaultRates = z.object({
  perMachinePerWeek: z.number().min(0).max(50).default(0).describe('expected sensor faults per machine per week (Poisson); 0 = none'),
  durationHours: z
    .tuple([z.number().min(0.01).max(720), z.number().min(0.01).max(720)])
    .refine(([lo, hi]) => lo <= hi, 'min must not exceed max')
    .default([1, 12])
    .describe('[min, max] duration of one sensor fault, hours (uniform)'),
  kinds: z.array(SensorFaultType).min(1).default([...SensorFaultType.options]).describe('sensor faults to draw from (uniformly)'),
});
export type SensorFaultRates = z.infer<typeof SensorFaultRates>;

/** Sensor faults each channel can suffer: a loose mount only affects an accelerometer (a m/s2 waveform). */
export function sensorFaultAppliesTo(kind: SensorFaultType, sensor: MachineBirth['sensors'][number]): boolean {
  return kind === 'loose-mount' ? sensor.kind === 'waveform' && sensor.unit === 'm/s2' : true;
}

/** Draws from a Poisson distribution of mean `mean` (Knuth's multiplication method; means here are small). */
function poisson(mean: number, u: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = u(); p > limit; p *= u()) k++;
  return k;
}

/**
 * Plans sensor faults over [startMs, startMs + horizonMs) for the given machines: a Poisson count
 * per machine at `rates.perMachinePerWeek`, each on a random channel of a kind that applies to it,
 * at a uniform onset. Deterministic for a seed; each machine draws from its own stream, so a
 * machine's plan does not depend on its neighbours.
 */
export function planSensorFaults(opts: { births: readonly MachineBirth[]; rates: SensorFaultRates; seed: number; startMs: number; horizonMs: number }): SensorFaultInjection[] {
  const r = SensorFaultRates.safeParse(opts.rates);
  if (!r.success) throw new ConfigError(`sensorFaults: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (!(opts.horizonMs > 0)) throw new ConfigError(`horizonMs: expected > 0, got ${opts.horizonMs}`);
  const rates = r.data;
  const mean = (rates.perMachinePerWeek * opts.horizonMs) / (7 * 24 * HOUR_MS);
  const out: SensorFaultInjection[] = [];
  for (const b of opts.births) {
    const rng = createRng(opts.seed, 'sensor-fault-plan', b.machine);
    const n = poisson(mean, () => rng.next() || Number.MIN_VALUE);
    for (let i = 0; i < n; i++) {
      const kind = rates.kinds[rng.int(rates.kinds.length)]!;
      const sensors = b.sensors.filter((s) => sensorFaultAppliesTo(kind, s));
      if (sensors.length === 0) continue;
      const channel = sensors[rng.int(sensors.length)]!.channel;
      const onsetMs = Math.round(opts.startMs + rng.uniform(0, opts.horizonMs));
      const endMs = onsetMs + Math.round(rng.uniform(...rates.durationHours) * HOUR_MS);
      out.push({ machine: b.machine, channel, kind, onsetMs, endMs });
    }
  }
  return out.sort((a, b) => a.onsetMs - b.onsetMs || a.machine.localeCompare(b.machine));
}
