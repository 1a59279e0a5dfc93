import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { diagnose, DIAGNOSIS_MIN_SCORE, misalignmentRule } from './rules.ts';
import { imbalanceTrendRule, loosenessTrendRule } from './trend-rules.ts';

const withX1 = (x1: number, x2 = 0.3) => {
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'vel.x1MmS': x1, 'vel.x2MmS': x2 },
    baseline: { ...h.baseline, 'vel.x1MmS': { median: 1.0, mad: 0.03 } },
    orderAmplitudes: { x1, x2, x3: 0.1 },
  };
};

test('trend rules - 1x grown past its healthy level with 2x unchanged is imbalance', () => {
  const d = diagnose(sampleEscalation(withX1(1.6)));
  assert.equal(d.faultType, 'imbalance', d.explanation);
  assert.equal(d.component, null, 'balancing needs no part');
  assert.match(d.explanation, /up 1\.6x from 1\.00 mm\/s/);
});

test('trend rules - a small 1x change, or 1x with a grown 2x, is not imbalance', () => {
  assert.equal(imbalanceTrendRule(withX1(1.1)).score, 0);
  assert.equal(imbalanceTrendRule(withX1(1.6, 0.9)).score, 0, '2x grew too: misalignment or looseness, not imbalance');
  const h = healthyEvidence();
  assert.equal(imbalanceTrendRule(h).score, 0, 'no 1x baseline');
});

/** Evidence with healthy levels for 1x/2x/3x and a shaft analysis (velocities relative to 1x). */
function shaftEvidence(x: { x1: number; x2: number; x3: number }, velocityHarmonics?: number[], velocityHalfOrders?: number[]) {
  const h = healthyEvidence();
  const ev = {
    ...h,
    features: { ...h.features, 'vel.x1MmS': x.x1, 'vel.x2MmS': x.x2, 'vel.x3MmS': x.x3 },
    baseline: { ...h.baseline, 'vel.x1MmS': { median: 2.0, mad: 0.03 }, 'vel.x2MmS': { median: 0.4, mad: 0.02 }, 'vel.x3MmS': { median: 0.12, mad: 0.01 } },
    orderAmplitudes: x,
  };
  if (!velocityHarmonics) return ev;
  return {
    ...ev,
    shaftDiagnostics: {
      shaftHz: 24.75, speedFromSignal: true, harmonicsDb: velocityHarmonics.map((v) => (v >= 0.1 ? 25 : 5)), halfOrdersDb: [0, 0, 0, 0, 0],
      velocityHarmonics, velocityHalfOrders: velocityHalfOrders ?? [0.05, 0.03, 0.02, 0.01, 0.01],
      velocityRatios: { x2ToX1: velocityHarmonics[1]!, x3ToX1: velocityHarmonics[2]! }, x1VelocityShare: 0.5, x2AtMains: false, kurtosis: 3,
    },
  };
}
const HEALTHY_SERIES = [1, 0.2, 0.06, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01];

test('trend rules - a modest but clear pure 1x growth (17 %) is imbalance; under 15 % it is not', () => {
  const r = imbalanceTrendRule(shaftEvidence({ x1: 2.34, x2: 0.41, x3: 0.12 }, HEALTHY_SERIES));
  assert.ok(r.score >= 0.5, r.explanation);
  assert.equal(imbalanceTrendRule(shaftEvidence({ x1: 2.2, x2: 0.4, x3: 0.12 })).score, 0, '10 % is within repeatability');
});

test('trend rules - 1x grown with a harmonic series beside it is not imbalance', () => {
  const loose = [1, 0.8, 0.65, 0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1];
  assert.equal(imbalanceTrendRule(shaftEvidence({ x1: 3, x2: 0.45, x3: 0.15 }, loose)).score, 0);
});

test('trend rules - a harmonic series beyond 3x is looseness, and misalignment yields to it', () => {
  const loose = [1, 0.9, 0.76, 0.63, 0.52, 0.41, 0.35, 0.27, 0.24, 0.19];
  const ev = shaftEvidence({ x1: 2.2, x2: 2.0, x3: 1.67 }, loose, [0.4, 0.3, 0.3, 0.2, 0.17]);
  assert.ok(loosenessTrendRule(ev).score >= 0.6, loosenessTrendRule(ev).explanation);
  assert.ok(misalignmentRule(ev).score < DIAGNOSIS_MIN_SCORE, misalignmentRule(ev).explanation);
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'looseness', d.explanation);
  assert.equal(d.component, null, 're-tightening needs no part');
});

test('trend rules - half orders beside a grown 2x are looseness; a grown lone 2x stays misalignment', () => {
  const grown = shaftEvidence({ x1: 2.0, x2: 0.62, x3: 0.1 }, [1, 0.31, 0.04, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.02], [2, 0.6, 0.24, 0.09, 0.07]);
  const halfOrders = { ...grown, shaftDiagnostics: { ...grown.shaftDiagnostics!, halfOrdersDb: [20, 18, 16, 10, 8] } };
  assert.equal(diagnose(sampleEscalation(halfOrders)).faultType, 'looseness');
  const lone2x = shaftEvidence({ x1: 2.4, x2: 2.6, x3: 0.5 }, [1, 1.08, 0.2, 0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]);
  assert.equal(loosenessTrendRule(lone2x).score, 0, loosenessTrendRule(lone2x).explanation);
  assert.equal(diagnose(sampleEscalation(lone2x)).faultType, 'misalignment');
});

test('trend rules - half-order velocity without a line above the floor (leakage of 1x/2x) is no half order: a grown 2x stays misalignment', () => {
  // A 4-pole motor in 0.4 s blocks: 2.5x reads 24 % of 1x from the 2x line's leakage, 0 dB above the floor.
  const ev = shaftEvidence({ x1: 2.0, x2: 0.62, x3: 0.1 }, [1, 0.31, 0.04, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01], [0.1, 0.58, 0.24, 0.02, 0.01]);
  assert.equal(loosenessTrendRule(ev).score, 0, loosenessTrendRule(ev).explanation);
  assert.equal(diagnose(sampleEscalation(ev)).faultType, 'misalignment');
});

test('trend rules - 2x and 3x grown together without a shaft analysis are looseness only just', () => {
  const r = loosenessTrendRule(shaftEvidence({ x1: 2.0, x2: 1.0, x3: 0.6 }));
  assert.ok(r.score >= 0.5 && r.score < 0.55, r.explanation);
  assert.equal(loosenessTrendRule(shaftEvidence({ x1: 2.0, x2: 1.0, x3: 0.15 })).score, 0, '3x kept out of the growth: not a series');
});

test('trend rules - a comb of 4x-10x lines standing clear of the floor is early looseness; one or two process lines are not', () => {
  const ev = shaftEvidence({ x1: 2.0, x2: 0.4, x3: 0.05 }, [1, 0.19, 0.01, 0.05, 0.045, 0.036, 0.033, 0.025, 0.017, 0.017]);
  const comb = { ...ev, shaftDiagnostics: { ...ev.shaftDiagnostics!, harmonicsDb: [31, 27, 2, 22, 17, 16, 18, 13, 12.3, 17] } };
  const r = loosenessTrendRule(comb);
  assert.ok(r.score >= 0.55, r.explanation);
  assert.match(r.explanation, /7 of 4x-10x stand 12 dB above the floor/);
  // A spindle's tooth-pass line at 4x and its harmonic at 8x: process lines, not a comb.
  const toothPass = { ...ev, shaftDiagnostics: { ...ev.shaftDiagnostics!, harmonicsDb: [38, 26, 20, 41, 4, 5, 3.5, 25, 1, 1] } };
  assert.equal(loosenessTrendRule(toothPass).score, 0, loosenessTrendRule(toothPass).explanation);
});

test('trend rules - 3x grown while 2x fell (no shaft analysis) is looseness, not misalignment or imbalance', () => {
  const ev = shaftEvidence({ x1: 2.05, x2: 0.2, x3: 0.52 });
  const d = diagnose(sampleEscalation(ev));
  assert.equal(d.faultType, 'looseness', d.explanation);
  assert.equal(imbalanceTrendRule(ev).score, 0);
});

/** Running-speed lines against healthy levels 1x 1.47, 2x 0.29, 3x 0.09 mm/s (a 4-pole motor's). */
const shaftLines = (x1: number, x2: number, x3: number) => {
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'vel.x1MmS': x1, 'vel.x2MmS': x2, 'vel.x3MmS': x3 },
    baseline: { ...h.baseline, 'vel.x1MmS': { median: 1.47, mad: 0.023 }, 'vel.x2MmS': { median: 0.29, mad: 0.011 }, 'vel.x3MmS': { median: 0.09, mad: 0.007 } },
    orderAmplitudes: { x1, x2, x3 },
  };
};

test('trend rules - 2x grown by 40 % (mm/s well past its scatter) with 3x lagging is misalignment; with 3x growing as much it is looseness', () => {
  const mis = diagnose(sampleEscalation(shaftLines(1.45, 0.41, 0.13)));
  assert.equal(mis.faultType, 'misalignment', mis.explanation);
  const loose = diagnose(sampleEscalation(shaftLines(1.55, 0.41, 0.2)));
  assert.equal(loose.faultType, 'looseness', loose.explanation);
  const steady = diagnose(sampleEscalation(shaftLines(1.48, 0.3, 0.09)));
  assert.equal(steady.faultType, 'unknown', steady.explanation);
});

/** A 1x trend (points oldest first) ending at the alarm, with the window's 1x `x1` (healthy 1.95 mm/s, MAD 0.025). */
function withTrend(x1: number, points: number[]) {
  const h = healthyEvidence();
  return {
    ...h,
    features: { ...h.features, 'vel.x1MmS': x1, 'vel.x2MmS': 0.39, 'vel.x3MmS': 0.12 },
    baseline: { ...h.baseline, 'vel.x1MmS': { median: 1.95, mad: 0.025 }, 'vel.x2MmS': { median: 0.39, mad: 0.01 }, 'vel.x3MmS': { median: 0.12, mad: 0.005 } },
    orderAmplitudes: { x1, x2: 0.39, x3: 0.12 },
    trends: { 'vel.x1MmS': { tHours: points.map((_, i) => i - points.length + 1), levels: points, windows: points.map(() => 12) } },
  };
}

test('trend rules - a 1x rise of 14 % sustained over the last five trend points is early imbalance, though one window is under the cut', () => {
  const ev = withTrend(2.23, [1.95, 1.96, 1.95, 2.18, 2.29, 2.32, 2.23, 2.22]);
  const r = imbalanceTrendRule(ev);
  assert.ok(r.score >= 0.5, r.explanation);
  assert.match(r.explanation, /early/);
  assert.equal(diagnose(sampleEscalation(ev)).faultType, 'imbalance');
});

test('trend rules - a 1x rise that is not sustained (one point back at healthy), or too small, is not early imbalance', () => {
  assert.equal(imbalanceTrendRule(withTrend(2.23, [1.95, 1.96, 2.18, 2.29, 1.97, 2.23, 2.22])).score, 0, 'one point fell back');
  assert.equal(imbalanceTrendRule(withTrend(2.05, [1.95, 2.06, 2.05, 2.07, 2.05, 2.06])).score, 0, '5 %, each point under 3 σ of its scatter');
  assert.equal(imbalanceTrendRule(withTrend(2.23, [2.18, 2.29, 2.32])).score, 0, 'too short a trend');
});

/**
 * Early imbalance as the edge sends it (seed 215 motor-002's shape): 1x up 9 % over the last trend
 * points, each far above the machine's own scatter (healthy 1.89 mm/s, MAD 0.02), everything else
 * at its healthy level; `over` overrides features, baselines or trends.
 */
function quietEarly(over: { features?: Record<string, number>; baseline?: Record<string, { median: number; mad: number }>; trend?: number[] } = {}) {
  const h = healthyEvidence();
  const trend = over.trend ?? [1.89, 1.9, 1.97, 2.02, 2.07, 2.05, 2.09, 2.12, 2.06];
  const features = { ...h.features, 'vel.x1MmS': 2.06, 'vel.x2MmS': 0.39, 'vel.x3MmS': 0.11, 'vel.rmsMmS': 1.49, 'accel.rmsMs2': 1.03, 'scalar.speed': 1488, ...over.features };
  return {
    ...h,
    features,
    baseline: {
      ...h.baseline, 'vel.x1MmS': { median: 1.89, mad: 0.02 }, 'vel.x2MmS': { median: 0.38, mad: 0.008 }, 'vel.x3MmS': { median: 0.114, mad: 0.007 },
      'vel.rmsMmS': { median: 1.37, mad: 0.013 }, 'scalar.speed': { median: 1486, mad: 3 }, ...over.baseline,
    },
    orderAmplitudes: { x1: features['vel.x1MmS'], x2: features['vel.x2MmS'], x3: features['vel.x3MmS'] },
    trends: { 'vel.x1MmS': { tHours: trend.map((_, i) => i - trend.length + 1), levels: trend, windows: trend.map(() => 1) } },
  };
}

test('trend rules - 1x alone up 9 %, held over the trend far above its own scatter with nothing else moved, is early imbalance', () => {
  const d = diagnose(sampleEscalation(quietEarly()));
  assert.equal(d.faultType, 'imbalance', d.explanation);
  assert.ok(d.confidence >= 0.5 && d.confidence < 0.6, `just over the bar: ${d.confidence}`);
  assert.match(d.explanation, /nothing else moved/);
});

test('trend rules - the same 1x rise is not named when it is within scatter, when 2x grew, when the operating point or a temperature moved, or when overall vibration outgrew it', () => {
  assert.equal(imbalanceTrendRule(quietEarly({ trend: [1.89, 1.9, 2.07, 2.05, 1.92, 2.12, 2.06] })).score, 0, 'one point back within scatter');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'vel.x2MmS': 0.47 } })).score, 0, '2x grew too: misalignment or looseness');
  assert.notEqual(diagnose(sampleEscalation(quietEarly({ features: { 'vel.x2MmS': 0.47 } }))).faultType, 'imbalance');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'scalar.temp_bearing': 47 } })).score, 0, 'bearing 7 K hotter');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'scalar.flow': 120 }, baseline: { 'scalar.flow': { median: 97, mad: 4 } } })).score, 0, 'flow moved: a process change');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'scalar.speed': 1550 } })).score, 0, 'speed up 4.3 %: (1.043)² explains the 1x');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'vel.rmsMmS': 1.7 } })).score, 0, 'overall velocity up 24 %: more than the 1x explains');
  assert.equal(imbalanceTrendRule(quietEarly({ features: { 'accel.kurtosis': 3.8 } })).score, 0, 'impacts');
  assert.ok(imbalanceTrendRule(quietEarly({ features: { 'accel.kurtosis': 2.5 } })).score >= 0.5, 'a growing sine lowers kurtosis');
  assert.equal(imbalanceTrendRule(quietEarly({ trend: [1.89, 1.9, 1.95, 1.96, 1.95, 1.97, 1.96] })).score, 0, '3.5 % is under the bar');
});
