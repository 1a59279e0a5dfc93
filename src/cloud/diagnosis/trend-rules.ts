// Trend rules: the running-speed lines judged against this machine's own healthy levels (the edge
// sends its learned median/MAD per feature), which a single recording cannot give. An analyst
// compares today's spectrum with the machine's baseline spectrum and asks which lines grew, and by
// how much in mm/s (ISO 13373-3 trend analysis): unbalance is a force at 1x, so 1x alone grows
// (ISO 21940-11); misalignment grows 2x (and some 3x); mechanical looseness grows a whole series of
// harmonics, often with half orders (Mitchell, Introduction to Machinery Analysis and Monitoring,
// 2nd ed., ch. 10; Randall, Vibration-based Condition Monitoring, 2011, sec. 2.2).
import type { Evidence } from '../../core/index.ts';
import type { Rule } from './rules.ts';
import { robustZ } from './robust-z.ts';
import { bearingFits } from './vibration-verdict.ts';

/** Robust z (Leys et al. 2013's conservative cut is 3) from which a line has changed against its healthy level. */
export const LINE_CHANGE_Z = 3;
/**
 * 1x must also have grown by this factor: window-to-window repeatability of an order amplitude is
 * about ±10 % (ISO 20816-1 treats changes of 25 % as significant for trending; we take 15 % with
 * the z-cut as the second guard).
 */
export const IMBALANCE_1X_GROWTH_MIN = 1.15;
/** Robust z of 1x at which the imbalance score saturates. */
export const IMBALANCE_1X_Z_STRONG = 15;
/**
 * Largest growth of 2x or 3x (mm/s) as a fraction of the growth of 1x that still reads as a pure
 * 1x force: a real rotor's unbalance adds a little 2x through bearing non-linearity, misalignment
 * and looseness add more at 2x than at 1x.
 */
export const IMBALANCE_HARMONIC_SHARE_MAX = 0.3;
/**
 * A running-speed harmonic (3x..10x) or half order (2.5x..4.5x) counts towards looseness from this
 * velocity relative to 1x: a healthy machine's harmonics above 2x sit at a few percent of 1x, a loose
 * foot or bearing fit raises a slowly decaying series (Mitchell ch. 10). Half orders below 2.5x are
 * left out: 0.5x and 1.5x pick up low-frequency process noise and integration drift in velocity.
 */
export const LOOSENESS_HARMONIC_REL = 0.15;
/** Harmonics from 3x up (or 2.5x..4.5x half orders) above LOOSENESS_HARMONIC_REL needed to call looseness. */
export const LOOSENESS_MIN_HARMONICS = 3;
/** In a grown series 3x grows by at least this share of the growth of 2x (misalignment's 3x stays well under it). */
export const LOOSENESS_3X_SHARE_MIN = 0.5;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const ramp = (x: number, lo: number, hi: number) => clamp01((x - lo) / (hi - lo));

/** How one line moved against this machine's healthy level. */
export interface LineChange {
  value: number;
  healthy: number;
  /** value − healthy (mm/s). */
  delta: number;
  growth: number;
  z: number;
}

/** Change of one order line (vel.x1MmS etc.) against the machine's baseline; undefined without one. */
export function lineChange(ev: Evidence, key: 'vel.x1MmS' | 'vel.x2MmS' | 'vel.x3MmS'): LineChange | undefined {
  const field = { 'vel.x1MmS': ev.orderAmplitudes.x1, 'vel.x2MmS': ev.orderAmplitudes.x2, 'vel.x3MmS': ev.orderAmplitudes.x3 }[key];
  const value = ev.features[key] ?? field;
  const b = ev.baseline[key];
  if (!b || value === undefined || !Number.isFinite(value)) return undefined;
  return { value, healthy: b.median, delta: value - b.median, growth: b.median > 0 ? value / b.median : 1, z: robustZ(value, b) };
}

/**
 * A line this far above its local floor (dB) is no noise bin: a periodogram bin's power ratio to
 * its neighbours' median is about exponentially distributed, so 12 dB (×15.8) has a chance near
 * e^-15.8 ≈ 1e-7 per bin. A comb of such lines at 4x..10x, where a healthy rotor has next to no
 * energy, is early looseness even while each line is still small in mm/s.
 */
export const COMB_LINE_DB = 12;
/** Lines of 4x..10x (seven) at COMB_LINE_DB needed for a comb: a gear mesh or tooth-pass line and its harmonic make one or two. */
export const COMB_MIN_LINES = 5;

/** Harmonics 3x..10x and half orders 2.5x..4.5x standing out in the shaft analysis (velocity relative to 1x), and the 4x..10x comb. */
export function harmonicSeries(ev: Evidence): { harmonics: number; halfOrders: number; comb: number } | undefined {
  const s = ev.shaftDiagnostics;
  if (!s?.velocityHarmonics) return undefined;
  const harmonics = s.velocityHarmonics.slice(2).filter((v) => v >= LOOSENESS_HARMONIC_REL).length;
  // A sub-harmonic is a discrete line: velocity read at a half order that does not stand out of the
  // floor is the leakage of a neighbouring integer line or broadband noise (4- and 6-pole machines'
  // half orders lie within a few bins of 1x and 2x in a short recording), not rattling.
  const halfOrders = (s.velocityHalfOrders ?? []).slice(2).filter((v, i) => v >= LOOSENESS_HARMONIC_REL && (s.halfOrdersDb[i + 2] ?? 0) >= COMB_LINE_DB).length;
  const comb = s.harmonicsDb.slice(3, 10).filter((d) => d >= COMB_LINE_DB).length;
  return { harmonics, halfOrders, comb };
}

/**
 * True when the shaft analysis shows looseness's signature rather than a lone 2x or 1x: a series of
 * harmonics beyond 2x, or any half order from 2.5x up (sub-harmonics come from the non-linear,
 * rattling contact of a loose part; neither unbalance nor misalignment makes them, Mitchell ch. 10).
 */
export function hasHarmonicSeries(ev: Evidence): boolean {
  const h = harmonicSeries(ev);
  return h !== undefined && (h.harmonics + h.halfOrders >= LOOSENESS_MIN_HARMONICS || h.halfOrders > 0 || h.comb >= COMB_MIN_LINES);
}

/**
 * Trend points (each the median of several windows, feature-trends.ts) that must all stand above the
 * healthy level for a sustained rise: five consecutive excursions of ≥ 3σ have a chance of
 * (1.3e-3)^5 under the healthy scatter, so persistence, not one window's size, carries the evidence.
 */
export const SUSTAINED_POINTS = 5;
/** Median growth over those points for a sustained rise: 10 %, beyond the ±10 % repeatability of one order reading (ISO 20816-1). */
export const SUSTAINED_GROWTH_MIN = 1.1;
/** Scale floor of the trend's z (fraction of the median): a sensor's ~1 % repeatability, not robustZ's 5 % guard for constant features. */
const TREND_SCALE_FLOOR = 0.01;

/**
 * A line's rise sustained over the last SUSTAINED_POINTS points of its pre-alarm trend (Evidence.
 * trends): every point ≥ LINE_CHANGE_Z of the healthy scatter above the healthy median and their
 * median ≥ SUSTAINED_GROWTH_MIN of it. Early in a fault one window's growth is still under the
 * single-window cut, while the trend has already left the healthy band and stayed out (an
 * analyst's trend plot, ISO 13373-3).
 */
export function sustainedRise(ev: Evidence, key: string, growthMin = SUSTAINED_GROWTH_MIN): { growth: number; minZ: number } | undefined {
  const t = ev.trends?.[key];
  const b = ev.baseline[key];
  if (!t || !b || !(b.median > 0) || t.levels.length < SUSTAINED_POINTS) return undefined;
  const last = t.levels.slice(-SUSTAINED_POINTS);
  const scale = Math.max(1.4826 * Math.abs(b.mad), TREND_SCALE_FLOOR * b.median);
  const minZ = Math.min(...last.map((v) => (v - b.median) / scale));
  const sorted = [...last].sort((a, c) => a - c);
  const growth = sorted[SUSTAINED_POINTS >> 1]! / b.median;
  return Number.isFinite(minZ) && minZ >= LINE_CHANGE_Z && growth >= growthMin ? { growth, minZ } : undefined;
}

/**
 * Growth of 1x (median of the last SUSTAINED_POINTS trend points, speed effect removed) that names
 * early imbalance when nothing else about the machine moved (quietBesides1x). SUSTAINED_GROWTH_MIN's
 * 10 % is the repeatability of one order reading; the median of five readings, each standing
 * LINE_CHANGE_Z of the machine's own scatter above its healthy level, is known to about
 * 10 %/√5 ≈ 4.5 %, so 5 %. What the z-cut cannot see, a drift of the operating point (speed, load,
 * flow, temperature), quietBesides1x rules out, so the lower bar is not a weaker test.
 */
export const QUIET_GROWTH_MIN = 1.05;
/** Features that follow the 1x line: the overall levels it dominates, judged against what its growth explains. */
const OVERALL_LEVELS = ['vel.rmsMmS', 'accel.rmsMs2', 'accel.peakMs2'] as const;
/** Impulsiveness features: a growing sinusoid lowers them (a sine's kurtosis is 1.5), so only a rise counts. */
const IMPULSIVENESS = ['accel.kurtosis', 'accel.crest'] as const;

/**
 * The first feature besides the 1x line that moved against this machine's healthy level (robust z
 * ≥ LINE_CHANGE_Z), in the raising window or at its peak over the alarm's run (Evidence.peaks);
 * undefined when only the 1x line did. Unbalance is a force at 1x and nothing else (ISO 21940-11;
 * ISO 20816-1 reads a vibration change at unchanged operating conditions against the machine's
 * history), so: 2x, 3x, envelope lines, temperatures and process values (speed, load, flow,
 * pressure) stay at their healthy levels; the overall velocity and acceleration rise no more than
 * the 1x growth `g1` explains (an rms cannot outgrow its growing part alone); kurtosis and crest
 * may fall, not rise. A bearing pattern in the recording also counts as movement.
 */
export function quietBesides1x(ev: Evidence, g1: number): string | undefined {
  // Scale floored at a sensor's repeatability (TREND_SCALE_FLOOR), not robustZ's 5 %: the test is
  // whether anything moved beyond the machine's own scatter, and a stricter test only keeps more unknown.
  const zOf = (value: number, b: { median: number; mad: number }) => (value - b.median) / Math.max(1.4826 * Math.abs(b.mad), TREND_SCALE_FLOOR * Math.abs(b.median), 1e-12);
  const moved = (key: string, value: number): boolean => {
    const b = ev.baseline[key];
    if (!b || !Number.isFinite(value)) return false;
    const z = zOf(value, (OVERALL_LEVELS as readonly string[]).includes(key) ? { median: b.median * Math.max(1, g1), mad: b.mad } : b);
    return (IMPULSIVENESS as readonly string[]).includes(key) || (OVERALL_LEVELS as readonly string[]).includes(key) ? z >= LINE_CHANGE_Z : Math.abs(z) >= LINE_CHANGE_Z;
  };
  for (const [key, value] of Object.entries(ev.features)) if (key !== 'vel.x1MmS' && moved(key, value)) return key;
  for (const [key, p] of Object.entries(ev.peaks ?? {})) if (key !== 'vel.x1MmS' && moved(key, p.value)) return `${key} (peak)`;
  if (bearingFits(ev).some((f) => f.score >= 0.5)) return 'a bearing line in the recording';
  return undefined;
}

/** 1x growth a speed change alone explains: unbalance force U·ω² (ISO 21940-11), so (speed / healthy speed)². */
function speedFactor(ev: Evidence): number {
  const v = ev.features['scalar.speed'];
  const b = ev.baseline['scalar.speed'];
  return v !== undefined && b && b.median > 0 && v > 0 ? (v / b.median) ** 2 : 1;
}

/** Imbalance: 1x has grown past this machine's healthy level while 2x and 3x have grown little in mm/s. */
export const imbalanceTrendRule: Rule = (ev) => {
  const c1 = lineChange(ev, 'vel.x1MmS');
  if (!c1) return { faultType: 'imbalance', score: 0, explanation: 'imbalance (trend): no healthy 1x level for this machine' };
  const c2 = lineChange(ev, 'vel.x2MmS');
  const c3 = lineChange(ev, 'vel.x3MmS');
  // Harmonic growth in mm/s next to the 1x growth; a harmonic without a baseline counts as grown only if its z says so.
  const harmonicGrowth = Math.max(c2 ? Math.max(0, c2.delta) : 0, c3 ? Math.max(0, c3.delta) : 0);
  const pure = harmonicGrowth <= IMBALANCE_HARMONIC_SHARE_MAX * Math.max(c1.delta, 0) && !hasHarmonicSeries(ev);
  const level = `1x ${c1.value.toFixed(2)} mm/s, ${c1.growth.toFixed(2)}x its healthy ${c1.healthy.toFixed(2)} mm/s (z ${c1.z.toFixed(1)})`;
  const sustained = pure ? sustainedRise(ev, 'vel.x1MmS') : undefined;
  const under = c1.z < LINE_CHANGE_Z || c1.growth < IMBALANCE_1X_GROWTH_MIN;
  if (pure && under && !sustained) {
    // Under the 10 % trend bar: named only when 1x alone moved and stands clear of its own scatter.
    const quiet = sustainedRise(ev, 'vel.x1MmS', QUIET_GROWTH_MIN);
    if (quiet && quiet.growth / speedFactor(ev) >= QUIET_GROWTH_MIN && quietBesides1x(ev, c1.growth) === undefined) {
      return {
        faultType: 'imbalance',
        score: clamp01(0.5 + 0.1 * ramp(quiet.minZ, LINE_CHANGE_Z, IMBALANCE_1X_Z_STRONG)),
        explanation: `imbalance (early): 1x running-speed vibration has stayed ${quiet.growth.toFixed(2)}x its healthy ${c1.healthy.toFixed(2)} mm/s over the last ${SUSTAINED_POINTS} trend points (each ≥ ${quiet.minZ.toFixed(1)} σ of its own scatter), and nothing else moved: 2x, 3x, envelope lines, temperatures and the operating point stay at their healthy levels, overall vibration no higher than the 1x explains`,
      };
    }
  }
  if (sustained && under) {
    return {
      faultType: 'imbalance',
      score: 0.5,
      explanation: `imbalance (early): 1x running-speed vibration has stayed ${sustained.growth.toFixed(2)}x its healthy ${c1.healthy.toFixed(2)} mm/s over the last ${SUSTAINED_POINTS} trend points (each ≥ ${sustained.minZ.toFixed(1)} σ of its own scatter), while 2x and 3x stay near their healthy levels`,
    };
  }
  if (c1.z < LINE_CHANGE_Z || c1.growth < IMBALANCE_1X_GROWTH_MIN || !pure) {
    return { faultType: 'imbalance', score: 0, explanation: `imbalance (trend): not indicated (${level}; 2x/3x grew ${harmonicGrowth.toFixed(2)} mm/s)` };
  }
  return {
    faultType: 'imbalance',
    score: clamp01(0.5 + 0.3 * ramp(c1.z, LINE_CHANGE_Z, IMBALANCE_1X_Z_STRONG) + 0.1 * ramp(c1.growth, IMBALANCE_1X_GROWTH_MIN, 2)),
    explanation: `imbalance: 1x running-speed vibration ${c1.value.toFixed(2)} mm/s, up ${c1.growth.toFixed(1)}x from ${c1.healthy.toFixed(2)} mm/s when healthy, while 2x and 3x stay near their healthy levels`,
  };
};

/**
 * Looseness: a series of running-speed harmonics (3x..10x, half orders, a comb of clear lines) in
 * the shaft analysis, or 3x grown against its healthy level at least half as much as 2x (a slowly
 * decaying series, not misalignment's lone 2x).
 */
export const loosenessTrendRule: Rule = (ev) => {
  const series = harmonicSeries(ev);
  const c2 = lineChange(ev, 'vel.x2MmS');
  const c3 = lineChange(ev, 'vel.x3MmS');
  // 3x grown, and by at least half as much as 2x (which may even fall: a loose part's harmonics add
  // to the healthy 2x with whatever phase they have), is a series; misalignment's 3x lags its 2x.
  const grownTogether = c3 !== undefined && c3.z >= LINE_CHANGE_Z && c3.delta > 0 && c3.delta >= LOOSENESS_3X_SHARE_MIN * Math.max(0, c2?.delta ?? 0);
  const count = series ? series.harmonics + series.halfOrders : 0;
  // Half orders need a grown running-speed line beside them: alone they may be a process line.
  const grown2x = c2 !== undefined && c2.z >= LINE_CHANGE_Z && c2.delta > 0;
  const comb = series !== undefined && series.comb >= COMB_MIN_LINES;
  const inSeries = count >= LOOSENESS_MIN_HARMONICS || (series !== undefined && series.halfOrders > 0 && grown2x) || comb;
  const seriesText = series
    ? `${series.harmonics} harmonics from 3x up and ${series.halfOrders} half orders above ${LOOSENESS_HARMONIC_REL * 100} % of 1x; ${series.comb} of 4x-10x stand ${COMB_LINE_DB} dB above the floor`
    : 'no shaft analysis';
  const trendText = c2 && c3 ? `2x ${c2.growth.toFixed(1)}x and 3x ${c3.growth.toFixed(1)}x their healthy levels` : 'no healthy 2x/3x levels';
  if (!inSeries && !grownTogether) return { faultType: 'looseness', score: 0, explanation: `looseness: not indicated (${seriesText}; ${trendText})` };
  // Without the series a grown 2x+3x pair alone is weaker evidence: 3x can also come with misalignment.
  const score = inSeries
    ? 0.55 + 0.05 * Math.min(Math.max(0, count - LOOSENESS_MIN_HARMONICS), 4) + (series!.halfOrders > 0 ? 0.05 : 0) + (grownTogether ? 0.1 : 0)
    : 0.5;
  return { faultType: 'looseness', score: clamp01(score), explanation: `looseness: ${inSeries ? seriesText : trendText}${inSeries && grownTogether ? `; ${trendText}` : ''}` };
};
