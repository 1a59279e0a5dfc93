// Inner-race and ball defects from one window's envelope spectrum: the line at BPFI or BSF stands
// out of the envelope spectrum (ratio to its median, as outerRaceRule reads BPFO), has grown against
// this machine's own healthy envelope, and dominates the other defect lines. The recording-level
// pattern rules (pattern-rules.ts) read sidebands too; these read the window evidence every edge
// sends, so a defect is named even when the escalation carries no segment-averaged analysis.
import type { Evidence, FaultType } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';
import { bearingFits, IMPULSIVE_SK, LINE_PRESENT_DB } from './vibration-verdict.ts';
import { peakValue } from './peak-evidence.ts';

// The thresholds of outerRaceRule and the misalignment baseline check (rules.ts, where the sources
// are given), repeated here because rules.ts imports this file: a line over 3x the envelope median,
// saturating at 10x, 1.5x above the other families, and a robust z of 3 against healthy.
const LINE_RATIO_MIN = 3;
const LINE_RATIO_STRONG = 10;
const DOMINANCE_MIN = 1.5;
const BASELINE_Z_MIN = 3;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const FAMILIES = ['bpfo', 'bpfi', 'bsf'] as const;
type Family = (typeof FAMILIES)[number];
const NAMES: Record<Family, string> = { bpfo: 'BPFO', bpfi: 'BPFI', bsf: 'BSF' };

/** Score a window line keeps when the recording contradicts it: under the bar, so the diagnosis stays open. */
const CONTRADICTED_MAX_SCORE = 0.45;

/**
 * Why the recording-level evidence contradicts a window line of this family, or undefined when it
 * does not. One window's ratio is the largest bin of a short envelope spectrum in a search band, a
 * maximum with a long upper tail (extreme-value, not normal), so a robust z a little over 3 against
 * the healthy median/MAD comes now and then from noise alone. The segment-averaged recording
 * resolves the same family far better: when it finds no line there (fit under 0.5, fundamentals
 * under LINE_PRESENT_DB) and no band of the signal is impulsive (spectral kurtosis under
 * IMPULSIVE_SK in the window, over the alarm's run, in the recording's band and on its kurtogram)
 * there are no impacts for a line to come from: a spall's repetitive impacts are what make both
 * the line and the impulsiveness (Randall & Antoni, MSSP 25, 2011, sec. 3.2-3.3). A window line
 * grown to twice the z-cut is kept: that far out it is no tail event.
 */
function recordingContradicts(ev: Evidence, family: 'bpfi' | 'bsf', z: number): string | undefined {
  const env = ev.envelopeDiagnostics;
  if (!env || z >= 2 * BASELINE_Z_MIN) return undefined;
  const verdict = family === 'bpfi' ? 'inner_race' : 'rolling_element';
  // A ball defect shows at 2×BSF (it strikes both races) as well as at BSF: either line counts.
  const lines = family === 'bpfi' ? [env.lines.bpfi] : [env.lines.bsf, env.lines.bsf2];
  const lineDb = Math.max(...lines.map((l) => l.harmonicsDb[0] ?? 0));
  const fitted = bearingFits(ev).some((f) => f.verdict === verdict && f.score >= 0.5);
  const sk = Math.max(peakValue(ev, 'env.sk') ?? -Infinity, env.bandSk, env.maxSk ?? -Infinity);
  if (fitted || lineDb >= LINE_PRESENT_DB || sk >= IMPULSIVE_SK) return undefined;
  return `the recording's averaged envelope spectrum shows no ${NAMES[family]} line (${lineDb.toFixed(1)} dB) and no band is impulsive (spectral kurtosis ${sk.toFixed(2)})`;
}

/** A rule for one defect family's window line, judged against the machine's healthy envelope. */
function windowLineRule(family: 'bpfi' | 'bsf', faultType: FaultType, label: string): Rule {
  return (ev: Evidence) => {
    const r = ev.envelopeDefectRatios;
    const value = r[family];
    const b = ev.baseline[`env.${family}Ratio`];
    // Without the machine's healthy envelope the ratio alone wanders too much (healthy maxima of 3-5x).
    if (!b) return { faultType, score: 0, explanation: `${label}: no healthy envelope level for ${NAMES[family]} at this machine` };
    const z = robustZ(value, b);
    const others = FAMILIES.filter((f) => f !== family).map((f) => r[f]);
    const dominant = value >= DOMINANCE_MIN * Math.max(0, ...others);
    const level = `envelope line at ${NAMES[family]} ${value.toFixed(1)}x the spectrum median (healthy ${b.median.toFixed(1)}x, z ${z.toFixed(1)})`;
    if (!(value >= LINE_RATIO_MIN) || z < BASELINE_Z_MIN) return { faultType, score: 0, explanation: `${label}: not indicated (${level})` };
    const strength = clamp01((value - LINE_RATIO_MIN) / (LINE_RATIO_STRONG - LINE_RATIO_MIN));
    const score = (0.5 + 0.3 * strength) * (dominant ? 1 : 0.5);
    const vs = FAMILIES.filter((f) => f !== family).map((f) => `${NAMES[f]} ${r[f].toFixed(1)}x`).join(', ');
    const contradicted = recordingContradicts(ev, family, z);
    if (contradicted) return { faultType, score: Math.min(clamp01(score), CONTRADICTED_MAX_SCORE), explanation: `${label}: ${level}; but ${contradicted}` };
    return { faultType, score: clamp01(score), explanation: `${label}: ${level}; ${dominant ? `other defect lines stay lower (${vs})` : `but other defect lines are as high (${vs}), so the pattern is ambiguous`}` };
  };
}

/** Inner-race defect: a grown, dominant BPFI line in the window's envelope spectrum. */
export const innerRaceLineRule: Rule = windowLineRule('bpfi', 'bearing-inner-race', 'inner race');
/** Rolling-element defect: a grown, dominant BSF line in the window's envelope spectrum. */
export const rollingElementLineRule: Rule = windowLineRule('bsf', 'bearing-rolling-element', 'rolling element');

/**
 * The cage line at its strongest over the windows that raised the alarm (evidence.peaks), when it
 * stood out there although the raising window is quiet. A ball spall strikes only while it faces a
 * race in the load zone, and the ball spins and skews, so its impacts come and go between windows
 * (Randall & Antoni 2011, sec. 2.1: ball faults are the most intermittent of the four): one window of
 * the run may carry the line that the raising window missed. One window's maximum is a tail event
 * more often than the median/MAD suggests, so the peak must stand twice the z-cut, dominate the race
 * lines at their own strongest over the run, and come with an impulsive band (spectral kurtosis at
 * least IMPULSIVE_SK somewhere): the impacts that make the line.
 */
function cageLineInRun(ev: Evidence, b: { median: number; mad: number }): { strength: number; why: string } | undefined {
  const p = ev.peaks?.['env.ftfRatio'];
  if (!p) return undefined;
  const z = robustZ(p.value, b);
  const r = ev.envelopeDefectRatios;
  const races = Math.max(r.bpfo, r.bpfi, peakValue(ev, 'env.bpfoRatio') ?? 0, peakValue(ev, 'env.bpfiRatio') ?? 0);
  const env = ev.envelopeDiagnostics;
  const sk = Math.max(peakValue(ev, 'env.sk') ?? -Infinity, env?.bandSk ?? -Infinity, env?.maxSk ?? -Infinity);
  if (!(p.value >= LINE_RATIO_MIN) || z < 2 * BASELINE_Z_MIN || p.value < DOMINANCE_MIN * races || !(sk >= IMPULSIVE_SK)) return undefined;
  return {
    strength: clamp01((p.value - LINE_RATIO_MIN) / (LINE_RATIO_STRONG - LINE_RATIO_MIN)),
    why: `envelope line at the cage frequency (FTF) reached ${p.value.toFixed(1)}x the spectrum median in the alarm's run (healthy ${b.median.toFixed(1)}x, z ${z.toFixed(1)}; ${r.ftf.toFixed(1)}x in the raising window), above the race lines at their strongest (${races.toFixed(1)}x), with an impulsive band (spectral kurtosis ${sk.toFixed(1)})`,
  };
}

/**
 * Rolling-element defect from the cage line: a spalled ball strikes the races only while the cage
 * carries it through the load zone, so its impacts are amplitude-modulated at the cage speed and
 * the envelope spectrum shows FTF itself (and FTF sidebands around 2×BSF), which neither a race
 * defect (outer race: fixed, no modulation; inner race: modulated at 1x) nor a shaft fault makes
 * (Randall & Antoni, MSSP 25, 2011, sec. 2.1 and fig. 3; McFadden & Smith, J. Sound Vib. 96, 1984).
 * Ball impacts are weak and irregular, so the window's 1×BSF line is often lost while the cage line
 * stands out: the FTF line must have grown against this machine's healthy envelope and dominate
 * the race lines. Where the recording-level analysis names a bearing fault (pattern-rules.ts),
 * that better-resolved reading decides, and this rule stands aside.
 */
export const cageModulationRule: Rule = (ev) => {
  const faultType: FaultType = 'bearing-rolling-element';
  const r = ev.envelopeDefectRatios;
  const b = ev.baseline['env.ftfRatio'];
  if (!b) return { faultType, score: 0, explanation: 'rolling element (cage line): no healthy envelope level for FTF at this machine' };
  const z = robustZ(r.ftf, b);
  const races = Math.max(r.bpfo, r.bpfi);
  const level = `envelope line at the cage frequency (FTF) ${r.ftf.toFixed(1)}x the spectrum median (healthy ${b.median.toFixed(1)}x, z ${z.toFixed(1)}), race lines BPFO ${r.bpfo.toFixed(1)}x, BPFI ${r.bpfi.toFixed(1)}x`;
  if (!(r.ftf >= LINE_RATIO_MIN) || z < BASELINE_Z_MIN || r.ftf < DOMINANCE_MIN * races) {
    const run = cageLineInRun(ev, b);
    if (!run) return { faultType, score: 0, explanation: `rolling element (cage line): not indicated (${level})` };
    const other = bearingFits(ev).find((f) => f.score >= 0.5 && f.verdict !== 'rolling_element');
    if (other) return { faultType, score: 0.3, explanation: `rolling element (cage line in the alarm's run): ${run.why}; but the recording's envelope analysis reads ${other.verdict.replace('_', ' ')}` };
    return { faultType, score: clamp01(0.5 + 0.1 * run.strength), explanation: `rolling element (intermittent): ${run.why}: the cage modulates a ball defect's impacts, which come and go as the ball turns its spall in and out of contact` };
  }
  const recordingNames = bearingFits(ev).find((f) => f.score >= 0.5);
  if (recordingNames && recordingNames.verdict !== 'rolling_element') {
    return { faultType, score: 0.3, explanation: `rolling element (cage line): ${level}; but the recording's envelope analysis reads ${recordingNames.verdict.replace('_', ' ')}` };
  }
  const strength = clamp01((r.ftf - LINE_RATIO_MIN) / (LINE_RATIO_STRONG - LINE_RATIO_MIN));
  // BSF (or 2×BSF) also raised beside the cage line: the ball's own line, the textbook pair.
  const bsfB = ev.baseline['env.bsfRatio'];
  const bsfUp = bsfB !== undefined && robustZ(r.bsf, bsfB) >= BASELINE_Z_MIN;
  return { faultType, score: clamp01(0.5 + 0.25 * strength + (bsfUp ? 0.1 : 0)), explanation: `rolling element: ${level}: the cage modulates a ball defect's impacts${bsfUp ? '; the BSF line has grown too' : ''}` };
};
