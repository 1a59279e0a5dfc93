// Rules for the faults of the drive train beyond the bearing: broken rotor bars (motor current
// signature analysis), gear tooth wear (mesh line and its sidebands) and cutting-tool wear (the
// machine's wear estimate and the spindle load). Each compares the machine with its own healthy
// baseline (the edge's median/MAD per feature), so a machine whose healthy level is already high
// is not called faulty; absolute limits from the literature are used where they exist.
import { EVIDENCE_FEATURE, CHANNEL, type Evidence } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';

/**
 * Current sideband level (dB below the supply line) above which broken bars are likely, and below
 * which the cage is healthy (Thomson & Fenger, "Current signature analysis to detect induction
 * motor faults", IEEE Industry Applications Magazine 7(4), 2001, table 1: < −54 dB excellent,
 * −50..−54 good, −42..−50 developing bar cracks or high-resistance joints, −36..−42 two bars
 * cracked or broken, > −36 multiple broken bars).
 */
export const ROTOR_BAR_BROKEN_DB = -45;
export const ROTOR_BAR_HEALTHY_DB = -50;
/** Sideband level at which the score saturates (multiple broken bars, Thomson & Fenger 2001). */
export const ROTOR_BAR_SEVERE_DB = -36;
/**
 * Rise of a dB feature over the machine's healthy median that counts as a real change: 6 dB is a
 * doubling of the line's amplitude, well past the ±2-3 dB load and slip scatter of one motor
 * (Thomson & Fenger 2001 trend a sideband against the motor's own history for this reason).
 */
export const DB_RISE_MIN = 6;
/**
 * Upper end of Thomson & Fenger's 'excellent' band (< −54 dB, table 1). Between it and
 * ROTOR_BAR_HEALTHY_DB their table reads 'good' for a motor of unknown history; a motor whose own
 * healthy level lay well below and whose sidebands have since risen DB_RISE_MIN (amplitude doubled)
 * and stayed there is judged by that change, as they advise trending against the motor's history.
 */
export const ROTOR_BAR_EXCELLENT_DB = -54;
/** Trend points of the sideband level that must all stand DB_RISE_MIN above healthy (trend-rules.ts's SUSTAINED_POINTS). */
const SIDEBAND_TREND_POINTS = 5;

/** Rise (dB) at which a rule's trend term saturates. */
export const DB_RISE_STRONG = 15;
/** Robust z from which a scalar has changed (Leys et al. 2013's conservative cut). */
export const Z_CHANGE = 3;
/**
 * Flank wear VB from which a tool is worn out: ISO 3685:1993 (tool-life testing with single-point
 * turning tools) takes a uniform flank wear land VB_B = 0.3 mm as the end-of-life criterion.
 */
export const TOOL_WEAR_LIMIT_UM = 300;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const ramp = (x: number, lo: number, hi: number) => clamp01((x - lo) / (hi - lo));
const fmtDb = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} dB`;

/**
 * A feature under its shared name: the bare name first, then a prefixed form (`mcsa.current_sideband_db`,
 * `scalar.tool_wear`), so replayed or differently prefixed evidence stays usable.
 */
export function featureKey(ev: Evidence, name: string): string | undefined {
  if (name in ev.features) return name;
  return Object.keys(ev.features).find((k) => k.endsWith(`.${name}`));
}

/** A feature's value and the machine's healthy median/MAD for it (under the same key), if known. */
function read(ev: Evidence, name: string): { key: string; value: number; base?: { median: number; mad: number } } | undefined {
  const key = featureKey(ev, name);
  if (key === undefined) return undefined;
  const value = ev.features[key];
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const base = ev.baseline[key] ?? ev.baseline[name];
  return base ? { key, value, base } : { key, value };
}

/**
 * Broken rotor bars: a cracked bar breaks the cage's symmetry, so the stator current carries
 * sidebands at (1 ± 2s)·f_supply; their level relative to the supply line grades the damage
 * (Thomson & Fenger 2001). The level must also have risen against this motor's healthy level:
 * some motors show sidebands from load oscillation or rotor construction from new.
 */
export const brokenRotorBarRule: Rule = (ev) => {
  const sb = read(ev, EVIDENCE_FEATURE.currentSidebandDb);
  if (!sb) return { faultType: 'broken-rotor-bar', score: 0, explanation: 'broken rotor bar: no motor current signature in the evidence' };
  const rise = sb.base ? sb.value - sb.base.median : undefined;
  const level = `current sidebands at ±2× slip frequency ${sb.value.toFixed(1)} dB below the supply line`;
  const healthy = sb.base ? `, ${fmtDb(rise!)} against ${sb.base.median.toFixed(1)} dB when healthy` : '';
  const risen = rise !== undefined && rise >= DB_RISE_MIN;
  if (sb.value > ROTOR_BAR_BROKEN_DB) {
    if (rise !== undefined && !risen) {
      return { faultType: 'broken-rotor-bar', score: 0.3, explanation: `broken rotor bar: ${level}, but that is normal for this motor${healthy}` };
    }
    // Without a history the absolute level alone is Thomson & Fenger's criterion, scored just over the bar.
    const trend = rise === undefined ? 0 : ramp(rise, DB_RISE_MIN, DB_RISE_STRONG);
    const score = 0.5 + 0.3 * ramp(sb.value, ROTOR_BAR_BROKEN_DB, ROTOR_BAR_SEVERE_DB) + 0.15 * trend;
    return { faultType: 'broken-rotor-bar', score: clamp01(score), explanation: `broken rotor bar: ${level} (above ${ROTOR_BAR_BROKEN_DB} dB)${healthy}` };
  }
  if (sb.value > ROTOR_BAR_HEALTHY_DB && risen) {
    // Developing crack or high-resistance joint (−42..−50 dB band): named only on a clear rise.
    return { faultType: 'broken-rotor-bar', score: clamp01(0.5 + 0.1 * ramp(rise!, DB_RISE_MIN, DB_RISE_STRONG)), explanation: `broken rotor bar (developing): ${level}${healthy}` };
  }
  if (sb.value > ROTOR_BAR_EXCELLENT_DB && risen && sustainedSidebandRise(ev, sb.key, sb.base!.median)) {
    // Out of the 'excellent' band only by this motor's own doubling, held over the trend: just over the bar.
    return {
      faultType: 'broken-rotor-bar',
      score: 0.5 + 0.05 * ramp(rise!, DB_RISE_MIN, DB_RISE_STRONG),
      explanation: `broken rotor bar (developing): ${level}${healthy}, held ${DB_RISE_MIN} dB or more above it over the last ${SIDEBAND_TREND_POINTS} trend points; still in Thomson & Fenger's 'good' band for a motor of unknown history`,
    };
  }
  return { faultType: 'broken-rotor-bar', score: 0, explanation: `broken rotor bar: not indicated (${level}${healthy})` };
};

/**
 * True when each of the last SIDEBAND_TREND_POINTS points of the sideband's pre-alarm trend stands
 * DB_RISE_MIN above the motor's healthy median: one 8 s current block's level moves with load, a
 * cage asymmetry stays. The edge gives no reading when the slip is too small to put the sidebands
 * outside the line's bins (machine-monitor.ts), so a level in the trend is a resolved one.
 */
function sustainedSidebandRise(ev: Evidence, key: string, healthyDb: number): boolean {
  const t = ev.trends?.[key] ?? ev.trends?.[EVIDENCE_FEATURE.currentSidebandDb];
  const last = t?.levels.slice(-SIDEBAND_TREND_POINTS) ?? [];
  return last.length === SIDEBAND_TREND_POINTS && last.every((v) => Number.isFinite(v) && v - healthyDb >= DB_RISE_MIN);
}

/**
 * Gear tooth wear: worn or pitted flanks modulate the mesh with the shaft rate, so the sidebands
 * around the mesh harmonics grow relative to the mesh line; distributed wear also raises the mesh
 * line and its harmonics (Randall, Vibration-based Condition Monitoring, Wiley 2011, sec. 2.2.2).
 * Both are judged against this gearbox's healthy levels, as mesh levels differ with load and design.
 */
export const gearToothWearRule: Rule = (ev) => {
  const side = read(ev, EVIDENCE_FEATURE.gearSidebandDb);
  const mesh = read(ev, EVIDENCE_FEATURE.gearMeshDb);
  if (!side && !mesh) return { faultType: 'gear-tooth-wear', score: 0, explanation: 'gear tooth wear: no gear mesh analysis in the evidence' };
  const sideRise = side?.base ? side.value - side.base.median : undefined;
  const meshRise = mesh?.base ? mesh.value - mesh.base.median : undefined;
  const parts: string[] = [];
  if (side) parts.push(`mesh sidebands ${side.value.toFixed(1)} dB relative to the mesh line${sideRise !== undefined ? ` (${fmtDb(sideRise)} against healthy)` : ''}`);
  if (mesh) parts.push(`mesh line ${mesh.value.toFixed(1)} dB above the floor${meshRise !== undefined ? ` (${fmtDb(meshRise)} against healthy)` : ''}`);
  const what = parts.join(', ');
  if (sideRise === undefined && meshRise === undefined) {
    return { faultType: 'gear-tooth-wear', score: 0.3, explanation: `gear tooth wear: ${what}, but there is no healthy level for this gearbox to compare with` };
  }
  const sideUp = sideRise !== undefined && sideRise >= DB_RISE_MIN;
  const meshUp = meshRise !== undefined && meshRise >= DB_RISE_MIN;
  if (!sideUp && !meshUp) {
    const early = earlyGearWear(ev, side, mesh);
    if (early) return { faultType: 'gear-tooth-wear', score: early.score, explanation: `gear tooth wear (early): ${early.why}; ${what}` };
    return { faultType: 'gear-tooth-wear', score: 0, explanation: `gear tooth wear: not indicated (${what})` };
  }
  const score = sideUp
    ? 0.55 + 0.25 * ramp(sideRise!, DB_RISE_MIN, DB_RISE_STRONG) + (meshUp ? 0.15 : 0)
    : // Mesh line up alone: uniform wear, or simply more load; named, but only just.
      0.5 + 0.1 * ramp(meshRise!, DB_RISE_MIN, DB_RISE_STRONG);
  return { faultType: 'gear-tooth-wear', score: clamp01(score), explanation: `gear tooth wear: ${what}` };
};

/**
 * Growth of a gearbox's overall acceleration RMS (factor over its healthy median) from which early
 * wear is considered. A gear mesh standing tens of dB above the floor carries most of a gearbox
 * housing's acceleration, a deterministic level whose window-to-window scatter is well under 1 %
 * (against ~10 % for a velocity reading, where ISO 20816-1 trends 25 %): 5 % (+0.4 dB) is then
 * many times the scatter yet below what a load swing of the mesh line alone would need to explain.
 */
export const GEAR_ACCEL_GROWTH_MIN = 1.05;
/** Growth at which the early-wear score reaches its top (still below a line-based call). */
const GEAR_ACCEL_GROWTH_STRONG = 1.25;
/** Scale floor of the acceleration's z-score, fraction of its median: an accelerometer's repeatability (~1 %). */
const ACCEL_SCALE_FLOOR = 0.01;

/** Robust z with a scale floored at `floorFrac` of the median (robustZ floors at 5 %, too coarse for a mesh-dominated level). */
function zFloored(value: number, b: { median: number; mad: number }, floorFrac: number): number {
  const z = (value - b.median) / Math.max(1.4826 * Math.abs(b.mad), floorFrac * Math.abs(b.median), 1e-12);
  return Number.isFinite(z) ? z : 0;
}

/**
 * Early tooth wear, before the mesh line or its sidebands clear their ±1 dB scatter: wear departs
 * the flanks from the involute, which raises the mesh harmonics (the higher ones most), so the
 * housing acceleration the mesh dominates grows first, smoothly (Randall, Vibration-based Condition
 * Monitoring, 2011, sec. 2.2.4; the overall-acceleration trend is the classic gearbox check). Named
 * only when nothing else explains the rise: the mesh line and its sidebands lean upwards with it
 * (their mean z ≥ 0), no running-speed line or temperature has risen (shaft fault, lubrication),
 * and the acceleration is not impulsive (a spall or a cracked tooth). Just over the bar, so any
 * line-based call outranks it.
 */
function earlyGearWear(ev: Evidence, side: ReturnType<typeof read>, mesh: ReturnType<typeof read>): { score: number; why: string } | undefined {
  const acc = ev.features['accel.rmsMs2'];
  const b = ev.baseline['accel.rmsMs2'];
  if (acc === undefined || !b || !(b.median > 0) || !side?.base || !mesh?.base) return undefined;
  const growth = acc / b.median;
  if (growth < GEAR_ACCEL_GROWTH_MIN || zFloored(acc, b, ACCEL_SCALE_FLOOR) < Z_CHANGE) return undefined;
  const lean = (robustZ(side.value, side.base) + robustZ(mesh.value, mesh.base)) / 2;
  if (!(lean >= 0)) return undefined;
  const zOf = (k: string) => (ev.features[k] !== undefined && ev.baseline[k] ? robustZ(ev.features[k]!, ev.baseline[k]!) : 0);
  const shaftGrown = ['vel.x1MmS', 'vel.x2MmS', 'vel.x3MmS'].some((k) => zOf(k) >= Z_CHANGE);
  const hot = Object.keys(ev.features).some((k) => k.startsWith('scalar.temp_') && k.endsWith('.residual') && zOf(k) >= Z_CHANGE);
  const impulsive = zOf('accel.kurtosis') >= Z_CHANGE || zOf('accel.crest') >= Z_CHANGE;
  if (shaftGrown || hot || impulsive) return undefined;
  return {
    score: clamp01(0.5 + 0.1 * ramp(growth, GEAR_ACCEL_GROWTH_MIN, GEAR_ACCEL_GROWTH_STRONG)),
    why: `overall acceleration ${acc.toFixed(2)} m/s², ${growth.toFixed(2)}x its healthy ${b.median.toFixed(2)} m/s² (the mesh carries most of it), with no shaft line, temperature or impacts risen`,
  };
}

/** Latest trend points that must all stand clear of the early trend for a risen wear estimate (trend-rules.ts's SUSTAINED_POINTS). */
const WEAR_TREND_POINTS = 5;
/** Fewest earlier trend points for a healthy reference of the wear estimate. */
const WEAR_TREND_REFERENCE_MIN = 8;

/**
 * The flank wear estimate from its pre-alarm trend (Evidence.trends), for a window that lacks it
 * (the estimate is not in every window). The level is the latest point; the healthy reference is
 * the machine's baseline when the edge sends one, else the median/MAD of the trend's earlier points
 * (all but the latest WEAR_TREND_POINTS: a median is not moved by a rise over fewer than half of
 * them). It counts only when each of the latest WEAR_TREND_POINTS points stands Z_CHANGE above that
 * reference: one window's estimate scatters by ±20 % on a healthy tool, a worn edge's stays up.
 * Undefined otherwise, so the rule reads the window as lacking the estimate (load and vibration).
 */
export function wearFromTrend(ev: Evidence): { key: string; value: number; base: { median: number; mad: number }; fromTrend: true } | undefined {
  const key = Object.keys(ev.trends ?? {}).find((k) => k === CHANNEL.toolWear || k.endsWith(`.${CHANNEL.toolWear}`));
  const t = key !== undefined ? ev.trends?.[key] : undefined;
  if (key === undefined || !t) return undefined;
  const levels = t.levels.filter((v) => Number.isFinite(v));
  const value = levels.at(-1);
  if (value === undefined) return undefined;
  const earlier = levels.slice(0, -WEAR_TREND_POINTS);
  const base = ev.baseline[key] ?? ev.baseline[CHANNEL.toolWear] ?? (earlier.length >= WEAR_TREND_REFERENCE_MIN ? medianMad(earlier) : undefined);
  const latest = levels.slice(-WEAR_TREND_POINTS);
  const sustained = base !== undefined && latest.length === WEAR_TREND_POINTS && latest.every((v) => robustZ(v, base) >= Z_CHANGE);
  return sustained ? { key, value, base, fromTrend: true } : undefined;
}

/**
 * The flank wear estimate when its rise is sustained over the latest trend points (wearFromTrend),
 * and the window, if it carries the estimate, agrees (robust z ≥ Z_CHANGE); else undefined. One
 * window's estimate alone is not enough to explain away another fault's evidence: it scatters.
 */
export function risenToolWear(ev: Evidence): { value: number; healthy: number } | undefined {
  const trend = wearFromTrend(ev);
  if (!trend) return undefined;
  const window = read(ev, CHANNEL.toolWear);
  if (window?.base && robustZ(window.value, window.base) < Z_CHANGE) return undefined;
  return window ? { value: window.value, healthy: window.base?.median ?? trend.base.median } : { value: trend.value, healthy: trend.base.median };
}

function medianMad(v: readonly number[]): { median: number; mad: number } {
  const med = (x: number[]) => {
    const s = [...x].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const median = med([...v]);
  return { median, mad: med(v.map((x) => Math.abs(x - median))) };
}

/**
 * Tool wear (CNC spindles): the flank wear estimate grows and cutting forces, so spindle load, rise
 * with it (Dimla, "Sensor signals for tool-wear monitoring in metal cutting operations", IJMTM 40,
 * 2000). The wear estimate over ISO 3685's 0.3 mm limit is worn out whatever the trend; a rising
 * spindle load alone is only supporting evidence (a harder workpiece does the same).
 */
export const toolWearRule: Rule = (ev) => {
  const wear = read(ev, CHANNEL.toolWear) ?? wearFromTrend(ev);
  const load = read(ev, CHANNEL.spindleLoad);
  if (!wear && !load) return { faultType: 'tool-wear', score: 0, explanation: 'tool wear: no tool wear or spindle load measured (not a machine tool)' };
  const zw = wear?.base ? robustZ(wear.value, wear.base) : undefined;
  const zl = load?.base ? robustZ(load.value, load.base) : undefined;
  const loadUp = zl !== undefined && zl >= Z_CHANGE;
  const loadTxt = load ? `spindle load ${load.value.toFixed(1)} %${load.base ? ` (healthy ${load.base.median.toFixed(1)} %)` : ''}` : '';
  if (!wear) {
    // No wear estimate in this window: a risen cutting load with the spindle's broadband vibration
    // risen beside it (a worn edge rubs and chatters, Dimla 2000 sec. 3) is still the worn tool's
    // pattern, named just over the bar; the load alone may be a harder workpiece.
    const acc = ev.features['accel.rmsMs2'];
    const accBase = ev.baseline['accel.rmsMs2'];
    const za = acc !== undefined && accBase ? robustZ(acc, accBase) : 0;
    if (loadUp && za >= Z_CHANGE) {
      return { faultType: 'tool-wear', score: clamp01(0.5 + 0.1 * ramp(zl!, Z_CHANGE, 3 * Z_CHANGE)), explanation: `tool wear: ${loadTxt} has risen with the broadband vibration (z ${za.toFixed(1)}): a worn edge cuts with more force and rubs; no wear estimate in this window to confirm it` };
    }
    return { faultType: 'tool-wear', score: loadUp ? 0.4 : 0, explanation: `tool wear: ${loadTxt}${loadUp ? ' has risen, but no wear estimate confirms it' : ', not indicated'}` };
  }
  const fromTrend = 'fromTrend' in wear && wear.base ? ` at the latest trend point (the last ${WEAR_TREND_POINTS} points all ${Z_CHANGE} σ above ${wear.base.median.toFixed(0)} µm with a fresh tool)` : '';
  const wearTxt = `flank wear estimate ${wear.value.toFixed(0)} µm${fromTrend || (wear.base ? ` (${wear.base.median.toFixed(0)} µm with a fresh tool)` : '')}, limit ${TOOL_WEAR_LIMIT_UM} µm (ISO 3685)`;
  const both = loadTxt ? `${wearTxt}; ${loadTxt}` : wearTxt;
  const wearUp = zw !== undefined && zw >= Z_CHANGE;
  const worn = wear.value >= TOOL_WEAR_LIMIT_UM;
  if (!wearUp && !worn) return { faultType: 'tool-wear', score: 0, explanation: `tool wear: not indicated (${both})` };
  const progress = ramp(wear.value, wear.base?.median ?? 0, TOOL_WEAR_LIMIT_UM);
  const score = (worn ? 0.75 : 0.5) + 0.15 * progress + (loadUp ? 0.1 : 0);
  return { faultType: 'tool-wear', score: clamp01(score), explanation: `tool wear: ${both}${loadUp ? ', rising with it' : ''}` };
};
