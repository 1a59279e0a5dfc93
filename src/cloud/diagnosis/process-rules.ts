// Rules for faults that show first in process and temperature data rather than in a defect line:
// pump cavitation and loss of lubrication. Like the vibration rules they compare the machine with
// its own healthy baseline (robust z-scores), so they need no absolute limits per machine type.
import type { Evidence } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';
import { bearingFits } from './vibration-verdict.ts';
import { peakValue, peakZ } from './peak-evidence.ts';
import { risenToolWear } from './drive-rules.ts';

/** Robust z from which a change is taken as real (Leys et al. 2013's conservative cut is 3). */
const Z_CHANGE = 3;
/** Clear change: how far past Z_CHANGE a rule's score saturates. */
const Z_STRONG = 9;
/** Envelope line over the spectrum median that counts as a bearing defect line (as rules.ts's BPFO_RATIO_MIN). */
const DEFECT_LINE_RATIO = 3;
/** Temperature trend (robust z) that supports an early lubrication-loss call made on vibration. */
const EARLY_TEMP_Z = 1;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const strength = (z: number) => clamp01((z - Z_CHANGE) / (Z_STRONG - Z_CHANGE));

function zOf(ev: Evidence, feature: string): number | undefined {
  const v = ev.features[feature];
  const b = ev.baseline[feature];
  return v === undefined || b === undefined ? undefined : robustZ(v, b);
}

/**
 * Temperature deviation in robust z. The shared robustZ floors the scale at 5 % of the median,
 * which suits amplitudes but not a temperature in °C (an offset scale: 5 % of 40 °C is 2 K, more
 * than a bearing's real scatter). Temperatures get an absolute floor instead: a typical RTD's
 * resolution and drift, 0.3 K (IEC 60751 class A is ±0.15 K + 0.002·|t|).
 */
const TEMP_SCALE_FLOOR_K = 0.3;
function tempZ(ev: Evidence, feature: string): number | undefined {
  const v = ev.features[feature];
  const b = ev.baseline[feature];
  if (v === undefined || b === undefined) return undefined;
  const z = (v - b.median) / Math.max(1.4826 * Math.abs(b.mad), TEMP_SCALE_FLOOR_K);
  return Number.isFinite(z) ? z : 0;
}

const fmtZ = (z: number) => `${z >= 0 ? '+' : ''}${z.toFixed(1)} σ`;

/**
 * Pressure ripple (fraction of the mean discharge pressure within one window) taken as pulsation.
 * A healthy pump at its duty point ripples at blade pass by about 1 % of its discharge pressure
 * (assumption: HI 9.6.8 / ISO 10816-7 give no ripple limits; we take 3x that as clear), while
 * cavitation surge reaches several percent before the head drops (McKee et al. 2011).
 */
const PULSATION_FRAC = 0.03;

/**
 * Spectral kurtosis (excess) of the window's envelope band from which it is clearly impulsive: ≈ 0
 * for Gaussian noise (Antoni, MSSP 20, 2006), as vibration-verdict.ts's IMPULSIVE_SK.
 */
const IMPULSIVE_BAND_SK = 1;

/**
 * Incipient cavitation: before the head drops, bubbles collapse now and then near the impeller, each
 * collapse a short random shock that rings the casing at kHz (Brennen, Hydrodynamics of Pumps, 1994,
 * ch. 3; McKee et al. 2011: high-frequency crackling precedes the head drop). The acceleration turns
 * impulsive (crest factor or kurtosis up, a clearly impulsive envelope band) while its RMS barely
 * moves, and the impacts repeat at no bearing frequency: no envelope defect line has grown and the
 * recording's envelope analysis names no bearing. A spall's impacts are periodic, so they show as
 * a line, and the bearing rules (which score higher) name them; no running-speed line has grown.
 * Collapses come in bursts, so the impulsiveness is read at its strongest over the windows that
 * raised the alarm (peak-evidence.ts); the no-line conditions stay on the raising window and the
 * recording, where a bearing's periodic impacts would show.
 */
function incipientCavitation(ev: Evidence): { score: number; why: string } | undefined {
  const sk = peakValue(ev, 'env.sk');
  const zc = peakZ(ev, 'accel.crest') ?? 0;
  const zk = peakZ(ev, 'accel.kurtosis') ?? 0;
  const zi = Math.max(zc, zk);
  if (sk === undefined || !(sk >= IMPULSIVE_BAND_SK) || zi < Z_CHANGE) return undefined;
  if (defectLine(ev) > 0 || bearingFits(ev).some((f) => f.score >= 0.5) || shaftLinesGrown(ev)) return undefined;
  const inRun = zi > Math.max(zOf(ev, 'accel.crest') ?? 0, zOf(ev, 'accel.kurtosis') ?? 0) || sk > (ev.features['env.sk'] ?? -Infinity);
  return {
    score: clamp01(0.5 + 0.1 * strength(zi)),
    why: `impulsive acceleration (crest ${fmtZ(zc)}, kurtosis ${fmtZ(zk)}, envelope-band spectral kurtosis ${sk.toFixed(1)}${inRun ? ', at their strongest in the windows that raised the alarm' : ''}) repeating at no bearing frequency and with no shaft line grown: random bubble collapses`,
  };
}

/**
 * Cavitation (pumps): vapour bubbles collapse at the impeller when suction pressure falls below
 * vapour pressure; the head breaks down (discharge pressure drops and fluctuates) and collapses
 * add broadband high-frequency vibration (Brennen, Hydrodynamics of Pumps, 1994, ch. 3 and 6).
 * Both must be present: a pressure change alone is a process change, noise alone a bearing. The
 * pressure witness is a drop against the healthy level or, where the edge samples the pressure
 * fast enough to send it, pulsation within the window (it comes before the drop).
 */
export const cavitationRule: Rule = (ev) => {
  const zp = zOf(ev, 'scalar.pressure');
  const zv = zOf(ev, 'accel.rmsMs2');
  const ripple = ev.pressurePulsation?.rippleFrac;
  if (zp === undefined && ripple === undefined) return { faultType: 'cavitation', score: 0, explanation: 'cavitation: no discharge pressure measured (not a pump)' };
  const pressureDrop = zp === undefined ? 0 : -zp;
  const pulsating = ripple !== undefined && ripple >= PULSATION_FRAC;
  const noise = zv ?? 0;
  const pressure = `pressure ${zp === undefined ? 'level unknown' : fmtZ(zp)}${ripple === undefined ? '' : `, ripple ${(100 * ripple).toFixed(1)} % of its mean`}`;
  if ((pressureDrop < Z_CHANGE && !pulsating) || noise < Z_CHANGE) {
    const incipient = incipientCavitation(ev);
    if (incipient) return { faultType: 'cavitation', score: incipient.score, explanation: `cavitation (incipient): ${incipient.why}; ${pressure}` };
    return { faultType: 'cavitation', score: 0, explanation: `cavitation: not indicated (${pressure}, vibration ${fmtZ(noise)} against healthy)` };
  }
  const pulse = pulsating ? clamp01((ripple! - PULSATION_FRAC) / (2 * PULSATION_FRAC)) : 0;
  const score = clamp01(0.5 + 0.25 * Math.max(strength(pressureDrop), pulse) + 0.2 * strength(noise) + (pulsating && pressureDrop >= Z_CHANGE ? 0.05 : 0));
  const witness = [pressureDrop >= Z_CHANGE ? `discharge pressure ${fmtZ(zp!)} below its healthy level` : '', pulsating ? `pressure pulsating ${(100 * ripple!).toFixed(1)} % of its mean within the window` : ''].filter(Boolean).join(' and ');
  return { faultType: 'cavitation', score, explanation: `cavitation: ${witness}, with broadband vibration ${fmtZ(noise)} above its healthy level` };
};

/**
 * The strongest bearing defect line that has also grown against this machine's own healthy
 * envelope (robust z ≥ Z_CHANGE over `env.<family>Ratio`); 0 when none has. A healthy envelope
 * spectrum's largest ratios wander around 2-3x the median, so the absolute ratio alone is not a line.
 */
function defectLine(ev: Evidence): number {
  const r = ev.envelopeDefectRatios;
  const grown = ([name, v]: [string, number]) => {
    const z = zOf(ev, `env.${name}Ratio`);
    return v >= DEFECT_LINE_RATIO && (z === undefined || z >= Z_CHANGE);
  };
  return Math.max(0, ...(Object.entries({ bpfo: r.bpfo, bpfi: r.bpfi, bsf: r.bsf }) as [string, number][]).filter(grown).map(([, v]) => v));
}

/**
 * Impacts (spalls, rubs) raise the crest factor and kurtosis of the acceleration; contact noise from
 * a breaking lubricant film raises its whole level and leaves them near their healthy values
 * (Randall & Antoni 2011, sec. 3.1: kurtosis grows with impulsiveness, not with Gaussian noise).
 */
function impulsive(ev: Evidence): boolean {
  // Impacts in any window of the alarm's run count (peak-evidence.ts): a smooth rise has none.
  const risen = (peakZ(ev, 'accel.crest') ?? 0) >= Z_CHANGE || (peakZ(ev, 'accel.kurtosis') ?? 0) >= Z_CHANGE;
  return risen && !gaussianBands(ev);
}

/** Raw kurtosis from which the waveform itself is impulsive whatever the bands say (vibration-verdict.ts's IMPULSIVE_KURTOSIS). */
const IMPULSIVE_RAW_KURTOSIS = 5;

/**
 * True when the evidence measures the envelope band's spectral kurtosis and it stays Gaussian
 * (under IMPULSIVE_BAND_SK in the raising window, over the alarm's run, in the recording's band and
 * anywhere on its kurtogram), with the raw kurtosis short of clearly impulsive. The crest factor
 * and kurtosis of the whole waveform then rose for another reason: where a deterministic signal
 * dominates (a gear mesh, running-speed lines: kurtosis under 3, crest near √2), added *random*
 * broadband content, the film-breakdown noise, raises both towards their Gaussian values (3, and
 * 3-4 for crest) without a single impact. Spectral kurtosis tells the two apart: ≈ 0 for
 * stationary Gaussian noise, negative for steady tones (−1 for a pure one), clearly positive only
 * for transients (Antoni, MSSP 20, 2006, sec. 2-3; Randall & Antoni 2011, sec. 3.2). Without an SK
 * reading the waveform rise is kept as impacts.
 */
function gaussianBands(ev: Evidence): boolean {
  const env = ev.envelopeDiagnostics;
  const sks = [peakValue(ev, 'env.sk'), env?.bandSk, env?.maxSk].filter((x): x is number => x !== undefined && Number.isFinite(x));
  if (sks.length === 0) return false;
  const kurtosis = peakValue(ev, 'accel.kurtosis') ?? ev.shaftDiagnostics?.kurtosis ?? 0;
  return Math.max(...sks) < IMPULSIVE_BAND_SK && kurtosis < IMPULSIVE_RAW_KURTOSIS;
}

/** Any running-speed line (1x, 2x, 3x) grown against its healthy level: a shaft fault, not the film. */
function shaftLinesGrown(ev: Evidence): boolean {
  return (['vel.x1MmS', 'vel.x2MmS', 'vel.x3MmS'] as const).some((k) => (zOf(ev, k) ?? 0) >= Z_CHANGE);
}

/**
 * Growth of a running-speed line (factor over its healthy median) that is a real shaft change: the
 * 25 % ISO 20816-1 calls significant when trending, with the z-cut as the second guard.
 */
const SHAFT_LINE_GROWTH = 1.25;

/**
 * The running-speed line that has grown clearly (z ≥ Z_CHANGE and ≥ SHAFT_LINE_GROWTH), if any. A
 * starved film adds friction heat and noise above ~1 kHz, never a running-speed line; unbalance or
 * misalignment raise the bearing's dynamic load, so they heat it too (Harris & Kotzalas, Rolling
 * Bearing Analysis, 5th ed., ch. 9 on friction and load): a hot bearing with a grown 1x/2x/3x is
 * the shaft fault, named by its own rule.
 */
function grownShaftLine(ev: Evidence): { key: string; growth: number } | undefined {
  for (const key of ['vel.x1MmS', 'vel.x2MmS', 'vel.x3MmS']) {
    const v = ev.features[key];
    const b = ev.baseline[key];
    if (v === undefined || !b || !(b.median > 0)) continue;
    if (robustZ(v, b) >= Z_CHANGE && v / b.median >= SHAFT_LINE_GROWTH) return { key, growth: v / b.median };
  }
  return undefined;
}

/** Scalar channels that measure the load a machine carries, by their evidence feature name. */
const LOAD_FEATURES: Record<string, string> = { 'scalar.spindle_load': 'spindle load', 'scalar.current': 'motor current' };

/** The process load that has clearly risen against its healthy level (robust z ≥ Z_CHANGE), if any. */
function risenLoad(ev: Evidence): { name: string; z: number } | undefined {
  for (const [key, name] of Object.entries(LOAD_FEATURES)) {
    const z = zOf(ev, key);
    if (z !== undefined && z >= Z_CHANGE) return { name, z };
  }
  return undefined;
}

/**
 * Loss of lubrication: metal contact raises friction, so the bearing runs hot well beyond its
 * daily and load swings, and the broadband vibration floor rises before any discrete defect line
 * appears (Harris & Kotzalas, Rolling Bearing Analysis, 5th ed., ch. 9). A clear defect line means
 * a spall, which the bearing rules name instead.
 */
export const lubricationRule: Rule = (ev) => {
  // The residual against the edge's thermal model (measured minus predicted from load and ambient,
  // K) is the better witness of friction heat where the edge sends it: the ambient and load swings
  // that hide the first degrees in the raw temperature are taken out.
  const residualZ = tempZ(ev, 'scalar.temp_bearing.residual');
  const zt = residualZ ?? tempZ(ev, 'scalar.temp_bearing');
  const line = defectLine(ev);
  const zv = zOf(ev, 'accel.rmsMs2') ?? 0;
  if (line >= DEFECT_LINE_RATIO && zt !== undefined && zt >= Z_CHANGE) {
    return { faultType: 'lubrication-loss', score: 0.2, explanation: `lubrication loss: bearing hot (${fmtZ(zt)}) but a defect line stands ${line.toFixed(1)}x above the envelope median` };
  }
  if (line >= DEFECT_LINE_RATIO) return { faultType: 'lubrication-loss', score: 0, explanation: 'lubrication loss: not indicated (a bearing defect line is present)' };
  const shaft = grownShaftLine(ev);
  if (shaft) {
    const hot = zt !== undefined && zt >= Z_CHANGE ? `bearing hot (${fmtZ(zt)}), but ` : '';
    return { faultType: 'lubrication-loss', score: hot ? 0.3 : 0, explanation: `lubrication loss: ${hot}the ${shaft.key.slice(5, 7)} running-speed line grew ${shaft.growth.toFixed(1)}x its healthy level, a shaft fault that loads (and heats) the bearing` };
  }
  // Without the thermal model's residual the raw temperature follows the load: a bearing's friction
  // torque, so its heat, grows with the load it carries (Palmgren's M = f1·P·dm, Harris & Kotzalas
  // ch. 9). A hot bearing beside a clearly risen process load (spindle load, motor current) is then
  // the load's heat first; the load's own cause (a worn tool, a process change) is the lead.
  const load = residualZ === undefined ? risenLoad(ev) : undefined;
  if (zt !== undefined && zt >= Z_CHANGE && load) {
    return { faultType: 'lubrication-loss', score: 0.3, explanation: `lubrication loss: bearing temperature ${fmtZ(zt)} above its healthy level, but the ${load.name} rose too (${fmtZ(load.z)}): heat from the load, not from the film` };
  }
  // A worn tool's cutting forces load the spindle bearings the same way (Dimla 2000: force grows
  // with flank wear), even where the load reading swings with the workpiece: a risen wear estimate
  // beside a hot bearing is the tool's heat first, as a risen load is.
  const worn = residualZ === undefined && zt !== undefined && zt >= Z_CHANGE ? risenToolWear(ev) : undefined;
  if (worn) {
    return { faultType: 'lubrication-loss', score: 0.3, explanation: `lubrication loss: bearing temperature ${fmtZ(zt!)} above its healthy level, but the tool's flank wear estimate rose too (${worn.value.toFixed(0)} µm against ${worn.healthy.toFixed(0)} µm): heat from the cutting forces, not from the film` };
  }
  if (zt !== undefined && zt >= Z_CHANGE) {
    const score = clamp01(0.5 + 0.3 * strength(zt) + 0.15 * strength(zv));
    return {
      faultType: 'lubrication-loss',
      score,
      explanation: `lubrication loss: bearing temperature ${fmtZ(zt)} above ${residualZ !== undefined ? 'what its load and the ambient explain' : 'its healthy level'}${zv >= Z_CHANGE ? `, broadband vibration ${fmtZ(zv)}` : ''}, no bearing defect line`,
    };
  }
  // Early starvation: metal contact lifts the broadband floor before the bearing heats up much
  // (Harris & Kotzalas ch. 9); suspected when the temperature at least trends up. The raising
  // window's peak, not the run's: a lone burst is an impact, not a raised floor.
  const zHf = Math.max(zv, zOf(ev, 'accel.peakMs2') ?? 0);
  if (zt !== undefined && zHf >= Z_CHANGE && zt >= EARLY_TEMP_Z) {
    return {
      faultType: 'lubrication-loss',
      score: clamp01(0.5 + 0.1 * strength(zHf)),
      explanation: `lubrication loss (early): broadband vibration ${fmtZ(zHf)} above its healthy level, bearing temperature rising (${fmtZ(zt)}), no bearing defect line`,
    };
  }
  // A clearly falling temperature (beyond its healthy scatter) means less load or speed, not friction.
  const notCooling = zt === undefined || zt > -EARLY_TEMP_Z;
  // With a thermal-model residual the temperature is informative: no excess heat, no starvation call.
  if (residualZ === undefined && zHf >= Z_CHANGE && notCooling && !impulsive(ev) && !shaftLinesGrown(ev)) {
    // A bearing's temperature follows the ambient and the load by several kelvin, which can hide
    // the first degrees of friction heat (or its sensor is out): a smooth (non-impulsive) rise of
    // the broadband floor with no defect line and no grown shaft line is then still the
    // film-breakdown signature (Harris & Kotzalas ch. 9), named just over the bar so that any
    // specific pattern outranks it.
    const temp = zt === undefined ? 'no bearing temperature to confirm it' : `bearing temperature not up (${fmtZ(zt)}): check it against the ambient`;
    return {
      faultType: 'lubrication-loss',
      score: clamp01(0.5 + 0.05 * strength(zHf)),
      explanation: `lubrication loss (early): broadband vibration ${fmtZ(zHf)} above its healthy level without impacts, shaft lines or a bearing defect line; ${temp}`,
    };
  }
  if (zt === undefined) return { faultType: 'lubrication-loss', score: 0, explanation: 'lubrication loss: no bearing temperature measured and no broadband rise' };
  return { faultType: 'lubrication-loss', score: 0, explanation: `lubrication loss: not indicated (bearing temperature ${fmtZ(zt)})` };
};
