// First-cut diagnosis rules, as a vibration analyst reads the evidence: an outer-race bearing defect
// shows as a line at BPFO in the envelope spectrum, misalignment as a strong 2x running-speed
// component. Each rule is a small named function returning a score in [0, 1] and a sentence a
// maintenance planner understands. Every threshold below is a first cut, to be calibrated against
// the simulator's ground truth in the evaluation issue.
import { FAULT_COMPONENT, type Diagnosis, type Escalation, type Evidence, type FaultType } from '../../core/index.ts';
import { imbalanceRule, innerRaceRule, loosenessRule, outerRacePatternRule, rollingElementRule } from './pattern-rules.ts';
import { cavitationRule, lubricationRule } from './process-rules.ts';
import { hasHarmonicSeries, imbalanceTrendRule, lineChange, LOOSENESS_3X_SHARE_MIN, loosenessTrendRule } from './trend-rules.ts';
import { cageModulationRule, innerRaceLineRule, rollingElementLineRule } from './bearing-rules.ts';
import { brokenRotorBarRule, gearToothWearRule, toolWearRule } from './drive-rules.ts';
import { robustZ } from './robust-z.ts';

export { robustZ };

/** What one rule concluded: how well the evidence fits its fault (0..1) and why, in words. */
export interface RuleResult {
  faultType: FaultType;
  score: number;
  explanation: string;
}

/** A diagnosis rule: pure, total (never throws), score in [0, 1]. */
export type Rule = (ev: Evidence) => RuleResult;

/**
 * Envelope line at BPFO over the envelope spectrum's median below which we see no defect. A healthy
 * bearing's envelope spectrum is broadband, its strongest bins a few times the median; repetitive
 * impacts from a spall put a discrete line well above that (Randall & Antoni, MSSP 2011, sec. 3).
 */
export const BPFO_RATIO_MIN = 3;
/** BPFO ratio at which the outer-race score saturates: an unmistakable line. */
export const BPFO_RATIO_STRONG = 10;
/**
 * BPFO must exceed the BPFI, BSF and FTF lines by this factor: if they rise together the cause is
 * more likely broadband (looseness, rubbing, a different bearing defect) than the outer race.
 */
export const DEFECT_DOMINANCE_MIN = 1.5;
/**
 * Relative tolerance when matching a harmonic (2x BPFO): rolling elements slip 1-2 %, so real
 * defect lines sit slightly off their geometric frequencies (Randall & Antoni 2011, sec. 2).
 */
export const HARMONIC_TOLERANCE = 0.03;
/** Envelope peaks within this many orders of an integer are shaft harmonics, not bearing lines. */
export const INTEGER_ORDER_TOLERANCE = 0.05;
/** Plausible BPFO range in orders: n/2 (1 - d/D cos a) for bearings of 6 to 40 rolling elements. */
export const BPFO_ORDER_RANGE = { min: 1.5, max: 20 } as const;

/**
 * 2x/1x velocity ratio from which misalignment is suspected (0.5) and clear (1.5). Analysts' charts
 * read "2x above about half of 1x: suspect misalignment; 2x above 1x: likely" (e.g. Piotrowski,
 * Shaft Alignment Handbook, 3rd ed., ch. 1).
 */
export const MISALIGN_2X_TO_1X_MIN = 0.5;
export const MISALIGN_2X_TO_1X_STRONG = 1.5;
/**
 * Below this 2x velocity (mm/s rms) the line is noise whatever its ratio: ISO 10816-3 zone A for
 * medium machines ends at 1.4 mm/s overall, so a 0.3 mm/s component is insignificant.
 */
export const MISALIGN_2X_FLOOR_MM_S = 0.3;
/**
 * Trend evidence: a 2x line that has grown by this factor over the machine's own healthy level, at
 * twice the baseline z-cut, indicates misalignment even where 1x dominates (fans and other
 * overhung rotors carry a large 1x from residual imbalance): analysts trend 2x against its own
 * history, not only against 1x (ISO 13373-3 trend analysis). The 2x/1x ratio then needs only
 * MISALIGN_2X_TO_1X_TREND_MIN. 25 % is the change ISO 20816-1 (annex on trending) calls
 * significant; the doubled z-cut keeps window scatter out.
 */
export const MISALIGN_TREND_GROWTH = 1.25;
export const MISALIGN_2X_TO_1X_TREND_MIN = 0.2;
/** On the trend path, 3x must stay below this fraction of 2x: misalignment is 2x-dominant, looseness a slowly decaying series. */
export const MISALIGN_3X_TO_2X_MAX = 0.6;
/**
 * Robust z-score (deviation over 1.4826 MAD) of the 2x line against this machine's healthy baseline
 * above which it has changed; 3 is the usual conservative outlier cut (Leys et al., JESP 2013).
 */
export const BASELINE_Z_MIN = 3;
/**
 * Baseline keys for the 2x velocity line (mm/s); the first present is used. The edge's feature
 * extractor names it `vel.x2MmS`; the others keep replayed or foreign evidence usable.
 */
export const ORDER_2X_BASELINE_KEYS = ['vel.x2MmS', 'velocity_2x_mm_s', 'order_2x_mm_s', 'x2'] as const;

/** A rule must score at least this to name a fault; below it the diagnosis stays 'unknown'. */
export const DIAGNOSIS_MIN_SCORE = 0.5;
/** Largest confidence an 'unknown' diagnosis reports: we never pretend to know. */
export const UNKNOWN_MAX_CONFIDENCE = 0.45;


const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : x > 0 ? 1 : 0);

/** Formats a number for a sentence: fixed digits when sane, exponent otherwise. */
function fmt(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toFixed(digits);
}


const isShaftHarmonic = (order: number): boolean => Math.abs(order - Math.round(order)) <= INTEGER_ORDER_TOLERANCE && Math.round(order) >= 1;

/** The envelope peak most likely at BPFO, and whether its 2nd harmonic is also among the peaks. */
function findBpfoPeak(ev: Evidence): { order: number; freqHz: number; harmonic: boolean } | null {
  // With the bearing's geometry in the evidence, BPFO is known: only its line (or its harmonics) counts.
  const bpfo = ev.defectOrders?.bpfo;
  const nearBpfo = (order: number) => bpfo !== undefined && Math.abs(order - bpfo) <= HARMONIC_TOLERANCE * bpfo;
  const candidates = ev.topEnvelopePeaks
    .filter((p) => (bpfo !== undefined ? nearBpfo(p.order) : p.order >= BPFO_ORDER_RANGE.min && p.order <= BPFO_ORDER_RANGE.max && !isShaftHarmonic(p.order)))
    .sort((a, b) => b.amplitude - a.amplitude);
  const hasHarmonic = (order: number) =>
    ev.topEnvelopePeaks.some((q) => Math.abs(q.order - 2 * order) <= HARMONIC_TOLERANCE * 2 * order);
  const withHarmonic = candidates.find((p) => hasHarmonic(p.order));
  const best = withHarmonic ?? candidates[0];
  return best ? { order: best.order, freqHz: best.freqHz, harmonic: withHarmonic !== undefined } : null;
}

/** Outer-race bearing defect: a dominant envelope line at BPFO, ideally with its harmonic. */
export const outerRaceRule: Rule = (ev) => {
  const r = ev.envelopeDefectRatios;
  const others = Math.max(r.bpfi, r.bsf, r.ftf);
  if (!(r.bpfo >= BPFO_RATIO_MIN)) {
    return {
      faultType: 'bearing-outer-race',
      score: 0,
      explanation: `outer race: no distinct envelope line at the outer-race defect frequency (${fmt(r.bpfo)}x the spectrum median, below ${BPFO_RATIO_MIN}x)`,
    };
  }
  // A healthy window's envelope spectrum has maxima of 3-4x its median somewhere in every search
  // band, so with this machine's healthy level known the line must also have grown against it
  // (robust z, as the inner-race and ball lines in bearing-rules.ts): analysts trend a defect line
  // against the bearing's own history (ISO 13373-3), not against a fixed ratio alone.
  const healthy = ev.baseline['env.bpfoRatio'];
  const z = healthy ? robustZ(r.bpfo, healthy) : Infinity;
  if (z < BASELINE_Z_MIN) {
    return {
      faultType: 'bearing-outer-race',
      score: 0,
      explanation: `outer race: envelope line at BPFO ${fmt(r.bpfo)}x the spectrum median, but no higher than this bearing's healthy level (${fmt(healthy!.median)}x, z ${fmt(z)})`,
    };
  }
  const strength = clamp01((r.bpfo - BPFO_RATIO_MIN) / (BPFO_RATIO_STRONG - BPFO_RATIO_MIN));
  const dominant = others <= 0 || r.bpfo >= DEFECT_DOMINANCE_MIN * others;
  const peak = findBpfoPeak(ev);
  let score = 0.5 + 0.3 * strength + (peak?.harmonic ? 0.15 : 0);
  // Other defect lines as high as BPFO: the pattern is ambiguous, so halve the score (below the bar).
  if (!dominant) score *= 0.5;
  const where = peak
    ? `envelope peak at ${fmt(peak.order, 2)}x shaft speed (${fmt(peak.freqHz)} Hz), ${fmt(r.bpfo)}x the spectrum median`
    : `envelope amplitude at the outer-race defect frequency ${fmt(r.bpfo)}x the spectrum median`;
  const harmonic = peak?.harmonic ? `, with its 2nd harmonic at ${fmt(2 * peak.order, 2)}x also present` : '';
  const vsOthers = dominant
    ? `; inner-race and ball lines stay lower (${fmt(r.bpfi)}x, ${fmt(r.bsf)}x)`
    : `; but inner-race/ball lines are as high (${fmt(r.bpfi)}x, ${fmt(r.bsf)}x), so the pattern is ambiguous`;
  return { faultType: 'bearing-outer-race', score: clamp01(score), explanation: `outer race: ${where}${harmonic}${vsOthers}` };
};

/** The machine's healthy baseline for the 2x line, under whichever key the edge used. */
function baseline2x(ev: Evidence): { median: number; mad: number } | undefined {
  for (const k of ORDER_2X_BASELINE_KEYS) if (ev.baseline[k]) return ev.baseline[k];
  return undefined;
}

/** Misalignment: 2x running speed high against 1x and against this machine's own healthy level. */
export const misalignmentRule: Rule = (ev) => {
  const { x1, x2 } = ev.orderAmplitudes;
  const ratio = x1 > 0 ? x2 / x1 : x2 > 0 ? Infinity : 0;
  const level = `2x running-speed vibration ${fmt(x2, 2)} mm/s, ${fmt(ratio, 1)}x the 1x line (${fmt(x1, 2)} mm/s)`;
  const b = baseline2x(ev);
  const z = b ? robustZ(x2, b) : 0;
  const growth = b && b.median > 0 ? x2 / b.median : 1;
  // A grown 2x with a 3x almost as high is a harmonic series (looseness), not misalignment's 2x;
  // so is a 3x that grew (mm/s) at least half as much as 2x did (loosenessTrendRule's boundary).
  const c2 = lineChange(ev, 'vel.x2MmS');
  const c3 = lineChange(ev, 'vel.x3MmS');
  const series3x = c2 !== undefined && c3 !== undefined && c3.z >= BASELINE_Z_MIN && c3.delta >= LOOSENESS_3X_SHARE_MIN * Math.max(0, c2.delta);
  const lone2x = ev.orderAmplitudes.x3 <= MISALIGN_3X_TO_2X_MAX * x2 && !series3x;
  const trend = b !== undefined && z >= 2 * BASELINE_Z_MIN && growth >= MISALIGN_TREND_GROWTH && lone2x;
  const ratioOk = ratio >= MISALIGN_2X_TO_1X_MIN || (trend && ratio >= MISALIGN_2X_TO_1X_TREND_MIN);
  if (!(x2 >= MISALIGN_2X_FLOOR_MM_S) || !ratioOk) {
    return { faultType: 'misalignment', score: 0, explanation: `misalignment: not indicated (${level})` };
  }
  const strength = clamp01((ratio - MISALIGN_2X_TO_1X_MIN) / (MISALIGN_2X_TO_1X_STRONG - MISALIGN_2X_TO_1X_MIN));
  if (!b) {
    // Without the machine's own history a high 2x may be how this machine always ran: only a 2x/1x
    // ratio at the 'clear' end of the charts reaches the bar, and then only just.
    return {
      faultType: 'misalignment',
      score: clamp01(0.35 + 0.15 * strength),
      explanation: `misalignment: ${level}, but there is no healthy baseline for 2x at this machine to compare with`,
    };
  }
  if (z < BASELINE_Z_MIN) {
    return {
      faultType: 'misalignment',
      score: clamp01(0.2 * strength),
      explanation: `misalignment: ${level}, but that is normal for this machine (healthy level ${fmt(b.median, 2)} mm/s)`,
    };
  }
  const change = clamp01((z - BASELINE_Z_MIN) / (3 * BASELINE_Z_MIN));
  const healthy = `up ${fmt(growth, 1)}x from ${fmt(b.median, 2)} mm/s when healthy`;
  if (hasHarmonicSeries(ev)) {
    // 2x is one member of a harmonic series beyond 3x, or comes with half orders: the looseness
    // pattern (trend-rules.ts), not misalignment's lone 2x.
    return { faultType: 'misalignment', score: clamp01(0.2 + 0.2 * strength), explanation: `misalignment: ${level}, ${healthy}, but with harmonics beyond 3x or half orders (looseness pattern)` };
  }
  return { faultType: 'misalignment', score: clamp01(0.5 + 0.3 * strength + 0.15 * change), explanation: `misalignment: ${level}, ${healthy}` };
};

/** The rule set, in the order they are reported. */
export const RULES: readonly Rule[] = [
  outerRaceRule, outerRacePatternRule, misalignmentRule, innerRaceRule, innerRaceLineRule, rollingElementRule, rollingElementLineRule, cageModulationRule, imbalanceRule, loosenessRule, cavitationRule, lubricationRule,
  imbalanceTrendRule, loosenessTrendRule, brokenRotorBarRule, gearToothWearRule, toolWearRule,
];

/** The features furthest from this machine's healthy baseline, for an 'unknown' explanation. */
function topDeviations(ev: Evidence, n = 2): string[] {
  return Object.entries(ev.features)
    .flatMap(([name, value]) => {
      const b = ev.baseline[name];
      return b ? [{ name, value, median: b.median, z: Math.abs(robustZ(value, b)) }] : [];
    })
    .filter((d) => d.z >= BASELINE_Z_MIN)
    .sort((a, b) => b.z - a.z)
    .slice(0, n)
    .map((d) => `${d.name} ${fmt(d.value, 2)} (healthy ${fmt(d.median, 2)})`);
}

/** Diagnoses an escalation with the rule set; 'unknown' with confidence below 0.5 when no rule fits. */
export function diagnose(esc: Escalation): Diagnosis {
  const results = RULES.map((rule) => rule(esc.evidence)).sort((a, b) => b.score - a.score);
  const best = results[0];
  if (best && best.score >= DIAGNOSIS_MIN_SCORE) {
    // Several rules can read one fault (window lines and recording patterns): the runner-up is another fault.
    const runnerUp = results.find((r) => r.faultType !== best.faultType);
    const also = runnerUp && runnerUp.score >= DIAGNOSIS_MIN_SCORE ? ` Also possible: ${runnerUp.explanation}.` : '';
    return {
      v: 1,
      escalationId: esc.id,
      faultType: best.faultType,
      component: FAULT_COMPONENT[best.faultType],
      confidence: clamp01(best.score),
      explanation: `${capitalise(best.explanation)}.${also}`,
    };
  }
  const deviations = topDeviations(esc.evidence);
  const unusual = deviations.length ? ` Most unusual for this machine: ${deviations.join(', ')}.` : '';
  return {
    v: 1,
    escalationId: esc.id,
    faultType: 'unknown',
    component: null,
    confidence: Math.min(UNKNOWN_MAX_CONFIDENCE, clamp01(best?.score ?? 0)),
    explanation:
      `No known fault pattern recognised (${esc.severity} alarm, anomaly score ${fmt(esc.score, 2)}); inspect the machine.` +
      `${unusual} ${results.map((r) => capitalise(r.explanation)).join('. ')}.`,
  };
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
