// Corrupts published windows the way failing sensors do, while the machine itself stays healthy:
//   dropout      the channel is missing from windows (cable cut, DAQ channel down)
//   stuck        the channel repeats its last good value (scalar) or its last good block (waveform)
//   drift        an additive offset grows linearly with time (sensor ageing, bias drift)
//   spike        isolated large outliers: a few samples of a waveform, some windows of a scalar
//   loose-mount  (vibration) the accelerometer's mounted resonance falls to ~0.5–1.5 kHz, so high
//                frequencies are attenuated, and the loose sensor rattles: impacts at random, not
//                shaft-locked, times ring that resonance. Mounting resonance falls from tens of kHz
//                (stud) to ~2 kHz (magnet) and lower when loose (ISO 5348:2021, mechanical mounting
//                of accelerometers; Wilcoxon/PCB mounting guides).
// Each injection draws from its own random stream, so other channels and machines are untouched.
import type { Channel, TelemetryWindow } from '../core/index.ts';
import type { SensorFaultInjection } from './sensor-fault-plan.ts';
import { createRng, type Rng } from './rng.ts';

const HOUR_MS = 3_600_000;
/** Drift per hour as a fraction of the channel's pre-fault magnitude (a compressed ageing drift, like the P–F intervals in faults.ts). */
export const DRIFT_FRACTION_PER_HOUR = 0.02;
/** Chance that a scalar window carries an outlier while a spike fault is on. */
export const SCALAR_SPIKE_PROBABILITY = 0.3;
/** Outlier size: scalar spikes are this many times max(20% of |value|, 1 unit); waveform spikes this many times the window RMS. */
export const SPIKE_SIZE: [number, number] = [3, 6];
export const WAVEFORM_SPIKE_RMS: [number, number] = [10, 20];
/** Loose-mount resonance, Hz, and its quality factor (a lightly damped contact). */
export const LOOSE_MOUNT_RESONANCE_HZ: [number, number] = [500, 1500];
export const LOOSE_MOUNT_Q = 8;
/** Mean rattle rate, impacts per second (Poisson, so intervals are exponential and not shaft-locked), and impact size in window RMS. */
export const RATTLE_RATE_HZ = 15;
export const RATTLE_SIZE_RMS: [number, number] = [5, 15];

interface Active {
  inj: SensorFaultInjection;
  rng: Rng;
  /** Drawn once per injection: loose-mount resonance, Hz. */
  mountHz: number;
}

/** Applies sensor faults to windows; `apply` returns the corrupted window, or null if nothing is left of it. */
export interface SensorFaultApplier {
  apply(w: TelemetryWindow): TelemetryWindow | null;
}

const rmsOf = (xs: readonly number[]): number => Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / Math.max(1, xs.length));
const key = (machine: string, channel: string): string => `${machine}\u0000${channel}`;

/** Creates an applier for `injections`, deterministic for `seed`. */
export function createSensorFaultApplier(injections: readonly SensorFaultInjection[], seed: number): SensorFaultApplier {
  const byMachine = new Map<string, Active[]>();
  for (const inj of injections) {
    const rng = createRng(seed, 'sensor-fault', inj.machine, inj.channel, inj.kind, String(inj.onsetMs));
    const a: Active = { inj, rng, mountHz: rng.uniform(...LOOSE_MOUNT_RESONANCE_HZ) };
    byMachine.set(inj.machine, [...(byMachine.get(inj.machine) ?? []), a]);
  }
  // Last good values, kept only for channels that will be corrupted (a waveform block is 32 KiB).
  const watched = new Set(injections.map((i) => key(i.machine, i.channel)));
  const lastGood = new Map<string, number[]>();

  return {
    apply(w) {
      const list = byMachine.get(w.machine);
      if (!list) return w;
      const channels: Channel[] = [];
      for (const c of w.channels) {
        const k = key(w.machine, c.name);
        const on = list.filter((a) => a.inj.channel === c.name && a.inj.onsetMs <= w.ts && w.ts < a.inj.endMs);
        if (on.length === 0) {
          if (watched.has(k)) lastGood.set(k, c.values.slice());
          channels.push(c);
          continue;
        }
        let values: number[] | null = c.values.slice();
        for (const a of on) {
          values = corrupt(a, c, values, lastGood.get(k), w.ts);
          if (values === null) break;
        }
        if (values) channels.push({ ...c, values });
      }
      return channels.length ? { ...w, channels } : null;
    },
  };
}

/** One fault's corruption of one channel's values (null: dropped). */
function corrupt(a: Active, c: Channel, values: number[], good: number[] | undefined, tMs: number): number[] | null {
  const { rng, inj } = a;
  const waveform = values.length > 1;
  switch (inj.kind) {
    case 'dropout':
      return null;
    case 'stuck':
      // A frozen DAQ repeats its last buffer; a frozen scalar its last reading.
      return good && good.length === values.length ? good.slice() : values.map(() => values[0]!);
    case 'drift': {
      const ref = good ? (waveform ? rmsOf(good) : Math.abs(good[0]!)) : Math.abs(values[0]!);
      const offset = Math.max(ref, 1) * DRIFT_FRACTION_PER_HOUR * ((tMs - inj.onsetMs) / HOUR_MS);
      return values.map((v) => v + offset);
    }
    case 'spike': {
      if (waveform) {
        const rms = rmsOf(values);
        const n = 1 + rng.int(3);
        for (let i = 0; i < n; i++) values[rng.int(values.length)]! += (rng.next() < 0.5 ? -1 : 1) * rng.uniform(...WAVEFORM_SPIKE_RMS) * rms;
        return values;
      }
      if (rng.next() >= SCALAR_SPIKE_PROBABILITY) return values;
      const ref = Math.max(0.2 * Math.abs(values[0]!), 1);
      return [values[0]! + (rng.next() < 0.5 ? -1 : 1) * rng.uniform(...SPIKE_SIZE) * ref];
    }
    case 'loose-mount':
      return waveform ? looseMount(values, c.rateHz, a.mountHz, rng) : values;
  }
}

/**
 * The signal as a loosely mounted accelerometer sees it: rattle impacts (Poisson arrivals) added at
 * the input, then the mount's resonance as a second-order low-pass peaking at `mountHz` (RBJ audio
 * EQ cookbook biquad), which attenuates everything above it at 40 dB/decade.
 */
function looseMount(x: number[], rateHz: number, mountHz: number, rng: Rng): number[] {
  const rms = rmsOf(x);
  const input = x.slice();
  const dt = 1 / rateHz;
  for (let t = -Math.log(1 - rng.next()) / RATTLE_RATE_HZ; t < x.length * dt; t += -Math.log(1 - rng.next()) / RATTLE_RATE_HZ) {
    input[Math.floor(t / dt)]! += (rng.next() < 0.5 ? -1 : 1) * rng.uniform(...RATTLE_SIZE_RMS) * rms;
  }
  const w0 = (2 * Math.PI * Math.min(mountHz, 0.45 * rateHz)) / rateHz;
  const alpha = Math.sin(w0) / (2 * LOOSE_MOUNT_Q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b0 = (1 - cos) / 2 / a0, b1 = (1 - cos) / a0, b2 = b0, a1 = (-2 * cos) / a0, a2 = (1 - alpha) / a0;
  const y = new Array<number>(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = input[i]!;
    const yi = b0 * xi + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = xi; y2 = y1; y1 = yi;
    y[i] = yi;
  }
  return y;
}
