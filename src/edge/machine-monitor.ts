// One machine's analytics on event time: data-quality checks → operating regime → features →
// robust baseline of the regime (behind a threshold filter) → alarm hysteresis. No I/O, so the
// agent's wiring and this logic are tested apart.
import { z } from 'zod';
import { EVIDENCE_FEATURE, fail, ok, type MachineBirth, type Result, type TelemetryWindow } from '../core/index.ts';
import { createFeatureExtractor, FeatureConfig, type WindowFeatures } from './features/window-features.ts';
import { scalarOnlyFeatures } from './features/scalar-only.ts';
import { currentSignature } from './features/current-signature.ts';
import { gearMesh } from './features/gear-mesh.ts';
import { createScalarTrends } from './features/scalar-trends.ts';
import { createRobustBaseline, MAD_TO_SIGMA, RobustBaselineConfig, type RobustBaseline } from './detectors/robust-baseline.ts';
import { RollingMedianMad } from './detectors/rolling-median.ts';
import { createScoreCalibration, ScoreCalibrationConfig } from './detectors/score-calibration.ts';
import { AlarmConfig, createAlarm, type Alarm, type AlarmTransition } from './alarm.ts';
import { createRegimeTracker, RegimeConfig, type RegimeState } from './regime.ts';
import { createQualityChecker, QualityConfig, type QualityTransition } from './quality/checker.ts';

export const DetectorConfig = RobustBaselineConfig.extend({
  float32: z.boolean().default(true).describe('keep learned values in single precision: memory per machine halves, and sensor data carry far fewer than 7 significant digits'),
  learnBelow: z.number().positive().default(5).describe('windows scoring at or above this are not learned (capped at alarm.high)'),
});

export const DriftConfig = z.object({
  z: z.number().positive().default(4).describe('robust z of a scalar against its regime baseline that counts towards drift'),
  windows: z.number().int().min(1).default(3).describe('consecutive such windows, uncorroborated, that make a drift'),
  corroborateZ: z.number().positive().default(4).describe('any other feature this far out corroborates the scalar: a machine change, not a sensor drift'),
});

export const MonitorConfig = z.object({
  features: FeatureConfig.prefault({}),
  detector: DetectorConfig.prefault({}),
  calibration: ScoreCalibrationConfig.prefault({}),
  alarm: AlarmConfig.prefault({}),
  regime: RegimeConfig.prefault({}),
  quality: QualityConfig.prefault({}),
  drift: DriftConfig.prefault({}),
});
export type MonitorConfig = z.input<typeof MonitorConfig>;

export type MonitorState = 'learning' | 'normal' | 'alarm' | 'stopped';

/** What one window did to the machine's state. */
export interface Observation {
  /** Score in alarm units: the detector's robust score over this machine's calibration scale. */
  score: number;
  /** The detector's own score before calibration. */
  rawScore: number;
  state: MonitorState;
  transition: AlarmTransition | null;
  features: WindowFeatures;
  /** The learned baseline of the scored features (only on a raise, for the evidence). */
  baseline?: Record<string, { median: number; mad: number }>;
  regime: RegimeState;
  /** Data-quality events this window raised or cleared. */
  quality: QualityTransition[];
  /** Channels left out of scoring in this window (judged faulty). */
  excluded: string[];
}

export interface MachineMonitor {
  birth: MachineBirth;
  /** Scores one window and steps the alarm; a failed Result when the window has no usable features. */
  observe(w: TelemetryWindow): Result<Observation>;
  /** Windows observed successfully. */
  readonly windows: number;
  /** Score of the last observed window (0 before any). */
  readonly lastScore: number;
  state(): MonitorState;
}

/**
 * Dimensionless features that barely depend on speed or load (shape factors, envelope line ratios
 * over the local floor, sideband levels relative to their carrier): they score a machine in a
 * regime whose own baseline is still being learned, so a new setpoint hides no fault meanwhile.
 */
const SHAPE_FEATURES = [
  'accel.crest', 'accel.kurtosis', 'env.bpfoRatio', 'env.bpfiRatio', 'env.bsfRatio', 'env.ftfRatio', 'env.sk',
  EVIDENCE_FEATURE.currentSidebandDb, EVIDENCE_FEATURE.gearSidebandDb,
];

const pick = (x: Record<string, number>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(x).filter(([k]) => keep(k)));

/** Least σ of a temperature difference, K: two class-B RTDs (IEC 60751, ±0.3 K each) plus lag mismatch. */
const TEMPERATURE_FLOOR_K = 0.5;

/** Temperatures follow their drive with a thermal lag: not scored until a new regime has settled. */
const isTemperature = (feature: string) => feature.startsWith('scalar.temp');

/** Creates the monitor of one machine from its birth certificate. */
export function createMachineMonitor(birth: MachineBirth, config: MonitorConfig = {}): MachineMonitor {
  const cfg = MonitorConfig.parse(config);
  const extract = createFeatureExtractor(cfg.features);
  const regimes = new Map<string, RobustBaseline>();
  const shape = createRobustBaseline(cfg.detector);
  const alarm: Alarm = createAlarm(cfg.alarm);
  const high = cfg.alarm.high ?? 6;
  const calRegime = createScoreCalibration(high, cfg.calibration);
  const calShape = createScoreCalibration(high, cfg.calibration);
  const trends = createScalarTrends();
  const driftRuns = new Map<string, number>();
  // Per regime and temperature channel: the learned difference to its peer temperatures.
  const residuals = new Map<string, RollingMedianMad>();
  const pendingResiduals = new Map<string, number>();
  // Learning above the raise threshold would let a slowly growing fault teach the baseline itself
  // (the threshold-filter rule, applied here in calibrated units).
  const learnBelow = Math.min(cfg.detector.learnBelow, high);
  let windows = 0;
  let lastScore = 0;
  let lastState: MonitorState = 'learning';
  const tracker = createRegimeTracker(() => monitor.birth, cfg.regime);
  const checker = createQualityChecker(() => monitor.birth, cfg.quality);

  const regimeOf = (key: string) => {
    let r = regimes.get(key);
    if (!r) regimes.set(key, (r = createRobustBaseline(cfg.detector)));
    return r;
  };

  /** Features of the (repaired) window, without faulty channels, plus the new evidence features. */
  function featuresOf(w: TelemetryWindow, excluded: Set<string>, rpm: number): Result<WindowFeatures> {
    const b = monitor.birth;
    const waveforms = new Set(b.sensors.filter((s) => s.kind === 'waveform').map((s) => s.channel));
    const vibName = cfg.features.vibrationChannel ?? (w.channels.some((c) => c.name === 'vib_de') ? 'vib_de' : w.channels.find((c) => waveforms.has(c.name) && c.name !== 'phase_current')?.name);
    const usable = w.channels.filter((c) => !excluded.has(c.name));
    const view = { ...w, channels: usable };
    const vib = vibName === undefined ? undefined : usable.find((c) => c.name === vibName);
    // Without a usable vibration block (missing or judged faulty), the process values are still watched.
    const scalarOnly = vib ? undefined : scalarOnlyFeatures(view, b, cfg.features.speedChannel);
    const f: Result<WindowFeatures> = scalarOnly
      ? Object.keys(scalarOnly.features).length > 0 ? ok(scalarOnly) : fail('no vibration channel and no scalar channel in window')
      : extract(view, b);
    if (!f.ok) return f;
    const features = { ...f.value.features };
    const extra: Record<string, number> = {};
    const current = usable.find((c) => c.name === 'phase_current');
    if (current) {
      const cs = currentSignature(current.values, current.rateHz, rpm, b);
      if (cs) extra[EVIDENCE_FEATURE.currentSidebandDb] = cs.sidebandDb;
    }
    if (vib && b.gear) {
      const g = gearMesh(vib.values, vib.rateHz, rpm / 60, b.gear);
      if (g) {
        extra[EVIDENCE_FEATURE.gearMeshDb] = g.meshDb;
        extra[EVIDENCE_FEATURE.gearSidebandDb] = g.sidebandDb;
      }
    }
    // Scored like any feature: the robust baseline floors σ of these dB levels at 1 dB
    // (DB_SIGMA_FLOOR), so a sideband sitting on its clamp does not give infinite scores.
    for (const [k, v] of Object.entries(extra)) if (Number.isFinite(v)) features[k] = v;
    return ok({ features, evidence: { ...f.value.evidence, features: { ...f.value.evidence.features, ...pick(extra, (k) => Number.isFinite(extra[k]!)) } } });
  }

  const monitor: MachineMonitor = {
    birth,
    get windows() {
      return windows;
    },
    get lastScore() {
      return lastScore;
    },
    state: () => lastState,
    observe(w) {
      const faultyNow = checker.faulty();
      const speedOk = !(faultyNow.has('speed') && faultyNow.get('speed') !== 'spike');
      const regime = tracker.classify(w, speedOk);
      const suspect = alarm.suspect(w.ts);
      const q = checker.inspect(w, { running: regime.running, transient: regime.transient, settling: regime.settling, regimeKey: regime.key, learn: !suspect });
      const quality = [...q.transitions];
      // Spikes are repaired in place, and a dropped-out channel that is back carries data again;
      // every other sensor fault (stuck, drift, loose mount) takes its channel out of scoring.
      const present = new Set(w.channels.map((c) => c.name));
      const excluded = new Set([...q.faulty].filter(([ch, k]) => k !== 'spike' && (k !== 'dropout' || !present.has(ch))).map(([ch]) => ch));

      if (!regime.running) {
        // Standstill: nothing to learn or score; an open incident stays open until the machine runs again.
        windows++;
        lastScore = 0;
        lastState = alarm.incident() ? 'alarm' : 'stopped';
        return ok({ score: 0, rawScore: 0, state: lastState, transition: null, features: scalarOnlyFeatures(q.window, monitor.birth), regime, quality, excluded: [...excluded] });
      }

      pendingResiduals.clear();
      const f = featuresOf(q.window, excluded, regime.rpm);
      if (!f.ok) return fail(f.reason);
      const all = f.value.features;
      const reg = regimeOf(regime.key);
      const regWarm = reg.learned >= cfg.detector.warmup;

      // Drift: one scalar walks away from what it physically follows while nothing else moves.
      if (regWarm && !regime.settling && !regime.transient) {
        const zs = reg.zScores(all);
        const temps = monitor.birth.sensors.filter((s) => s.kind === 'scalar' && isTemperature(`scalar.${s.channel}`) && !excluded.has(s.channel) && all[`scalar.${s.channel}`] !== undefined);
        for (const s of monitor.birth.sensors) {
          const name = `scalar.${s.channel}`;
          if (s.kind !== 'scalar' || s.channel === cfg.features.speedChannel || all[name] === undefined) continue;
          let z: number | undefined;
          if (isTemperature(name)) {
            // Temperatures all follow the ambient (and its daily cycle): a temperature is compared
            // with its peers on the same machine, whose common ambient part cancels. Without a peer
            // an ambient swing and a drift look alike, so no drift is judged.
            const peers = temps.filter((p) => p.channel !== s.channel);
            if (peers.length === 0) continue;
            const residual = all[name]! - peers.reduce((a, p) => a + all[`scalar.${p.channel}`]!, 0) / peers.length;
            const key = `${regime.key}/${s.channel}`;
            let r = residuals.get(key);
            if (!r) residuals.set(key, (r = new RollingMedianMad(cfg.detector.windowSize)));
            const st = r.get();
            // Two temperatures parting ways: the one whose own level left its regime baseline is blamed.
            const ownZ = zs[name] ?? 0;
            const blamed = peers.every((p) => ownZ > (zs[`scalar.${p.channel}`] ?? 0));
            if (st.n >= cfg.detector.warmup) z = blamed ? Math.abs(residual - st.median) / Math.max(MAD_TO_SIGMA * st.mad, TEMPERATURE_FLOOR_K) : 0;
            pendingResiduals.set(key, residual);
          } else {
            z = zs[name];
          }
          if (z === undefined) continue;
          let others = 0;
          for (const [k, v] of Object.entries(zs)) if (k !== name && !isTemperature(k) && !(k.startsWith('scalar.') && excluded.has(k.slice(7)))) others = Math.max(others, v);
          const drifting = checker.faulty().get(s.channel) === 'drift';
          const run = z >= cfg.drift.z && others < cfg.drift.corroborateZ ? (driftRuns.get(s.channel) ?? 0) + 1 : 0;
          driftRuns.set(s.channel, run);
          const stillOff = drifting ? z >= cfg.drift.z / 2 : run >= cfg.drift.windows;
          const t = checker.noteDrift(s.channel, stillOff, w.ts, `${s.channel} is ${z.toFixed(1)} robust σ from what its regime and peers lead one to expect, while the channels it follows are not`);
          if (t) quality.push(t);
          if (checker.faulty().get(s.channel) === 'drift') {
            excluded.add(s.channel);
            pendingResiduals.delete(`${regime.key}/${s.channel}`);
          } else excluded.delete(s.channel);
        }
      }

      const scored = pick(all, (k) => !(k.startsWith('scalar.') && excluded.has(k.slice(7))) && !(regime.settling && isTemperature(k)));
      const shapeF = pick(scored, (k) => SHAPE_FEATURES.includes(k));
      const rawRegime = reg.scoreOne(scored);
      const rawShape = shape.scoreOne(shapeF);
      const useRegime = regWarm || shape.learned < cfg.detector.warmup;
      const cal = useRegime ? calRegime : calShape;
      const rawScore = useRegime ? rawRegime : rawShape;
      const score = cal.normalize(rawScore);
      // The first window after a start or a setpoint change is a mechanical transient: not scored.
      const transition = cal.armed && !regime.transient ? alarm.step(score, w.ts) : null;
      // Nothing is learned while the machine is suspect (an incident open, or cleared less than
      // rearmMs ago): a flickering fault's quiet windows are still the fault.
      if (!regime.transient && !alarm.suspect(w.ts) && score < learnBelow) {
        reg.learnOne(scored);
        shape.learnOne(shapeF);
        for (const [key, r] of pendingResiduals) residuals.get(key)?.update(r);
        if (regWarm) calRegime.update(rawRegime);
        if (shape.learned > cfg.detector.warmup) calShape.update(rawShape);
      }
      windows++;
      lastScore = score;
      lastState = alarm.incident() ? 'alarm' : cal.armed ? 'normal' : 'learning';

      // Scalar evidence: level (already a feature), EWMA slope, deviation from the regime's expectation.
      const levels: Record<string, number> = {};
      for (const [k, v] of Object.entries(all)) if (k.startsWith('scalar.')) levels[k.slice(7)] = v;
      const evidence = { ...f.value.evidence, features: { ...f.value.evidence.features, ...trends.update(levels, w.ts) } };
      const learnedBaseline = reg.baseline();
      for (const [ch, v] of Object.entries(levels)) {
        const b = learnedBaseline[`scalar.${ch}`];
        if (b && regWarm) evidence.features[`scalar.${ch}.deviation`] = v - b.median;
      }
      const obs: Observation = { score, rawScore, state: lastState, transition, features: { features: all, evidence }, regime, quality, excluded: [...excluded] };
      if (transition?.kind === 'raised') {
        obs.baseline = Object.fromEntries(Object.keys(scored).filter((k) => learnedBaseline[k]).map((k) => [k, learnedBaseline[k]!]));
      }
      return ok(obs);
    },
  };
  return monitor;
}
