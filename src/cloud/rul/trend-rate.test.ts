import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthyEvidence } from '../fixtures.ts';
import { HEALTH_SPECS, healthIndicator as hiDefault } from './health-indicator.ts';
import type { Evidence, FaultType } from '../../core/index.ts';
import { defaultPrior, estimateRul } from './rul.ts';
import { trendRate as rateDefault, withTrend } from './trend-rate.ts';

/**
 * A plant that gauges lubrication loss on the bearing temperature (failure at 100 °C): the shipped
 * specs gauge it on the acceleration (health-indicator.ts), but the trend rate applies to any key
 * feature that is a trended scalar, and a temperature is the plainest one.
 */
const SPECS = { ...HEALTH_SPECS, 'lubrication-loss': { feature: 'temp_bearing', scale: 'amplitude', failure: { absolute: 100 }, why: 'bearing at 100 °C' } } as const;
const healthIndicator = (f: FaultType, ev: Evidence) => hiDefault(f, ev, SPECS);
const trendRate = (f: FaultType, ev: Evidence, r: Parameters<typeof rateDefault>[2]) => rateDefault(f, ev, r, SPECS);

/** A bearing running hot on HI(t) = 0.2·e^(c·t): temperature 40 °C + 60 K·HI (failure level 100 °C), with its slope per hour. */
function hot(c: number, hi: number, slopeScale = 1) {
  const h = healthyEvidence();
  const slopePerH = (60 * c * hi * slopeScale) / 24;
  return {
    ...h,
    features: { ...h.features, 'scalar.temp_bearing': 40 + 60 * hi, 'scalar.temp_bearing.slopePerH': slopePerH },
    baseline: { ...h.baseline, 'scalar.temp_bearing': { median: 40, mad: 0.5 } },
  };
}

test('trend rate - a temperature slope on the HI scale gives the exponential rate c = HI\'/HI', () => {
  const ev = hot(0.5, 0.3);
  const reading = healthIndicator('lubrication-loss', ev)!;
  const t = trendRate('lubrication-loss', ev, reading)!;
  assert.ok(Math.abs(t.ratePerDay - 0.5) < 1e-9, String(t.ratePerDay));
  assert.equal(t.slopeFeature, 'scalar.temp_bearing.slopePerH');
});

test('trend rate - no rate from a falling trend, a tiny HI, or a key feature that is not a trended scalar', () => {
  const falling = hot(-0.5, 0.3);
  assert.equal(trendRate('lubrication-loss', falling, healthIndicator('lubrication-loss', hot(0.5, 0.3))!), undefined);
  const small = hot(0.5, 0.05);
  assert.equal(trendRate('lubrication-loss', small, healthIndicator('lubrication-loss', small)!), undefined);
  const ev = { ...hot(0.5, 0.3), baseline: { ...hot(0.5, 0.3).baseline, 'env.bpfoRatio': { median: 1.3, mad: 0.1 } }, envelopeDefectRatios: { bpfo: 5, bpfi: 1, bsf: 1, ftf: 1 } };
  assert.equal(trendRate('bearing-outer-race', ev, healthIndicator('bearing-outer-race', ev)!), undefined, 'log-scale envelope line: no slope in the evidence');
});

test('trend rate - with the machine\'s own slope the RUL at first detection moves to the truth the default prior misses', () => {
  const c = 0.5; // per day: a lubrication loss five times faster than the default P-F interval assumes
  const errors = { prior: [] as number[], trend: [] as number[] };
  for (const [hi, noise] of [[0.2, 1], [0.3, 1.3], [0.25, 0.75], [0.4, 1.1], [0.35, 0.9]] as const) {
    const ev = hot(c, hi, noise);
    const reading = healthIndicator('lubrication-loss', ev)!;
    const truth = Math.log(1 / hi) / c;
    const t0 = Date.UTC(2026, 0, 5);
    const prior = defaultPrior('lubrication-loss');
    const one = [{ atMs: t0, hi: reading.hi, sd: reading.sd }];
    const what = { feature: reading.feature, failureLevel: 'test' };
    const plain = estimateRul(one, prior, t0, what)!.summary.medianDays;
    const sharpened = withTrend(prior, trendRate('lubrication-loss', ev, reading)!);
    assert.ok(sharpened.lnRateSd < prior.lnRateSd, 'the trend narrows the relative spread');
    const withOwn = estimateRul(one, sharpened, t0, what)!.summary.medianDays;
    errors.prior.push(Math.abs(plain - truth) / truth);
    errors.trend.push(Math.abs(withOwn - truth) / truth);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  assert.ok(med(errors.prior) > 0.8, `default prior alone is far off: ${med(errors.prior).toFixed(2)}`);
  assert.ok(med(errors.trend) < med(errors.prior) / 2, `trend halves the error: ${med(errors.trend).toFixed(2)} vs ${med(errors.prior).toFixed(2)}`);
});
