// Temperatures of one machine against their learned thermal models (detectors/thermal-model.ts):
// per temperature channel, the residual between the measured and the predicted temperature, K.
// The operating point the models see is generic, read from what every machine publishes:
//   - the regime (speed band, or standstill) as a one-hot: its steady level is learned per regime;
//   - the speed's relative deviation from rated: an induction machine slows with load (slip,
//     IEC 60034-1), so within a band it is a load proxy;
//   - every other non-temperature scalar (current, pressure, flow, spindle load) relative to its
//     first running value: friction and copper losses follow load;
//   - the daily ambient cycle as sin/cos of the hour (UTC; the phase is learned).
// A residual is only trusted once the model has learned `warmup` windows and the current regime
// `regimeWarmup` of them: the first visit of a regime teaches its steady level.
import { z } from 'zod';
import type { MachineBirth } from '../../core/index.ts';
import { ThermalModel, ThermalModelConfig } from '../detectors/thermal-model.ts';

export const ThermalResidualConfig = ThermalModelConfig.extend({
  maxRegimes: z.number().int().min(1).max(32).default(8).describe('regimes with their own steady level (further ones share the last slot)'),
  warmup: z.number().int().min(1).default(96).describe('learned windows before any residual is trusted (96 = 8 h at 5 min: over 5 time constants of a 90-min sump, and more than a few hours of steady running, over which an RLS still follows a slow offset)'),
  regimeWarmup: z.number().int().min(1).default(24).describe('learned windows in the current regime before its residuals are trusted'),
  maxGapFactor: z.number().positive().default(3).describe('an interval this many times the usual one breaks the model state (no prediction across a gap)'),
  dailyCycle: z.boolean().default(true).describe('model the daily ambient swing (sin/cos of the hour)'),
});
export type ThermalResidualConfig = z.input<typeof ThermalResidualConfig>;

const HOUR_MS = 3_600_000;

/** Temperature channels: their name says so (temp_bearing, temp_oil, temp_winding …). */
export const isTemperatureChannel = (channel: string) => channel.startsWith('temp');

/** One window as the thermal models see it. */
export interface ThermalInput {
  tsMs: number;
  /** Scalar channel → window level. */
  levels: Readonly<Record<string, number>>;
  running: boolean;
  regimeKey: string;
  /** Measured shaft speed, rpm (undefined while the speed sensor is unusable). */
  rpm: number | undefined;
  /** Channels judged faulty: their models restart when they return. */
  excluded: ReadonlySet<string>;
}

export interface ThermalResiduals {
  /** Steps every temperature's model; returns channel → residual (K) for the trusted ones. */
  update(input: ThermalInput): Record<string, number>;
  /** Fits the last step of every model (call when the window was healthy). */
  learn(): void;
  /** A channel's estimated time constant, ms (undefined before its model exists). */
  tauMs(channel: string): number | undefined;
}

interface Channel {
  model: ThermalModel;
  perRegime: Int32Array;
}

/** Creates the thermal models of one machine. */
export function createThermalResiduals(birth: () => MachineBirth, config: ThermalResidualConfig = {}): ThermalResiduals {
  const cfg = ThermalResidualConfig.parse(config);
  const slots = new Map<string, number>();
  const channels = new Map<string, Channel>();
  const refs = new Map<string, number>();
  let proxies: string[] | undefined;
  let x: Float64Array | undefined;
  let slot = 0;
  let lastKey: string | undefined;
  // The step across a start, a stop or a setpoint change mixes two operating points within one
  // interval (the change happened somewhere inside it): it is predicted, but not learned from.
  let boundary = false;
  let lastTs: number | undefined;
  let intervalMs: number | undefined;

  const speedName = 'speed';
  const layout = () => {
    if (!proxies) {
      proxies = birth().sensors.filter((s) => s.kind === 'scalar' && s.channel !== speedName && !isTemperatureChannel(s.channel)).map((s) => s.channel);
      x = new Float64Array(cfg.maxRegimes + 3 + proxies.length);
    }
    return { proxies, x: x! };
  };

  return {
    update(w) {
      const { proxies, x } = layout();
      const b = birth();
      // Usual interval: a slow running minimum-like estimate (the first intervals, then EWMA).
      let gap = false;
      if (lastTs !== undefined) {
        const dt = w.tsMs - lastTs;
        if (!(dt > 0)) gap = true;
        else {
          gap = intervalMs !== undefined && dt > cfg.maxGapFactor * intervalMs;
          if (!gap) intervalMs = intervalMs === undefined ? dt : intervalMs + 0.05 * (dt - intervalMs);
        }
      }
      lastTs = w.tsMs;

      const key = w.running ? w.regimeKey : 'stopped';
      boundary = lastKey !== undefined && key !== lastKey;
      lastKey = key;
      let s = slots.get(key);
      const fresh = s === undefined;
      if (s === undefined) slots.set(key, (s = Math.min(slots.size, cfg.maxRegimes - 1)));
      slot = s;
      x.fill(0);
      x[s] = 1;
      const R = cfg.maxRegimes;
      if (w.running && w.rpm !== undefined && Number.isFinite(w.rpm) && b.ratedSpeedRpm > 0) x[R] = w.rpm / b.ratedSpeedRpm - 1;
      if (cfg.dailyCycle) {
        const phase = (2 * Math.PI * ((w.tsMs / HOUR_MS) % 24)) / 24;
        x[R + 1] = Math.sin(phase);
        x[R + 2] = Math.cos(phase);
      }
      // A load proxy that is missing or judged faulty leaves the operating point unknown: the models
      // restart from the measurement when it is back (no prediction, no learning meanwhile).
      let blind = false;
      for (let i = 0; i < proxies.length; i++) {
        const ch = proxies[i]!;
        const v = w.levels[ch];
        if (!w.running) continue;
        if (w.excluded.has(ch) || v === undefined || !Number.isFinite(v)) {
          blind = true;
          continue;
        }
        let ref = refs.get(ch);
        if (ref === undefined && Math.abs(v) > 0) refs.set(ch, (ref = Math.abs(v)));
        if (ref !== undefined) x[R + 3 + i] = v / ref - 1;
      }
      if (blind) boundary = true;

      const out: Record<string, number> = {};
      for (const [ch, v] of Object.entries(w.levels)) {
        if (!isTemperatureChannel(ch)) continue;
        let c = channels.get(ch);
        if (!c) channels.set(ch, (c = { model: new ThermalModel(x.length, cfg), perRegime: new Int32Array(cfg.maxRegimes) }));
        if (w.excluded.has(ch) || !Number.isFinite(v) || gap || blind) {
          c.model.reset();
          continue;
        }
        if (fresh || c.perRegime[s] === 0) c.model.seed(s, x, v);
        const r = c.model.step(v, x);
        if (Number.isFinite(r) && c.model.n >= cfg.warmup && c.perRegime[s]! >= cfg.regimeWarmup) out[ch] = r;
      }
      return out;
    },
    learn() {
      if (boundary) return;
      for (const c of channels.values()) if (c.model.learnLast()) c.perRegime[slot]!++;
    },
    tauMs(ch) {
      const c = channels.get(ch);
      return c && intervalMs !== undefined ? c.model.tauWindows * intervalMs : undefined;
    },
  };
}
