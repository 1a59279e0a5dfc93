// Operating regimes of one machine. A stopped machine keeps publishing windows (speed 0, noise
// floor, cooling temperatures): these are neither learned nor scored. A running machine's
// vibration, flow, pressure and current depend on its speed (pump affinity laws: flow ∝ n,
// head ∝ n², power ∝ n³; vibration from unbalance grows with speed), so baselines are kept per
// speed band, and after a start or a setpoint change temperatures are given time to settle.
import { z } from 'zod';
import type { MachineBirth, TelemetryWindow } from '../core/index.ts';
import { RollingMedianMad } from './detectors/rolling-median.ts';
import { moments } from './features/moments.ts';

export const RegimeConfig = z.object({
  stopFraction: z.number().positive().max(0.5).default(0.1).describe('speed below this fraction of rated is standstill'),
  bandRatio: z.number().min(1.02).max(2).default(1.1).describe('speed bands are log-spaced by this ratio (10%: within a band, speed-driven levels change by < ~30% even for n³ laws)'),
  bandHysteresis: z.number().min(0.5).max(1).default(0.75).describe('stay in band k while |log(rpm/rated)/log(ratio) − k| ≤ this (0.5 = no hysteresis), so speed noise at a band edge does not flip regimes'),
  currentStopFraction: z.number().positive().max(0.5).default(0.1).describe('without speed: current below this fraction of its running median is standstill'),
  vibrationStopFraction: z.number().positive().max(0.5).default(0.2).describe('without speed or current: vibration RMS below this fraction of its running median (−14 dB) is standstill'),
  settleMs: z.number().nonnegative().default(90 * 60_000).describe('after a start or a setpoint change, temperatures are not scored for this long (3 thermal time constants of ~30 min: 95% settled)'),
});
export type RegimeConfig = z.input<typeof RegimeConfig>;

/** How one window's operating state was judged. */
export interface RegimeState {
  running: boolean;
  /** Speed band key (`b<k>` where the band centre is rated·ratio^k), or `fixed` without a speed channel. */
  key: string;
  rpm: number;
  /** True on the first running window after a stop or a band change: a mechanical transient, not scored. */
  transient: boolean;
  /** True while temperatures are still settling after a start or a band change. */
  settling: boolean;
}

export interface RegimeTracker {
  /** Judges `w`; `speedUsable` is false while the speed sensor is judged faulty. */
  classify(w: TelemetryWindow, speedUsable: boolean): RegimeState;
}

/** Creates the regime tracker of one machine. */
export function createRegimeTracker(birth: () => MachineBirth, config: RegimeConfig = {}): RegimeTracker {
  const cfg = RegimeConfig.parse(config);
  // Running level of the standstill indicator (no speed channel), in single precision: it is
  // compared at 10–20 % of itself, and 200 doubles twice over would cost 3 KB per machine.
  const level = new RollingMedianMad(200, undefined, true);
  const logRatio = Math.log(cfg.bandRatio);
  let key: string | null = null;
  let wasRunning = false;
  let seen = false;
  let settleUntilMs = -Infinity;

  const bandOf = (rpm: number, rated: number): string => {
    const x = Math.log(rpm / rated) / logRatio;
    if (key !== null && key.startsWith('b')) {
      const k = Number(key.slice(1));
      if (Math.abs(x - k) <= cfg.bandHysteresis) return key;
    }
    return `b${Math.round(x)}`;
  };

  return {
    classify(w, speedUsable) {
      const b = birth();
      const speed = speedUsable ? w.channels.find((c) => c.name === 'speed') : undefined;
      let running: boolean;
      let rpm = b.ratedSpeedRpm;
      let next: string;
      if (speed && speed.values.length > 0) {
        rpm = speed.values.reduce((s, v) => s + Math.abs(v), 0) / speed.values.length;
        running = rpm >= cfg.stopFraction * b.ratedSpeedRpm;
        next = running ? bandOf(rpm, b.ratedSpeedRpm) : (key ?? 'stopped');
      } else {
        // No speed: the stator current (or else the vibration level) collapses at standstill.
        const cur = w.channels.find((c) => c.name === 'current');
        const vib = w.channels.find((c) => c.name === 'vib_de');
        const x = cur ? Math.abs(cur.values.reduce((s, v) => s + v, 0) / cur.values.length) : vib ? moments(vib.values).rms : NaN;
        const frac = cur ? cfg.currentStopFraction : cfg.vibrationStopFraction;
        const ref = level.get();
        running = !(Number.isFinite(x) && ref.n >= 5 && x < frac * ref.median);
        if (running && Number.isFinite(x)) level.update(x);
        next = key ?? 'fixed';
        if (!speedUsable && key !== null) next = key; // a faulty speed sensor keeps the last band
      }
      // The very first window is not a transition (the agent may start beside a running machine).
      const transient = running && seen && (!wasRunning || next !== key);
      if (transient) settleUntilMs = w.ts + cfg.settleMs;
      if (running) key = next;
      wasRunning = running;
      seen = true;
      return { running, key: key ?? next, rpm, transient, settling: w.ts < settleUntilMs };
    },
  };
}
