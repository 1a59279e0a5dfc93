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
  return { faultType: 'broken-rotor-bar', score: 0, explanation: `broken rotor bar: not indicated (${level}${healthy})` };
};

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
  if (!sideUp && !meshUp) return { faultType: 'gear-tooth-wear', score: 0, explanation: `gear tooth wear: not indicated (${what})` };
  const score = sideUp
    ? 0.55 + 0.25 * ramp(sideRise!, DB_RISE_MIN, DB_RISE_STRONG) + (meshUp ? 0.15 : 0)
    : // Mesh line up alone: uniform wear, or simply more load; named, but only just.
      0.5 + 0.1 * ramp(meshRise!, DB_RISE_MIN, DB_RISE_STRONG);
  return { faultType: 'gear-tooth-wear', score: clamp01(score), explanation: `gear tooth wear: ${what}` };
};

/**
 * Tool wear (CNC spindles): the flank wear estimate grows and cutting forces, so spindle load, rise
 * with it (Dimla, "Sensor signals for tool-wear monitoring in metal cutting operations", IJMTM 40,
 * 2000). The wear estimate over ISO 3685's 0.3 mm limit is worn out whatever the trend; a rising
 * spindle load alone is only supporting evidence (a harder workpiece does the same).
 */
export const toolWearRule: Rule = (ev) => {
  const wear = read(ev, CHANNEL.toolWear);
  const load = read(ev, CHANNEL.spindleLoad);
  if (!wear && !load) return { faultType: 'tool-wear', score: 0, explanation: 'tool wear: no tool wear or spindle load measured (not a machine tool)' };
  const zw = wear?.base ? robustZ(wear.value, wear.base) : undefined;
  const zl = load?.base ? robustZ(load.value, load.base) : undefined;
  const loadUp = zl !== undefined && zl >= Z_CHANGE;
  const loadTxt = load ? `spindle load ${load.value.toFixed(1)} %${load.base ? ` (healthy ${load.base.median.toFixed(1)} %)` : ''}` : '';
  if (!wear) {
    return { faultType: 'tool-wear', score: loadUp ? 0.4 : 0, explanation: `tool wear: ${loadTxt}${loadUp ? ' has risen, but no wear estimate confirms it' : ', not indicated'}` };
  }
  const wearTxt = `flank wear estimate ${wear.value.toFixed(0)} µm${wear.base ? ` (${wear.base.median.toFixed(0)} µm with a fresh tool)` : ''}, limit ${TOOL_WEAR_LIMIT_UM} µm (ISO 3685)`;
  const both = loadTxt ? `${wearTxt}; ${loadTxt}` : wearTxt;
  const wearUp = zw !== undefined && zw >= Z_CHANGE;
  const worn = wear.value >= TOOL_WEAR_LIMIT_UM;
  if (!wearUp && !worn) return { faultType: 'tool-wear', score: 0, explanation: `tool wear: not indicated (${both})` };
  const progress = ramp(wear.value, wear.base?.median ?? 0, TOOL_WEAR_LIMIT_UM);
  const score = (worn ? 0.75 : 0.5) + 0.15 * progress + (loadUp ? 0.1 : 0);
  return { faultType: 'tool-wear', score: clamp01(score), explanation: `tool wear: ${both}${loadUp ? ', rising with it' : ''}` };
};
