import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Evidence } from '../../core/index.ts';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { brokenRotorBarRule, gearToothWearRule, toolWearRule } from './drive-rules.ts';
import { diagnose } from './rules.ts';

/** Healthy evidence plus extra features and their healthy baselines. */
function withFeatures(extra: Record<string, number>, base: Record<string, { median: number; mad: number }>): Evidence {
  const h = healthyEvidence();
  return { ...h, features: { ...h.features, ...extra }, baseline: { ...h.baseline, ...base } };
}
const motor = (sidebandDb: number, healthyDb = -55) => withFeatures({ current_sideband_db: sidebandDb }, { current_sideband_db: { median: healthyDb, mad: 1 } });
const gearbox = (sideDb: number, meshDb: number) =>
  withFeatures({ gear_sideband_db: sideDb, gear_mesh_db: meshDb }, { gear_sideband_db: { median: -24, mad: 1.5 }, gear_mesh_db: { median: 30, mad: 1 } });
const spindle = (wearUm: number, loadPct: number) =>
  withFeatures({ 'scalar.tool_wear': wearUm, 'scalar.spindle_load': loadPct }, { 'scalar.tool_wear': { median: 40, mad: 5 }, 'scalar.spindle_load': { median: 35, mad: 1.5 } });

test('drive rules - current sidebands above -45 dB and risen against the motor are a broken rotor bar', () => {
  const d = diagnose(sampleEscalation(motor(-40), { machineType: 'induction-motor' }));
  assert.equal(d.faultType, 'broken-rotor-bar');
  assert.equal(d.component, 'rotor');
  assert.ok(d.confidence >= 0.6, `confidence ${d.confidence}`);
  assert.match(d.explanation, /-40\.0 dB below the supply line/);
  assert.match(d.explanation, /\+15\.0 dB against -55\.0 dB when healthy/);
});

test('drive rules - a high sideband that was always there, or a healthy one, is not a broken bar', () => {
  assert.ok(brokenRotorBarRule(motor(-43, -43.5)).score < 0.5);
  assert.equal(brokenRotorBarRule(motor(-56)).score, 0);
  assert.equal(brokenRotorBarRule(healthyEvidence()).score, 0);
  // Stronger sidebands score at least as high (monotone in the level).
  assert.ok(brokenRotorBarRule(motor(-36)).score >= brokenRotorBarRule(motor(-44)).score);
});

test('drive rules - mesh sidebands risen against the gearbox are gear tooth wear, a steady gearbox is not', () => {
  const d = diagnose(sampleEscalation(gearbox(-12, 36), { machineType: 'gearbox' }));
  assert.equal(d.faultType, 'gear-tooth-wear');
  assert.equal(d.component, 'gear-set');
  assert.match(d.explanation, /\+12\.0 dB against healthy/);
  assert.equal(gearToothWearRule(gearbox(-23, 30.5)).score, 0);
  assert.ok(gearToothWearRule(gearbox(-10, 38)).score > gearToothWearRule(gearbox(-16, 30)).score);
});

test('drive rules - tool wear estimate and spindle load trending up is tool wear; over 300 um is worn out', () => {
  const early = toolWearRule(spindle(120, 41));
  assert.ok(early.score >= 0.5 && early.score < 0.9, early.explanation);
  const worn = diagnose(sampleEscalation(spindle(320, 44), { machineType: 'cnc-spindle' }));
  assert.equal(worn.faultType, 'tool-wear');
  assert.equal(worn.component, 'cutting-tool');
  assert.ok(worn.confidence > early.score);
  assert.match(worn.explanation, /320 µm/);
  // Spindle load alone (a harder workpiece) does not name tool wear.
  assert.ok(toolWearRule(withFeatures({ 'scalar.spindle_load': 50 }, { 'scalar.spindle_load': { median: 35, mad: 1.5 } })).score < 0.5);
  assert.equal(toolWearRule(spindle(45, 35.5)).score, 0);
});

test('drive rules - an unknown pattern stays unknown', () => {
  const d = diagnose(sampleEscalation(withFeatures({ 'scalar.temp_oil': 70 }, { 'scalar.temp_oil': { median: 50, mad: 1 } })));
  assert.equal(d.faultType, 'unknown');
  assert.ok(d.confidence < 0.5);
});

/** A gearbox whose mesh dominates its acceleration (healthy 2.34 m/s², MAD 0.005), mesh and sidebands near healthy. */
const wearingGearbox = (accRms: number, extra: Record<string, number> = {}, base: Record<string, { median: number; mad: number }> = {}) =>
  withFeatures(
    { gear_sideband_db: -29.2, gear_mesh_db: 48.9, 'accel.rmsMs2': accRms, ...extra },
    { gear_sideband_db: { median: -30.4, mad: 0.6 }, gear_mesh_db: { median: 48.1, mad: 0.65 }, 'accel.rmsMs2': { median: 2.34, mad: 0.005 }, ...base },
  );

test('drive rules - a gearbox whose mesh-dominated acceleration grew 10 %, mesh leaning up, nothing else risen, is early gear wear', () => {
  const d = diagnose(sampleEscalation(wearingGearbox(2.6), { machineType: 'gearbox' }));
  assert.equal(d.faultType, 'gear-tooth-wear', d.explanation);
  assert.ok(d.confidence >= 0.5 && d.confidence < 0.65, `just over the bar: ${d.confidence}`);
  assert.match(d.explanation, /early/);
});

test('drive rules - early gear wear stands aside: a small rise, mesh and sidebands falling, a grown shaft line, a hot bearing, impacts', () => {
  assert.equal(gearToothWearRule(wearingGearbox(2.4)).score, 0, 'a 2.6 % rise is within a load swing');
  assert.equal(gearToothWearRule(wearingGearbox(2.6, { gear_sideband_db: -31.5, gear_mesh_db: 47.2 })).score, 0, 'mesh and sidebands fell: the rise is from elsewhere');
  assert.equal(gearToothWearRule(wearingGearbox(2.6, { 'vel.x2MmS': 0.6 }, { 'vel.x2MmS': { median: 0.3, mad: 0.02 } })).score, 0, 'a grown 2x is a shaft fault');
  assert.equal(gearToothWearRule(wearingGearbox(2.6, { 'scalar.temp_bearing.residual': 3 }, { 'scalar.temp_bearing.residual': { median: 0, mad: 0.2 } })).score, 0, 'a hot bearing is the film');
  assert.equal(gearToothWearRule(wearingGearbox(2.6, { 'accel.kurtosis': 6 })).score, 0, 'impacts are a spall or a cracked tooth');
});

test('drive rules - without a wear estimate, a risen spindle load with risen broadband vibration is tool wear just over the bar; the load alone is not', () => {
  const loaded = (loadPct: number, accRms: number) =>
    withFeatures({ 'scalar.spindle_load': loadPct, 'accel.rmsMs2': accRms }, { 'scalar.spindle_load': { median: 50, mad: 2 } });
  const r = toolWearRule(loaded(70, 1.4));
  assert.ok(r.score >= 0.5 && r.score <= 0.6, r.explanation);
  assert.ok(toolWearRule(loaded(70, 1.0)).score < 0.5, 'a harder workpiece raises the load without rubbing');
  assert.equal(toolWearRule(loaded(51, 1.4)).score, 0);
});

test('drive rules - property: never throw, scores in [0, 1]', () => {
  const num = fc.double({ noNaN: false });
  fc.assert(
    fc.property(num, num, num, num, (a, b, c, e) => {
      for (const r of [brokenRotorBarRule(motor(a, b)), gearToothWearRule(gearbox(c, e)), toolWearRule(spindle(a, c))]) {
        assert.ok(r.score >= 0 && r.score <= 1, `${r.score} ${r.explanation}`);
      }
    }),
  );
});

/**
 * A spindle whose window lacks the wear estimate; its trend holds 30 healthy points around 47 µm
 * (±3 µm, deterministic) followed by `latest`.
 */
function wearTrend(latest: number[], extra: Record<string, number> = {}, base: Record<string, { median: number; mad: number }> = {}): Evidence {
  const healthy = Array.from({ length: 30 }, (_, i) => 47 + 3 * Math.sin(1.7 * i));
  const levels = [...healthy, ...latest];
  const ev = withFeatures({ 'scalar.spindle_load': 49, ...extra }, { 'scalar.spindle_load': { median: 47, mad: 5 }, ...base });
  return { ...ev, trends: { 'scalar.tool_wear': { tHours: levels.map((_, i) => (i - levels.length + 1) / 12), levels, windows: levels.map(() => 1) } } };
}

test('drive rules - a window without the wear estimate reads its trend: the last five points all risen (75-93 µm against 47) is tool wear', () => {
  // Seen in development (seed 218 spindle-009): the window carried no estimate, the trend ended at 93 µm.
  const r = toolWearRule(wearTrend([79, 77, 75, 89, 93]));
  assert.ok(r.score >= 0.5, r.explanation);
  assert.match(r.explanation, /93 µm at the latest trend point/);
});

test('drive rules - a wear trend risen over fewer than five points, or dipping back, names no tool wear; load with vibration still does', () => {
  // Two high points after healthy ones (one window's estimate scatters by ±20 %).
  assert.equal(toolWearRule(wearTrend([44, 42, 52, 74, 87])).score, 0);
  assert.equal(toolWearRule(wearTrend([79, 77, 49, 89, 93])).score, 0, 'one of the last five back at healthy');
  // Without a sustained trend the window's own load/vibration pattern decides, as before.
  const loaded = toolWearRule(wearTrend([44, 42, 52, 74, 87], { 'scalar.spindle_load': 70, 'accel.rmsMs2': 1.4 }, { 'scalar.spindle_load': { median: 50, mad: 2 } }));
  assert.ok(loaded.score >= 0.5, loaded.explanation);
  // A window that carries the estimate is read from the window, whatever the trend.
  assert.equal(toolWearRule(wearTrend([79, 77, 75, 89, 93], { 'scalar.tool_wear': 45 }, { 'scalar.tool_wear': { median: 47, mad: 3 } })).score, 0);
});

/** A motor's sideband (healthy −59.5 dB, MAD 0.3) at `db`, with its pre-alarm trend `points` (oldest first). */
function motorWithTrend(db: number, points: number[]): Evidence {
  const ev = withFeatures({ current_sideband_db: db }, { current_sideband_db: { median: -59.5, mad: 0.3 } });
  return { ...ev, trends: { current_sideband_db: { tHours: points.map((_, i) => i - points.length + 1), levels: points, windows: points.map(() => 4) } } };
}

test('drive rules - a sideband risen 9 dB over its own healthy level and held over the trend is a developing bar, though still in the -50..-54 dB band', () => {
  const d = diagnose(sampleEscalation(motorWithTrend(-50.7, [-59.4, -59.6, -51.7, -51.4, -51.4, -51.1, -51.1, -50.7]), { machineType: 'induction-motor' }));
  assert.equal(d.faultType, 'broken-rotor-bar', d.explanation);
  assert.ok(d.confidence >= 0.5 && d.confidence < 0.6, `just over the bar: ${d.confidence}`);
  assert.match(d.explanation, /developing/);
});

test('drive rules - the same level not held over the trend, or a 6 dB rise still in the excellent band, is not a broken bar', () => {
  assert.equal(brokenRotorBarRule(motorWithTrend(-50.7, [-51.7, -51.4, -59.2, -51.1, -50.7])).score, 0, 'one point back at healthy');
  assert.equal(brokenRotorBarRule(motorWithTrend(-50.7, [-51.1, -50.7])).score, 0, 'too short a trend');
  assert.equal(brokenRotorBarRule(motorWithTrend(-54.5, [-54.6, -54.5, -54.4, -54.5, -54.5])).score, 0, 'a 5 dB rise still in the excellent band');
  const fromHigher = motorWithTrend(-52, [-52.1, -52, -51.9, -52, -52]);
  const nearMotor = { ...fromHigher, baseline: { ...fromHigher.baseline, current_sideband_db: { median: -57, mad: 0.3 } } };
  assert.equal(brokenRotorBarRule(nearMotor).score, 0, 'a 5 dB rise in the good band: amplitude not doubled');
});
