// Rules for the running pipeline that read the recording-level evidence (envelope and shaft
// diagnostics, when an edge sends them) with the same pattern logic as `edge-pdm diagnose`
// (vibration-verdict.ts). Without that evidence they score 0, so the legacy rules decide as before.
import type { Evidence, FaultType } from '../../core/index.ts';
import type { Rule, RuleResult } from './rules.ts';
import { bearingFits, IMPULSIVE_SK, LINE_STRONG_DB, shaftFits, SUPPORT_DB, type Verdict } from './vibration-verdict.ts';
import { peakValue } from './peak-evidence.ts';
import { robustZ } from './robust-z.ts';

/** The FaultType each named verdict maps to (normal and unknown name no fault). */
export const VERDICT_FAULT: Partial<Record<Verdict, FaultType>> = {
  outer_race: 'bearing-outer-race',
  inner_race: 'bearing-inner-race',
  rolling_element: 'bearing-rolling-element',
  imbalance: 'imbalance',
  misalignment: 'misalignment',
  looseness: 'looseness',
};

/** Per bearing verdict: its envelope line family, the family's supporting sidebands, and the window feature of its line. */
const BEARING_LINES = {
  outer_race: { line: 'bpfo', support: undefined, window: 'env.bpfoRatio' },
  inner_race: { line: 'bpfi', support: 'shaftSidebandsDb', window: 'env.bpfiRatio' },
  rolling_element: { line: 'bsf2', support: 'cageSidebandsDb', window: 'env.bsfRatio' },
} as const;

/**
 * Why a bearing pattern rests on an unconfirmed line, or undefined when it is confirmed. In both
 * cases this machine's window envelope at the same frequency is no higher than when healthy (robust
 * z under 3), and either
 * - the line is lone: neither the 2nd/3rd harmonic nor a sideband stands SUPPORT_DB. A recording of
 *   a few windows averages few segments, so a single bin a little over LINE_PRESENT_DB is within the
 *   noise maxima of a ±2.5 % search band; a real spall repeats (harmonics), is modulated (sidebands)
 *   or has grown against the bearing's history (Randall & Antoni 2011, sec. 3.3); or
 * - a race line is present only by its support (fundamental under LINE_STRONG_DB) while no band of
 *   the signal is impulsive (spectral kurtosis under IMPULSIVE_SK in the recording's band, on its
 *   kurtogram and over the alarm's run). A spall makes its line by repetitive impacts, and impacts
 *   make the demodulated band impulsive (Antoni, MSSP 20, 2006; Randall & Antoni 2011, sec. 3.2):
 *   in a Gaussian band a fundamental a little over LINE_PRESENT_DB beside a harmonic at SUPPORT_DB
 *   is two noise maxima of a few-segment average. Not applied to the ball pattern: its recording
 *   line (2×BSF) is not the window's (1×BSF), so a quiet window says nothing against it.
 */
function unconfirmedLine(ev: Evidence, verdict: keyof typeof BEARING_LINES): string | undefined {
  const env = ev.envelopeDiagnostics;
  if (!env) return undefined;
  const spec = BEARING_LINES[verdict];
  const fam = env.lines[spec.line];
  const value = ev.features[spec.window];
  const healthy = ev.baseline[spec.window];
  if (value === undefined || !healthy || robustZ(value, healthy) >= LONE_LINE_Z) return undefined;
  // The 2nd or 3rd harmonic: an impact train's envelope harmonics fall off from the fundamental, so a
  // lone higher one (a 4th at 6 dB) beside absent 2nd and 3rd is a noise maximum, not the series.
  const harmonics = fam.harmonicsDb.slice(1, 3).some((d) => d >= SUPPORT_DB);
  const sidebands = spec.support !== undefined && fam[spec.support] >= SUPPORT_DB;
  if (!harmonics && !sidebands) return 'a lone line without harmonics or sidebands, and the window envelope there no higher than healthy';
  if (verdict === 'rolling_element' || (fam.harmonicsDb[0] ?? 0) >= LINE_STRONG_DB) return undefined;
  const sk = Math.max(env.bandSk, env.maxSk ?? -Infinity, peakValue(ev, 'env.sk') ?? -Infinity);
  if (sk >= IMPULSIVE_SK) return undefined;
  return `a marginal line in a signal with no impulsive band (spectral kurtosis ${sk.toFixed(2)}): no impacts to make it, and the window envelope there no higher than healthy`;
}
/** Robust z of the window line against healthy that confirms a lone recording line (Leys et al. 2013's cut). */
const LONE_LINE_Z = 3;
/** Score a lone, unconfirmed bearing line keeps: below the bar, so the diagnosis stays open. */
const LONE_LINE_MAX_SCORE = 0.45;

/** A rule scoring one verdict's pattern fit from the recording-level evidence. */
function patternRule(verdict: 'outer_race' | 'inner_race' | 'rolling_element' | 'imbalance' | 'looseness'): Rule {
  const faultType = VERDICT_FAULT[verdict]!;
  return (ev: Evidence): RuleResult => {
    const fits = [...bearingFits(ev), ...shaftFits(ev)];
    const mine = fits.find((f) => f.verdict === verdict);
    if (!mine) return { faultType, score: 0, explanation: `${faultType}: no envelope or shaft analysis in the evidence` };
    // A bearing pattern outranks a shaft one: only score a shaft fault when no bearing line fits, and
    // only a confirmed line counts (an unconfirmed one names no bearing fault, so it cannot veto).
    const bearingWins = (verdict === 'imbalance' || verdict === 'looseness') && bearingFits(ev).some((b) => b.score >= 0.5 && !unconfirmedLine(ev, b.verdict));
    const lone = verdict in BEARING_LINES && mine.score >= 0.5 ? unconfirmedLine(ev, verdict as keyof typeof BEARING_LINES) : undefined;
    const score = bearingWins ? Math.min(mine.score, 0.4) : lone ? Math.min(mine.score, LONE_LINE_MAX_SCORE) : mine.score;
    const caveat = lone ? `; ${lone}` : '';
    return { faultType, score: Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0, explanation: `${faultType}: ${mine.evidence.finding}${caveat}` };
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
