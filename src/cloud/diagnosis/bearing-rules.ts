// Inner-race and ball defects from one window's envelope spectrum: the line at BPFI or BSF stands
// out of the envelope spectrum (ratio to its median, as outerRaceRule reads BPFO), has grown against
// this machine's own healthy envelope, and dominates the other defect lines. The recording-level
// pattern rules (pattern-rules.ts) read sidebands too; these read the window evidence every edge
// sends, so a defect is named even when the escalation carries no segment-averaged analysis.
import type { Evidence, FaultType } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';

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
    return { faultType, score: clamp01(score), explanation: `${label}: ${level}; ${dominant ? `other defect lines stay lower (${vs})` : `but other defect lines are as high (${vs}), so the pattern is ambiguous`}` };
  };
}

/** Inner-race defect: a grown, dominant BPFI line in the window's envelope spectrum. */
export const innerRaceLineRule: Rule = windowLineRule('bpfi', 'bearing-inner-race', 'inner race');
/** Rolling-element defect: a grown, dominant BSF line in the window's envelope spectrum. */
export const rollingElementLineRule: Rule = windowLineRule('bsf', 'bearing-rolling-element', 'rolling element');
