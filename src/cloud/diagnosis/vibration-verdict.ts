// A vibration analyst's verdict over a recording's evidence (segment-averaged squared envelope
// spectrum and running-speed harmonics; see Evidence.envelopeDiagnostics / shaftDiagnostics).
// Bearing patterns (Randall & Antoni, "Rolling element bearing diagnostics - a tutorial", MSSP 25,
// 2011, sec. 2 and 3.3): outer race = BPFO and its harmonics, little 1x modulation (the defect is
// fixed in the load zone); inner race = BPFI with ±1x sidebands (the defect rotates through the
// load zone); rolling element = 2×BSF (a spall strikes both races) with ±FTF sidebands (the ball
// moves through the load zone with the cage). Shaft faults from a single recording without a
// baseline are weak evidence (ISO 13373-3): they are named only when the pattern is extreme.
import type { Evidence, EnvelopeLineFamily } from '../../core/index.ts';

/** Verdicts of a recording, as printed by `edge-pdm diagnose`. */
export const VERDICTS = ['normal', 'outer_race', 'inner_race', 'rolling_element', 'imbalance', 'misalignment', 'looseness', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One fact behind a verdict: a sentence and the numbers it rests on. */
export interface VerdictEvidence {
  finding: string;
  [key: string]: string | number | boolean;
}

/** A verdict, its confidence in [0, 1] and the facts behind it. */
export interface VibrationVerdict {
  verdict: Verdict;
  confidence: number;
  evidence: VerdictEvidence[];
}

/**
 * A defect line this far above the local floor of the segment-averaged SES (dB) is present. With
 * ~10 averaged segments the noise's largest bin in a ±2.5 % search window stays under ~6 dB; a
 * spall's line stands 10–25 dB above its neighbours.
 */
export const LINE_PRESENT_DB = 8;
/** A line this high is unmistakable on its own, without harmonics or sidebands. */
export const LINE_STRONG_DB = 12;
/** A harmonic or sideband this high supports the pattern. */
export const SUPPORT_DB = 4;
/** When the runner-up family's fundamental is within this many dB, the pattern is ambiguous. */
export const AMBIGUITY_DB = 3;
/**
 * Spectral kurtosis (excess) from which a band is clearly impulsive (Antoni 2006: ≈ 0 for
 * Gaussian noise, the estimate's spread ≈ 2/√M for M envelope samples, well under 0.2 here),
 * and raw kurtosis (3 for Gaussian) from which the waveform itself is impulsive.
 */
export const IMPULSIVE_SK = 1;
/**
 * A family's comb this many robust standard deviations above the same comb search at decoy
 * fundamentals of the same SES (features env.combZ.*, edge comb-null.ts) is significant. It
 * names a fault only in a clearly impulsive recording (IMPULSIVE_SK), and its harmonics or
 * sidebands must still stand SUPPORT_DB: a faint, intermittent ball fault rarely clears the fixed
 * LINE_PRESENT_DB, yet its comb stands apart from every decoy. Healthy grids of the synthetic rigs
 * (test/support/bearing-recordings.ts) stay under z ≈ 4.
 */
export const COMB_SIGNIFICANT_Z = 4.5;
/** Largest confidence an 'unknown' verdict reports (as rules.ts's VERDICT_UNKNOWN_MAX_CONFIDENCE). */
export const VERDICT_UNKNOWN_MAX_CONFIDENCE = 0.45;
export const IMPULSIVE_KURTOSIS = 5;
/** Imbalance: the 1x line holds this share of the 10–1000 Hz velocity and 2x, 3x stay this small. */
export const IMBALANCE_X1_SHARE = 0.95;
export const IMBALANCE_MAX_HARMONIC_RATIO = 0.15;
/** Misalignment: velocity 2x/1x at least this (Piotrowski: 2x above 1x is likely misalignment; 1.5 asks for more). */
export const MISALIGN_2X_TO_1X = 1.5;
/** Where 2x coincides with mains, 3x must also stand (a mains line has no 3x running-speed partner). */
export const MISALIGN_3X_TO_1X_AT_MAINS = 0.3;
/** Running-speed lines this far above the floor (dB) count as present harmonics for looseness. */
export const HARMONIC_PRESENT_DB = 20;
/** Looseness: this many integer harmonics 1x..10x, or fewer with half orders (Mitchell's charts). */
export const LOOSENESS_HARMONICS = 6;
export const LOOSENESS_HARMONICS_WITH_HALF = 4;
export const LOOSENESS_HALF_ORDERS = 2;
/** Velocity of a harmonic (relative to 1x) from which it counts for looseness; half orders need less (they are absent when healthy). */
export const LOOSENESS_HARMONIC_VELOCITY = 0.15;
export const LOOSENESS_HALF_ORDER_VELOCITY = 0.1;

/**
 * A recording without a baseline or a known unit (the offline command) shows a shaft fault only
 * when its lines hold most of the acceleration power (features rec.*PowerShare from
 * recording-evidence.ts): on a healthy machine the broadband holds most of it, even when 1x
 * stands 40 dB above a long recording's floor. Velocity shares alone do not tell the two apart
 * (the 1/f² weighting makes any clean 1x dominate 10–1000 Hz velocity). Imbalance: 1x holds this
 * share; misalignment: 2x holds MISALIGN_2X_POWER_SHARE; looseness: all running-speed lines
 * together hold RUNNING_SPEED_POWER_SHARE. Evidence without these features (the pipeline, which
 * has a fleet baseline) is not gated.
 */
export const IMBALANCE_X1_POWER_SHARE = 0.6;
export const MISALIGN_2X_POWER_SHARE = 0.3;
export const RUNNING_SPEED_POWER_SHARE = 0.6;

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const r1 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 10) / 10 : 0);
const r2 = (x: number): number => (Number.isFinite(x) ? Math.round(x * 100) / 100 : 0);
const at = (v: readonly number[], i: number): number => (Number.isFinite(v[i]) ? v[i]! : 0);

/** How well one bearing family's pattern fits: score in [0, 1], its fundamental level and support. */
export interface BearingFit {
  verdict: 'outer_race' | 'inner_race' | 'rolling_element';
  /** Level of the fundamental above the floor (dB). */
  lineDb: number;
  score: number;
  evidence: VerdictEvidence;
}

function fit(verdict: BearingFit['verdict'], name: string, fam: EnvelopeLineFamily, shaftHz: number, extra: { supportDb: number; supportName: string; penaltyDb?: number; combZ?: number; impulsive: boolean }): BearingFit {
  const h = fam.harmonicsDb;
  const lineDb = at(h, 0);
  const harmonicsPresent = h.slice(1).filter((d) => d >= SUPPORT_DB).length;
  const supported = harmonicsPresent > 0 || extra.supportDb >= SUPPORT_DB;
  const present = lineDb >= LINE_STRONG_DB || (lineDb >= LINE_PRESENT_DB && supported);
  const z = extra.combZ ?? 0;
  const significant = extra.impulsive && z >= COMB_SIGNIFICANT_Z && lineDb >= SUPPORT_DB && supported;
  let score = 0;
  if (!present && significant) {
    // Weaker than a line over the fixed threshold: 0.5 at the significance limit, up to 0.7.
    score = 0.5 + 0.05 * Math.min(4, z - COMB_SIGNIFICANT_Z);
  } else if (present) {
    score = 0.5 + 0.25 * clamp01((lineDb - LINE_PRESENT_DB) / 12) + 0.1 * Math.min(2, harmonicsPresent) / 2 + (extra.supportDb >= SUPPORT_DB ? 0.1 : 0);
    // A pattern that should lack a feature but shows it strongly (outer race with strong 1x sidebands) fits less well.
    if ((extra.penaltyDb ?? 0) >= LINE_PRESENT_DB) score -= 0.1;
  }
  return {
    verdict,
    lineDb,
    score: clamp01(score),
    evidence: {
      finding: `${name} at ${r1(fam.freqHz)} Hz (${r2(fam.freqHz / Math.max(shaftHz, 1e-9))}x shaft) ${r1(lineDb)} dB above the envelope spectrum's floor; harmonics ${h.slice(1, 4).map((d) => `${r1(d)}`).join(', ')} dB; ${extra.supportName} ${r1(extra.supportDb)} dB${extra.combZ !== undefined ? `; comb ${r1(z)} SD above chance` : ''}`,
      line: name,
      freqHz: r1(fam.freqHz),
      order: r2(fam.freqHz / Math.max(shaftHz, 1e-9)),
      levelDb: r1(lineDb),
      harmonic2Db: r1(at(h, 1)),
      harmonic3Db: r1(at(h, 2)),
      ...(extra.combZ !== undefined ? { combZ: r1(z) } : {}),
      [extra.supportName.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase())]: r1(extra.supportDb),
    },
  };
}

/** The three bearing fits of the evidence, best first; empty without envelope diagnostics. */
export function bearingFits(ev: Evidence): BearingFit[] {
  const env = ev.envelopeDiagnostics;
  if (!env) return [];
  const L = env.lines;
  const shaftHz = ev.shaftDiagnostics?.shaftHz ?? ev.shaftHz;
  const impulsive = Math.max(env.bandSk, env.maxSk ?? 0) >= IMPULSIVE_SK;
  // The comb significance: carried in the escalation's envelope analysis (incident-recording.ts), or
  // among the recording's own features (the offline command); absent from older escalations.
  const z = (k: 'bpfo' | 'bpfi' | 'bsf' | 'bsf2'): number | undefined => env.combZ?.[k] ?? ev.features[`env.combZ.${k}`];
  // A ball spall shows at BSF (one race struck harder) as well as 2×BSF: the stronger comb counts.
  const ballZ = Math.max(z('bsf2') ?? -Infinity, z('bsf') ?? -Infinity);
  const fits = [
    fit('outer_race', 'BPFO', L.bpfo, shaftHz, { supportDb: at(L.bpfo.harmonicsDb, 1), supportName: '2nd harmonic', penaltyDb: L.bpfo.shaftSidebandsDb, combZ: z('bpfo'), impulsive }),
    fit('inner_race', 'BPFI', L.bpfi, shaftHz, { supportDb: L.bpfi.shaftSidebandsDb, supportName: '1x sidebands', combZ: z('bpfi'), impulsive }),
    fit('rolling_element', '2xBSF', L.bsf2, shaftHz, { supportDb: Math.max(L.bsf2.cageSidebandsDb, at(L.ftf.harmonicsDb, 0)), supportName: 'FTF sidebands or line', combZ: Number.isFinite(ballZ) ? ballZ : undefined, impulsive }),
  ];
  return fits.sort((a, b) => b.score - a.score || b.lineDb - a.lineDb);
}

/** How well each shaft fault fits (score in [0, 1]) with its evidence; empty without shaft diagnostics. */
export function shaftFits(ev: Evidence): { verdict: 'imbalance' | 'misalignment' | 'looseness'; score: number; evidence: VerdictEvidence }[] {
  const s = ev.shaftDiagnostics;
  if (!s) return [];
  const h = s.harmonicsDb;
  const { x2ToX1, x3ToX1 } = s.velocityRatios;
  const out: { verdict: 'imbalance' | 'misalignment' | 'looseness'; score: number; evidence: VerdictEvidence }[] = [];
  // The recording-level power shares, when present (see IMBALANCE_X1_POWER_SHARE); 1 passes the gate.
  const share = (k: string) => ev.features[k] ?? 1;
  const x1Power = share('rec.x1PowerShare');
  const x2Power = share('rec.x2PowerShare');
  const allPower = share('rec.runningSpeedPowerShare');
  const pct = (v: number) => `${Math.round(100 * v)} %`;

  const imbalance = at(h, 0) >= HARMONIC_PRESENT_DB && x1Power >= IMBALANCE_X1_POWER_SHARE && s.x1VelocityShare >= IMBALANCE_X1_SHARE && x2ToX1 <= IMBALANCE_MAX_HARMONIC_RATIO && x3ToX1 <= IMBALANCE_MAX_HARMONIC_RATIO;
  out.push({
    verdict: 'imbalance',
    // Without a baseline or absolute limits a dominant 1x may be how this machine always runs: cap the confidence.
    score: imbalance ? 0.5 + 0.2 * clamp01((s.x1VelocityShare - IMBALANCE_X1_SHARE) / (1 - IMBALANCE_X1_SHARE)) : 0,
    evidence: { finding: `1x holds ${Math.round(100 * s.x1VelocityShare)} % of the 10-1000 Hz velocity${x1Power < 1 ? ` and ${pct(x1Power)} of the acceleration power` : ''}; 2x/1x ${r2(x2ToX1)}, 3x/1x ${r2(x3ToX1)} (velocity)`, x1PowerShare: r2(x1Power), x1VelocityShare: r2(s.x1VelocityShare), x2ToX1: r2(x2ToX1), x3ToX1: r2(x3ToX1), x1Db: r1(at(h, 0)) },
  });

  const needs3x = s.x2AtMains;
  const misalign = at(h, 1) >= HARMONIC_PRESENT_DB && x2Power >= MISALIGN_2X_POWER_SHARE && x2ToX1 >= MISALIGN_2X_TO_1X && (!needs3x || x3ToX1 >= MISALIGN_3X_TO_1X_AT_MAINS);
  out.push({
    verdict: 'misalignment',
    score: misalign ? clamp01(0.5 + 0.1 * Math.log2(x2ToX1 / MISALIGN_2X_TO_1X) + (x3ToX1 >= MISALIGN_3X_TO_1X_AT_MAINS ? 0.1 : 0)) * 0.85 : 0,
    evidence: {
      finding: `2x running speed ${r2(x2ToX1)}x the 1x line (velocity), 3x ${r2(x3ToX1)}x${x2Power < 1 ? `; 2x holds ${pct(x2Power)} of the acceleration power` : ''}${s.x2AtMains ? '; 2x lies within 0.5 Hz of mains frequency' : ''}`,
      x2ToX1: r2(x2ToX1), x3ToX1: r2(x3ToX1), x2PowerShare: r2(x2Power), x2Db: r1(at(h, 1)), x2AtMains: s.x2AtMains,
    },
  });

  // A harmonic counts when it stands above the floor and carries real velocity next to 1x: the
  // level above the floor alone grows with the recording's length (finer bins, lower floor).
  const vh = s.velocityHarmonics;
  const vhalf = s.velocityHalfOrders;
  const ints = h.filter((d, i) => d >= HARMONIC_PRESENT_DB && (vh === undefined || i === 0 || at(vh, i) >= LOOSENESS_HARMONIC_VELOCITY)).length;
  const halves = s.halfOrdersDb.filter((d, i) => d >= HARMONIC_PRESENT_DB && (vhalf === undefined || at(vhalf, i) >= LOOSENESS_HALF_ORDER_VELOCITY)).length;
  const loose = allPower >= RUNNING_SPEED_POWER_SHARE && (ints >= LOOSENESS_HARMONICS || (ints >= LOOSENESS_HARMONICS_WITH_HALF && halves >= LOOSENESS_HALF_ORDERS));
  out.push({
    verdict: 'looseness',
    score: loose ? clamp01(0.5 + 0.05 * (ints - LOOSENESS_HARMONICS_WITH_HALF) + 0.05 * halves) * 0.85 : 0,
    evidence: { finding: `${ints} of ${h.length} running-speed harmonics and ${halves} half orders stand ${HARMONIC_PRESENT_DB} dB above the floor${allPower < 1 ? `; running-speed lines hold ${pct(allPower)} of the acceleration power` : ''}`, harmonics: ints, halfOrders: halves, runningSpeedPowerShare: r2(allPower) },
  });
  return out.sort((a, b) => b.score - a.score);
}

/** The verdict over a recording's evidence: never throws, confidence in [0, 1]. */
export function vibrationVerdict(ev: Evidence): VibrationVerdict {
  const bearings = bearingFits(ev);
  const shafts = shaftFits(ev);
  const env = ev.envelopeDiagnostics;
  const sk = Math.max(env?.bandSk ?? 0, env?.maxSk ?? 0);
  const kurtosis = ev.shaftDiagnostics?.kurtosis ?? ev.features['accel.kurtosis'] ?? 3;
  const impulsive: VerdictEvidence = {
    finding: `signal kurtosis ${r2(kurtosis)} (3 for Gaussian); envelope band ${env ? `${Math.round(env.bandHz[0])}-${Math.round(env.bandHz[1])} Hz (${env.method})` : 'n/a'}, spectral kurtosis ${r2(sk)} (0 for Gaussian)`,
    kurtosis: r2(kurtosis),
    spectralKurtosis: r2(sk),
  };
  const best = bearings[0];
  if (best && best.score >= 0.5) {
    const runner = bearings[1];
    const ambiguous = runner !== undefined && runner.score >= 0.5 && runner.lineDb >= best.lineDb - AMBIGUITY_DB;
    const confidence = clamp01(ambiguous ? Math.min(0.55, best.score - 0.2) : Math.min(0.95, best.score));
    const evidence = [best.evidence, ...(ambiguous && runner ? [{ ...runner.evidence, finding: `also: ${runner.evidence.finding}` }] : []), impulsive];
    return { verdict: best.verdict, confidence, evidence };
  }
  const shaft = shafts[0];
  if (shaft && shaft.score >= 0.5) return { verdict: shaft.verdict, confidence: clamp01(shaft.score), evidence: [shaft.evidence, impulsive] };
  const strongestDb = Math.max(0, ...bearings.map((b) => b.lineDb));
  const lines: VerdictEvidence = {
    finding: `no bearing defect line stands clearly above the envelope spectrum's floor (strongest ${r1(strongestDb)} dB, threshold ${LINE_PRESENT_DB} dB)`,
    strongestLineDb: r1(strongestDb),
  };
  if (!env && !ev.shaftDiagnostics) {
    return { verdict: 'unknown', confidence: 0, evidence: [{ finding: 'no envelope or shaft analysis in the evidence' }] };
  }
  if (sk >= IMPULSIVE_SK || kurtosis >= IMPULSIVE_KURTOSIS) {
    // Clearly impulsive but periodic at no bearing frequency: something is wrong, we cannot say what.
    return { verdict: 'unknown', confidence: Math.min(VERDICT_UNKNOWN_MAX_CONFIDENCE, clamp01(0.3 + 0.05 * Math.min(3, sk))), evidence: [impulsive, lines] };
  }
  // Healthy: the nearer a line or the impulsiveness comes to the thresholds, the less sure.
  const margin = Math.min(clamp01((LINE_PRESENT_DB - strongestDb) / LINE_PRESENT_DB), clamp01((IMPULSIVE_SK - sk) / IMPULSIVE_SK));
  return { verdict: 'normal', confidence: clamp01(0.5 + 0.4 * margin), evidence: [lines, impulsive] };
}
