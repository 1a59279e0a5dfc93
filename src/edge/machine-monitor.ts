// One machine's analytics on event time: features → robust baseline (behind a threshold filter)
// → alarm hysteresis. No I/O, so the agent's wiring and this logic are tested apart.
import { z } from 'zod';
import { fail, ok, type MachineBirth, type Result, type TelemetryWindow } from '../core/index.ts';
import { createFeatureExtractor, FeatureConfig, type WindowFeatures } from './features/window-features.ts';
import { createRobustBaseline, RobustBaselineConfig, type RobustBaseline } from './detectors/robust-baseline.ts';
import { createScoreCalibration, ScoreCalibrationConfig } from './detectors/score-calibration.ts';
import { AlarmConfig, createAlarm, type Alarm, type AlarmTransition } from './alarm.ts';

export const DetectorConfig = RobustBaselineConfig.extend({
  learnBelow: z.number().positive().default(5).describe('windows scoring at or above this are not learned (capped at alarm.high)'),
});

export const MonitorConfig = z.object({
  features: FeatureConfig.prefault({}),
  detector: DetectorConfig.prefault({}),
  calibration: ScoreCalibrationConfig.prefault({}),
  alarm: AlarmConfig.prefault({}),
});
export type MonitorConfig = z.input<typeof MonitorConfig>;

/** What one window did to the machine's state. */
export interface Observation {
  /** Score in alarm units: the detector's robust score over this machine's calibration scale. */
  score: number;
  /** The detector's own score before calibration. */
  rawScore: number;
  state: 'learning' | 'normal' | 'alarm';
  transition: AlarmTransition | null;
  features: WindowFeatures;
  /** The learned baseline of the scored features (only on a raise, for the evidence). */
  baseline?: Record<string, { median: number; mad: number }>;
}

export interface MachineMonitor {
  birth: MachineBirth;
  /** Scores one window and steps the alarm; a failed Result when the window has no usable features. */
  observe(w: TelemetryWindow): Result<Observation>;
  /** Windows observed successfully. */
  readonly windows: number;
  /** Score of the last observed window (0 before any). */
  readonly lastScore: number;
  state(): Observation['state'];
}

/** Creates the monitor of one machine from its birth certificate. */
export function createMachineMonitor(birth: MachineBirth, config: MonitorConfig = {}): MachineMonitor {
  const cfg = MonitorConfig.parse(config);
  const extract = createFeatureExtractor(cfg.features);
  const baseline: RobustBaseline = createRobustBaseline(cfg.detector);
  const alarm: Alarm = createAlarm(cfg.alarm);
  const calibration = createScoreCalibration(cfg.alarm.high ?? 6, cfg.calibration);
  // Learning above the raise threshold would let a slowly growing fault teach the baseline itself
  // (the threshold-filter rule, applied here in calibrated units).
  const learnBelow = Math.min(cfg.detector.learnBelow, cfg.alarm.high ?? 6);
  let windows = 0;
  let lastScore = 0;
  const state = (): Observation['state'] =>
    alarm.incident() ? 'alarm' : baseline.learned < cfg.detector.warmup || !calibration.armed ? 'learning' : 'normal';

  const monitor: MachineMonitor = {
    birth,
    get windows() {
      return windows;
    },
    get lastScore() {
      return lastScore;
    },
    state,
    observe(w) {
      const f = extract(w, monitor.birth);
      if (!f.ok) return fail(f.reason);
      const rawScore = baseline.scoreOne(f.value.features);
      const score = calibration.normalize(rawScore);
      const warm = baseline.learned >= cfg.detector.warmup;
      // The alarm is armed only once this machine's healthy score distribution is known.
      const transition = calibration.armed ? alarm.step(score, w.ts) : null;
      // Nothing is learned while the machine is suspect (an incident open, or cleared less than
      // rearmMs ago): a flickering fault's quiet windows are still the fault.
      if (!alarm.suspect(w.ts) && score < learnBelow) {
        baseline.learnOne(f.value.features);
        if (warm) calibration.update(rawScore);
      }
      windows++;
      lastScore = score;
      const obs: Observation = { score, rawScore, state: state(), transition, features: f.value };
      if (transition?.kind === 'raised') {
        const all = baseline.baseline();
        obs.baseline = Object.fromEntries(Object.keys(f.value.features).filter((k) => all[k]).map((k) => [k, all[k]!]));
      }
      return ok(obs);
    },
  };
  return monitor;
}
