// One machine's analytics on event time: data-quality checks → operating regime → features →
// robust baseline of the regime (behind a threshold filter) → alarm hysteresis. No I/O, so the
// agent's wiring and this logic are tested apart.
import { z } from 'zod';
import { CONDITION_INDICATOR_CHANNELS, EVIDENCE_FEATURE, fail, ok, type FleetPrior, type MachineBirth, type Result, type TelemetryWindow } from '../core/index.ts';
import { createFeatureExtractor, FeatureConfig, type WindowFeatures } from './features/window-features.ts';
import { scalarOnlyFeatures } from './features/scalar-only.ts';
import { currentSignature } from './features/current-signature.ts';
import { gearMesh } from './features/gear-mesh.ts';
import { createScalarTrends } from './features/scalar-trends.ts';
import { createThermalResiduals, ThermalResidualConfig } from './features/thermal-residuals.ts';
import { createRobustBaseline, MAD_TO_SIGMA, RobustBaselineConfig, type RobustBaseline } from './detectors/robust-baseline.ts';
import { RollingMedianMad } from './detectors/rolling-median.ts';
import { createScoreCalibration, ScoreCalibrationConfig, type ScoreCalibration } from './detectors/score-calibration.ts';
import { AlarmConfig, createAlarm, type Alarm, type AlarmTransition, type OpenIncident } from './alarm.ts';
import { createRegimeTracker, RegimeConfig, type RegimeState } from './regime.ts';
import { createQualityChecker, QualityConfig, type QualityTransition } from './quality/checker.ts';
import { createDriftCusum, DriftCusumConfig } from './drift-cusum.ts';
import { createFeatureForests, createForestMember, FeatureForestConfig, type FeatureForests } from './feature-forest.ts';
import { createAlarmPeaks } from './features/alarm-peaks.ts';

export const DetectorConfig = RobustBaselineConfig.extend({
  float32: z.boolean().default(true).describe('keep learned values in single precision: memory per machine halves, and sensor data carry far fewer than 7 significant digits'),
  // A window of 500 values per feature and regime cost ~4 KB each, ~150 KiB per machine (issue 4,
  // target < 100 KiB): the streaming estimates have the same variance and mean age in O(1).
  estimator: z.enum(['window', 'streaming']).default('streaming').describe('window: exact median/MAD of the last windowSize learned values; streaming: O(1) memory per feature and regime, estimates with that window\'s variance and mean age (streaming-median.ts)'),
  learnBelow: z.number().positive().default(5).describe('windows scoring at or above this are not learned (capped at alarm.high)'),
});

export const DriftConfig = z.object({
  z: z.number().positive().default(4).describe('robust z of a scalar against its regime baseline that counts towards drift'),
  windows: z.number().int().min(1).default(3).describe('consecutive such windows, uncorroborated, that make a drift'),
  corroborateZ: z.number().positive().default(4).describe('any other feature this far out corroborates the scalar: a machine change, not a sensor drift'),
});

export const ModelMemberConfig = z.object({
  maxLagWindows: z.number().int().min(1).default(2).describe('an edge-model score older than this many windows (or from another regime) is not fused'),
  memory: z.number().int().min(16).default(500).describe('healthy model scores kept per regime for its calibration'),
  // An autoencoder's reconstruction error is heavy-tailed: the 0.99 quantile of a few dozen
  // healthy scores is their maximum, and 1.5 times it is crossed by healthy windows (measured on
  // the baseline plant: 2 false raises per 12 machines per day, none without the model). So the
  // model joins the fusion only after half a day of healthy scores in the regime, with its
  // threshold set from the fitted tail for a low false-alarm rate.
  minScores: z.number().int().min(1).default(144).describe('healthy model scores in a regime before the model member is armed (144 windows = 12 h at 5 min)'),
  falseAlarmsPerMonth: z.number().positive().default(0.5).describe("the model member's target rate of healthy windows above its threshold, per machine-month (tail fit, score-calibration.ts)"),
});

export const MonitorConfig = z.object({
  features: FeatureConfig.prefault({}),
  detector: DetectorConfig.prefault({}),
  calibration: ScoreCalibrationConfig.prefault({}),
  alarm: AlarmConfig.prefault({}),
  regime: RegimeConfig.prefault({}),
  quality: QualityConfig.prefault({}),
  drift: DriftConfig.prefault({}),
  model: ModelMemberConfig.prefault({}),
  thermal: ThermalResidualConfig.prefault({}),
  cusum: DriftCusumConfig.prefault({}),
  forest: FeatureForestConfig.prefault({}),
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
  /** The edge model's fused score in alarm units (0 while it has no calibrated score for this regime). */
  modelScore: number;
  /** The slow-drift (CUSUM) member's score in alarm units, when the machine runs. */
  driftScore?: number;
  /** The multivariate (Half-Space Trees) member's score in alarm units (0 until armed), when the machine runs. */
  forestScore?: number;
  /** True when the window was learned as healthy: the verdict the edge model's shadow is judged by. */
  learned: boolean;
  /** The features the edge model should score for this window (running, not transient), and where its score goes back. */
  modelRow?: { row: Record<string, number>; ticket: ModelTicket };
}

/** Which window an edge-model score belongs to (handed back with the score). */
export interface ModelTicket {
  window: number;
  regime: string;
  learned: boolean;
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
  /** The open incident (opened at, severity, peak score), or null: what an evidence update reports. */
  incident(): OpenIncident | null;
  /**
   * The edge model's raw score of the window `ticket` names, arriving asynchronously: it takes part
   * in the next windows' score (the latest available one, while it is recent and of the same
   * regime) and, for a window learned as healthy, calibrates the model member of that regime.
   */
  noteModelScore(ticket: ModelTicket, raw: number): void;
  /** Healthy statistics per regime key from the fleet (a fleet prior): scoring starts without a warm-up. */
  setPrior(regimes: FleetPrior['regimes'] | undefined): void;
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

/**
 * Robust z above its learned level from which a condition indicator (CONDITION_INDICATOR_CHANNELS:
 * the tool model's wear estimate) marks the window as not healthy, however low its score: nothing
 * of it is learned (baselines, calibration, members). A wear estimate only grows with the wear;
 * learned, a steady rise carried the baseline and the score calibration along with it (one feature
 * at z 5–8 scores under the learning bar in the top-2 aggregate, and the calibration's 99th
 * percentile followed the learned raw scores), so a tool at 0.28 mm scored like a fresh one.
 * 4: past a healthy reading's scatter (Gaussian P(z > 4) ≈ 3e-5); readings below the level (a
 * fresh tool after a change) are learned.
 */
export const INDICATOR_LEARN_Z = 4;

const isIndicator = (feature: string): boolean => feature.startsWith('scalar.') && CONDITION_INDICATOR_CHANNELS.has(feature.slice(7));

/** True when the machine announces a condition indicator channel: only then is the learning gate read. */
const hasIndicator = (birth: MachineBirth): boolean => birth.sensors.some((s) => CONDITION_INDICATOR_CHANNELS.has(s.channel));

/** True when a condition indicator in `scored` stands INDICATOR_LEARN_Z or more (`zs`) above its learned median. */
function indicatorRisen(scored: Record<string, number>, zs: Record<string, number>, medians: Record<string, { median: number }>): boolean {
  return Object.keys(zs).some((k) => zs[k]! >= INDICATOR_LEARN_Z && scored[k]! > (medians[k]?.median ?? Infinity));
}

/** Scalar levels by channel name (features `scalar.<ch>`, not derived ones like `scalar.<ch>.residual`). */
function levelsOf(features: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(features)) if (k.startsWith('scalar.') && !k.includes('.', 7)) out[k.slice(7)] = v;
  return out;
}

const pick = (x: Record<string, number>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(x).filter(([k]) => keep(k)));

/**
 * How long a current-signature reading stands in the evidence when a block gives none, ms. MCSA
 * needs load (Thomson & Fenger 2001): at light load the slip puts the rotor-bar sidebands inside
 * the line's bins and the block gives no reading, yet a rotor's damage does not change within an
 * hour, so the last loaded reading is what the cloud's diagnosis should see (it is not scored).
 */
const SIDEBAND_HOLD_MS = 60 * 60_000;

/** Least σ of a temperature difference, K: two class-B RTDs (IEC 60751, ±0.3 K each) plus lag mismatch. */
const TEMPERATURE_FLOOR_K = 0.5;

/** Temperatures follow their drive with a thermal lag: a level is not scored until a new regime has settled. */
const isTemperature = (feature: string) => feature.startsWith('scalar.temp');
/** The scored feature of a temperature with a trusted thermal model: measured − predicted, K. */
const residualName = (channel: string) => `scalar.${channel}.residual`;

/** Creates the monitor of one machine from its birth certificate. */
export function createMachineMonitor(birth: MachineBirth, config: MonitorConfig = {}, shared: { forests?: FeatureForests } = {}): MachineMonitor {
  const cfg = MonitorConfig.parse(config);
  const extract = createFeatureExtractor(cfg.features);
  const regimes = new Map<string, RobustBaseline>();
  const shape = createRobustBaseline(cfg.detector);
  const alarm: Alarm = createAlarm(cfg.alarm);
  // Each feature's most anomalous reading over the windows that raise the alarm (alarm-peaks.ts).
  const peaks = createAlarmPeaks();
  const high = cfg.alarm.high ?? 6;
  const calRegime = createScoreCalibration(high, cfg.calibration);
  const calShape = createScoreCalibration(high, cfg.calibration);
  const trends = createScalarTrends();
  const driftRuns = new Map<string, number>();
  // Per temperature channel a first-order thermal model of its operating point (speed band, load
  // proxies, daily ambient): the residual is scored instead of the level, so a transient after a
  // start or a setpoint change is explained and a heat source the operating point does not
  // explain stands out.
  const thermal = createThermalResiduals(() => monitor.birth, cfg.thermal);
  // Per regime and temperature channel: the learned difference to its peer temperatures (sensor drift).
  const peerResiduals = new Map<string, RollingMedianMad>();
  // The last current-signature reading and its event time (SIDEBAND_HOLD_MS).
  let lastSideband: { db: number; ts: number } | undefined;
  const pendingPeer = new Map<string, number>();
  // Learning above the raise threshold would let a slowly growing fault teach the baseline itself
  // (the threshold-filter rule, applied here in calibrated units).
  const learnBelow = Math.min(cfg.detector.learnBelow, high);
  // The edge model member: per regime its own calibration (an autoencoder's error depends on the
  // operating point as the features do), and the latest score the model has returned.
  const modelCals = new Map<string, ScoreCalibration>();
  let latestModel: { raw: number; window: number; regime: string } | undefined;
  let prior: FleetPrior['regimes'] | undefined;
  // Event-time interval between windows (ms), for a calibration to a target rate per month.
  const intervals = new RollingMedianMad(32);
  let lastTs: number | undefined;
  let windows = 0;
  let lastScore = 0;
  let lastState: MonitorState = 'learning';
  const tracker = createRegimeTracker(() => monitor.birth, cfg.regime);
  const checker = createQualityChecker(() => monitor.birth, cfg.quality);
  // Slow drifts of the thermal residuals (drift-cusum.ts): raises alone once a drift persists.
  const driftCusum = createDriftCusum(high, cfg.cusum);
  // Half-Space Trees over the regime-standardised feature vector (feature-forest.ts): one forest per
  // machine type, shared by the site's agent; alone (tests, offline) the monitor keeps its own.
  const forests = shared.forests ?? createFeatureForests(cfg.forest);
  const forestMember = createForestMember(high, () => forests.of(monitor.birth.machineType), cfg.forest, cfg.calibration);

  const regimeOf = (key: string) => {
    let r = regimes.get(key);
    if (!r) {
      regimes.set(key, (r = createRobustBaseline(cfg.detector)));
      if (prior?.[key]) r.setPrior(prior[key]);
    }
    return r;
  };
  const modelCalOf = (key: string) => {
    let c = modelCals.get(key);
    if (!c) {
      // Created when the first model score of the regime arrives (its ring is 4 KB), not per regime.
      modelCals.set(key, (c = createScoreCalibration(high, { ...cfg.calibration, memory: cfg.model.memory, minScores: cfg.model.minScores, falseAlarmsPerMonth: cfg.model.falseAlarmsPerMonth })));
      if (intervals.n > 0) c.setWindowMs(intervals.get().median);
    }
    return c;
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
      if (cs) {
        extra[EVIDENCE_FEATURE.currentSidebandDb] = cs.sidebandDb;
        lastSideband = { db: cs.sidebandDb, ts: w.ts };
      }
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
    // Evidence only: a block without its own reading carries the last one (light load, SIDEBAND_HOLD_MS).
    const held: Record<string, number> = {};
    if (current && extra[EVIDENCE_FEATURE.currentSidebandDb] === undefined && lastSideband && w.ts - lastSideband.ts <= SIDEBAND_HOLD_MS) {
      held[EVIDENCE_FEATURE.currentSidebandDb] = lastSideband.db;
    }
    return ok({ features, evidence: { ...f.value.evidence, features: { ...f.value.evidence.features, ...held, ...pick(extra, (k) => Number.isFinite(extra[k]!)) } } });
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
    incident: () => alarm.incident(),
    noteModelScore(ticket, raw) {
      if (!Number.isFinite(raw) || raw < 0) return;
      if (!latestModel || ticket.window >= latestModel.window) latestModel = { raw, window: ticket.window, regime: ticket.regime };
      if (ticket.learned) modelCalOf(ticket.regime).update(raw);
    },
    setPrior(regimesPrior) {
      prior = regimesPrior && Object.keys(regimesPrior).length > 0 ? regimesPrior : undefined;
      // Baselines already warm on their own data keep them; the others score by the prior meanwhile.
      for (const [key, r] of regimes) if (r.learned < cfg.detector.warmup) r.setPrior(prior?.[key]);
      if (prior) {
        calRegime.prime();
        calShape.prime();
      }
    },
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
        // Standstill: nothing to learn or score; an open incident stays open until the machine runs
        // again. The thermal models follow the cooling (their standstill level is learned too).
        windows++;
        lastScore = 0;
        lastState = alarm.incident() ? 'alarm' : 'stopped';
        const still = scalarOnlyFeatures(q.window, monitor.birth);
        thermal.update({ tsMs: w.ts, levels: levelsOf(still.features), running: false, regimeKey: regime.key, rpm: undefined, excluded });
        if (!suspect) thermal.learn();
        return ok({ score: 0, rawScore: 0, state: lastState, transition: null, features: still, regime, quality, excluded: [...excluded], modelScore: 0, learned: false });
      }

      pendingPeer.clear();
      const f = featuresOf(q.window, excluded, regime.rpm);
      if (!f.ok) return fail(f.reason);
      const all = f.value.features;
      const levels = levelsOf(all);
      const residuals = thermal.update({ tsMs: w.ts, levels, running: true, regimeKey: regime.key, rpm: speedOk && levels[cfg.features.speedChannel ?? 'speed'] !== undefined ? regime.rpm : undefined, excluded });
      const thermalF: Record<string, number> = {};
      for (const [ch, r] of Object.entries(residuals)) thermalF[residualName(ch)] = r;
      const reg = regimeOf(regime.key);
      const learnedBaseline = reg.baseline();

      const regWarm = reg.warm;
      if (lastTs !== undefined && w.ts > lastTs) {
        intervals.update(w.ts - lastTs);
        const ms = intervals.get().median;
        calRegime.setWindowMs(ms);
        calShape.setWindowMs(ms);
        modelCals.get(regime.key)?.setWindowMs(ms);
      }
      lastTs = w.ts;

      // Drift: one scalar walks away from what it physically follows while nothing else moves.
      if (regWarm && !regime.transient) {
        const zs = reg.zScores({ ...all, ...thermalF });
        const temps = monitor.birth.sensors.filter((s) => s.kind === 'scalar' && isTemperature(`scalar.${s.channel}`) && !excluded.has(s.channel) && all[`scalar.${s.channel}`] !== undefined);
        for (const s of monitor.birth.sensors) {
          const name = `scalar.${s.channel}`;
          // A condition indicator (the tool model's wear estimate) walking away alone is the wear
          // itself: read as drift, a worn tool's estimate was excluded an hour after onset and the
          // edge then learned the rising load as normal (tool wear missed on 12 of 13 dev faults).
          if (s.kind !== 'scalar' || s.channel === cfg.features.speedChannel || CONDITION_INDICATOR_CHANNELS.has(s.channel) || all[name] === undefined) continue;
          let z: number | undefined;
          if (isTemperature(name)) {
            // Sensor drift of a temperature is judged as before the thermal models: against its
            // peers on the same machine (their common ambient and load part cancels), once settled.
            // A residual against the thermal model cannot tell one channel's heat source from its
            // sensor's offset, and the model's RLS follows a slow offset in steady running.
            if (regime.settling) continue;
            const peers = temps.filter((p) => p.channel !== s.channel);
            if (peers.length === 0) continue;
            const residual = all[name]! - peers.reduce((acc, p) => acc + all[`scalar.${p.channel}`]!, 0) / peers.length;
            const key = `${regime.key}/${s.channel}`;
            let r = peerResiduals.get(key);
            // Exact order statistics here, in single precision: few values per regime reach this
            // rule (z ≥ 4 on one channel), where the streaming estimate's extra noise turned a
            // borderline healthy window into a drift event (thermal test plant, seed 3).
            if (!r) peerResiduals.set(key, (r = new RollingMedianMad(cfg.detector.windowSize, undefined, cfg.detector.float32)));
            const st = r.get();
            const levelZ = (ch: string) => zs[`scalar.${ch}`] ?? 0;
            const blamed = peers.every((p) => levelZ(s.channel) > levelZ(p.channel));
            if (st.n >= cfg.detector.warmup) z = blamed ? Math.abs(residual - st.median) / Math.max(MAD_TO_SIGMA * st.mad, TEMPERATURE_FLOOR_K) : 0;
            pendingPeer.set(key, residual);
          } else {
            if (regime.settling) continue;
            z = zs[name];
          }
          if (z === undefined) continue;
          let others = 0;
          for (const [k, v] of Object.entries(zs)) if (k !== name && !isTemperature(k) && !(k.startsWith('scalar.') && excluded.has(k.slice(7)))) others = Math.max(others, v);
          const isDrifting = checker.faulty().get(s.channel) === 'drift';
          const run = z >= cfg.drift.z && others < cfg.drift.corroborateZ ? (driftRuns.get(s.channel) ?? 0) + 1 : 0;
          driftRuns.set(s.channel, run);
          const stillOff = isDrifting ? z >= cfg.drift.z / 2 : run >= cfg.drift.windows;
          const t = checker.noteDrift(s.channel, stillOff, w.ts, `${s.channel} is ${z.toFixed(1)} robust σ from what its regime${isTemperature(name) ? '\'s thermal model' : ''} leads one to expect, while the channels it follows are not`);
          if (t) quality.push(t);
          if (checker.faulty().get(s.channel) === 'drift') {
            excluded.add(s.channel);
            pendingPeer.delete(`${regime.key}/${s.channel}`);
            delete thermalF[residualName(s.channel)];
          } else excluded.delete(s.channel);
        }
      }

      // The edge model reads levels as it was trained on them (temperatures only once settled).
      const rowFeatures = pick(all, (k) => !(k.startsWith('scalar.') && excluded.has(k.slice(7))) && !(regime.settling && isTemperature(k)));
      // The baseline scores a temperature's thermal residual where its model is trusted, else its
      // level once settled.
      const scored = { ...pick(rowFeatures, (k) => !(isTemperature(k) && thermalF[`${k}.residual`] !== undefined)), ...thermalF };
      for (const k of Object.keys(thermalF)) if (excluded.has(k.slice(7, -9))) delete scored[k];
      const shapeF = pick(scored, (k) => SHAPE_FEATURES.includes(k));
      const rawRegime = reg.scoreOne(scored);
      const rawShape = shape.scoreOne(shapeF);
      const useRegime = regWarm || shape.learned < cfg.detector.warmup;
      const cal = useRegime ? calRegime : calShape;
      const rawScore = useRegime ? rawRegime : rawShape;
      // The edge model (autoencoder) joins as a soft vote: max(baseline, mean(baseline, model)), both
      // in the same alarm units. It raises alone only when it stands at twice the threshold (many
      // features a little off together, which the per-feature baseline cannot see), and it lifts a
      // baseline that is already elevated. Fused by plain max, its heavy-tailed healthy error gave
      // 2–3 false raises per 12 machines per 36 h on the baseline plant where the baseline alone
      // gave none (scripts measured in the issue-4 note).
      const mcal = modelCals.get(regime.key);
      const modelScore = latestModel && latestModel.regime === regime.key && windows - latestModel.window <= cfg.model.maxLagWindows && mcal?.armed
        ? mcal.normalize(latestModel.raw) : 0;
      const baseScore = cal.normalize(rawScore);
      const driftScore = driftCusum.step({ baseline: reg, medians: learnedBaseline, scored, settled: regWarm && !regime.transient && !regime.settling, windowMs: intervals.get().n > 0 ? intervals.get().median : undefined });
      const forestScore = forestMember.step({ baseline: reg, medians: learnedBaseline, scored, settled: reg.learned >= cfg.detector.warmup && !regime.transient, windowMs: intervals.get().n > 0 ? intervals.get().median : undefined });
      // The forest joins as a soft vote like the edge model: alone it raises only at twice the threshold.
      const score = Math.max(baseScore, (baseScore + modelScore) / 2, driftScore, (baseScore + forestScore) / 2);
      // The first window after a start or a setpoint change is a mechanical transient: not scored.
      const stepped = cal.armed && !regime.transient;
      const opening = stepped && alarm.incident() === null;
      const transition = stepped ? alarm.step(score, w.ts) : null;
      // The alarm's run (windows at or above `high` before the raise, alarm.ts): each feature's
      // strongest deviation in it goes into the evidence, scored as this window was scored.
      let zNow: Record<string, number> = {};
      if (opening && !(score < high)) {
        const x = useRegime ? scored : shapeF;
        zNow = useRegime ? reg.zScores(x) : shape.zScores(x);
        peaks.note(w.ts, x, zNow, useRegime ? learnedBaseline : shape.baseline());
      } else if (opening) peaks.reset();
      // Nothing is learned while the machine is suspect (an incident open, or cleared less than
      // rearmMs ago): a flickering fault's quiet windows are still the fault.
      // Nor a window whose condition indicator stands risen: by the machine's own account it is not healthy.
      const learned = !regime.transient && !alarm.suspect(w.ts) && score < learnBelow && !(regWarm && hasIndicator(monitor.birth) && indicatorRisen(scored, reg.zScores(pick(scored, isIndicator)), learnedBaseline));
      if (learned) {
        reg.learnOne(scored);
        shape.learnOne(shapeF);
        thermal.learn();
        driftCusum.learn();
        forestMember.learn();
        for (const [key, r] of pendingPeer) peerResiduals.get(key)?.update(r);
        if (regWarm) calRegime.update(rawRegime);
        if (shape.learned > cfg.detector.warmup) calShape.update(rawShape);
      }
      windows++;
      lastScore = score;
      lastState = alarm.incident() ? 'alarm' : cal.armed ? 'normal' : 'learning';

      // Scalar evidence: level (already a feature), EWMA slope, deviation from the regime's
      // expectation, and for temperatures the thermal model's residual.
      const evidence = { ...f.value.evidence, features: { ...f.value.evidence.features, ...trends.update(levels, w.ts), ...thermalF } };
      for (const [ch, v] of Object.entries(levels)) {
        const b = learnedBaseline[`scalar.${ch}`];
        if (b && regWarm) evidence.features[`scalar.${ch}.deviation`] = v - b.median;
      }
      if (transition?.kind === 'raised') {
        const p = peaks.take(zNow);
        if (Object.keys(p).length > 0) evidence.peaks = p;
      }
      const obs: Observation = { score, rawScore, state: lastState, transition, features: { features: all, evidence }, regime, quality, excluded: [...excluded], modelScore, driftScore, forestScore, learned };
      if (!regime.transient) obs.modelRow = { row: rowFeatures, ticket: { window: windows - 1, regime: regime.key, learned } };
      if (transition?.kind === 'raised') {
        // The scored features' baselines, and the current signature's when its reading is held from an earlier window.
        const keys = new Set(Object.keys(scored));
        if (evidence.features[EVIDENCE_FEATURE.currentSidebandDb] !== undefined) keys.add(EVIDENCE_FEATURE.currentSidebandDb);
        obs.baseline = Object.fromEntries([...keys].filter((k) => learnedBaseline[k]).map((k) => [k, learnedBaseline[k]!]));
      }
      return ok(obs);
    },
  };
  return monitor;
}
