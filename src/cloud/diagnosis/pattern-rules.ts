// Rules for the running pipeline that read the recording-level evidence (envelope and shaft
// diagnostics, when an edge sends them) with the same pattern logic as `edge-pdm diagnose`
// (vibration-verdict.ts). Without that evidence they score 0, so the legacy rules decide as before.
import type { Evidence, FaultType } from '../../core/index.ts';
import type { Rule, RuleResult } from './rules.ts';
import { bearingFits, shaftFits, type Verdict } from './vibration-verdict.ts';

/** The FaultType each named verdict maps to (normal and unknown name no fault). */
export const VERDICT_FAULT: Partial<Record<Verdict, FaultType>> = {
  outer_race: 'bearing-outer-race',
  inner_race: 'bearing-inner-race',
  rolling_element: 'bearing-rolling-element',
  imbalance: 'imbalance',
  misalignment: 'misalignment',
  looseness: 'looseness',
};

/** A rule scoring one verdict's pattern fit from the recording-level evidence. */
function patternRule(verdict: 'outer_race' | 'inner_race' | 'rolling_element' | 'imbalance' | 'looseness'): Rule {
  const faultType = VERDICT_FAULT[verdict]!;
  return (ev: Evidence): RuleResult => {
    const fits = [...bearingFits(ev), ...shaftFits(ev)];
    const mine = fits.find((f) => f.verdict === verdict);
    if (!mine) return { faultType, score: 0, explanation: `${faultType}: no envelope or shaft analysis in the evidence` };
    // A bearing pattern outranks a shaft one: only score a shaft fault when no bearing line fits.
    const bearingWins = (verdict === 'imbalance' || verdict === 'looseness') && bearingFits(ev).some((b) => b.score >= 0.5);
    const score = bearingWins ? Math.min(mine.score, 0.4) : mine.score;
    return { faultType, score: Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0, explanation: `${faultType}: ${mine.evidence.finding}` };
  };
}

/**
 * Outer-race defect from the segment-averaged envelope spectrum: BPFO and its harmonics. It
 * complements outerRaceRule (one window's envelope ratios), which misses a line the window's short
 * envelope spectrum cannot resolve, e.g. at high shaft speeds where BPFO sits far up in its bins.
 */
export const outerRacePatternRule: Rule = patternRule('outer_race');
/** Inner-race defect: BPFI with ±1x sidebands in the envelope spectrum. */
export const innerRaceRule: Rule = patternRule('inner_race');
/** Rolling-element defect: 2×BSF with ±FTF sidebands in the envelope spectrum. */
export const rollingElementRule: Rule = patternRule('rolling_element');
/** Imbalance: the 1x line dominates the velocity spectrum, 2x and 3x small. */
export const imbalanceRule: Rule = patternRule('imbalance');
/** Looseness: many running-speed harmonics and half orders. */
export const loosenessRule: Rule = patternRule('looseness');
