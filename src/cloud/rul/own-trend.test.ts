import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitPosterior, remainingLife, theilSen, type HiPoint } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul } from './rul.ts';
import { healthIndicator } from './health-indicator.ts';
import { historyReadings } from './own-trend.ts';
import { outerRaceEvidence } from '../fixtures.ts';
import { normalDraws } from '../../core/prng.ts';

const HOUR = 3_600_000;

/** Seeded normal draws for synthetic paths. */
const normals = normalDraws;

/** HI readings of HI(t) = hiNow·e^(c·t) at tDays ≤ 0 (now = 0), multiplicative noise `noise` in ln. */
function history(c: number, hiNow: number, spanDays: number, n: number, noise: number, seed = 1): HiPoint[] {
  const g = normals(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = -spanDays + (i * spanDays) / (n - 1);
    return { tDays: t, hi: hiNow * Math.exp(c * t + noise * g()), sd: 0.001 };
  });
}

/** The posterior's median rate and its 10-90 % interval (per day). */
function rateInterval(points: HiPoint[], faultPfPrior = defaultPrior('bearing-outer-race')) {
  const post = fitPosterior(points, faultPfPrior);
  const q = (p: number) => {
    let acc = 0;
    for (let k = 0; k < post.prob.length; k++) if ((acc += post.prob[k]!) >= p) return Math.exp(post.lnRate[k]!);
    return Infinity;
  };
  return { p10: q(0.1), p50: q(0.5), p90: q(0.9), post };
}

test('rul trend - an exact exponential gives its rate back, whatever the weak prior says', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.05, max: 200, noNaN: true }), fc.double({ min: 0.1, max: 0.8, noNaN: true }), fc.integer({ min: 6, max: 60 }), (c, hiNow, n) => {
      // A span over which the HI rises at least 3-fold (a trend, not a point).
      const span = Math.log(3) / c;
      const { p50 } = rateInterval(history(c, hiNow, span, n, 0));
      return Math.abs(p50 / c - 1) < 0.02;
    }),
    { numRuns: 60 },
  );
});

test('rul trend - noise widens the rate interval', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.5, max: 50, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (c, seed) => {
      const span = Math.log(5) / c;
      const quiet = rateInterval(history(c, 0.4, span, 24, 0.02, seed));
      const noisy = rateInterval(history(c, 0.4, span, 24, 0.2, seed));
      const width = (r: { p10: number; p90: number }) => Math.log(r.p90 / r.p10);
      return width(noisy) > 2 * width(quiet);
    }),
    { numRuns: 40 },
  );
});

test('rul trend - the noisy fit\'s 80 % interval covers the true rate in about 80 % of histories', () => {
  // Coverage is a rate, not a property of every draw: an 80 % interval misses one history in five
  // (a universal "always covers" failed on one seed in a few hundred). 200 seeded histories over
  // rates 0.5-50/day; a calibrated interval covers ~160 (binomial sd ~6), 140 is > 3 sd below.
  let covered = 0;
  const trials = 200;
  for (let i = 0; i < trials; i++) {
    const c = 0.5 * 100 ** (i / (trials - 1));
    const r = rateInterval(history(c, 0.4, Math.log(5) / c, 24, 0.2, 1000 + i));
    if (r.p10 <= c && c <= r.p90) covered++;
  }
  assert.ok(covered >= 140, `covered ${covered} of ${trials}`);
});

test('rul trend - a few outliers (spikes, dropouts) do not move the rate', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 50, noNaN: true }),
      fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(0.2, 5),
      (c, where, factor) => {
        const pts = history(c, 0.5, Math.log(4) / c, 30, 0.03, 7);
        for (const i of where) pts[i] = { ...pts[i]!, hi: pts[i]!.hi * factor };
        const { p50 } = rateInterval(pts);
        return Math.abs(p50 / c - 1) < 0.1;
      },
    ),
    { numRuns: 60 },
  );
});

test('rul trend - Theil–Sen recovers a line through outliers', () => {
  const t = Array.from({ length: 20 }, (_, i) => i);
  const y = t.map((v) => 2 + 0.5 * v);
  y[3] = 100;
  y[15] = -50;
  const f = theilSen(t, y)!;
  assert.ok(Math.abs(f.slope - 0.5) < 1e-9 && Math.abs(f.intercept - 2) < 1e-9);
});

test('rul trend - from a known exponential history, the remaining life at the alarm is the true one and the interval covers it', () => {
  const errors: number[] = [];
  let covered = 0;
  const g = normals(3);
  for (let i = 0; i < 30; i++) {
    const c = 2 * Math.exp(0.8 * g()); // per day: P–F of about a day, far from the default prior's weeks
    const hiNow = 0.15 + 0.3 * Math.abs(g()) / 2;
    const truth = Math.log(1 / hiNow) / c;
    const pts = history(c, hiNow, Math.log(3) / c, 20, 0.08, 100 + i);
    const t0 = Date.UTC(2026, 0, 5);
    const r = estimateRul(pts.map((p) => ({ atMs: t0 + p.tDays * DAY_MS, hi: p.hi, sd: p.sd })), defaultPrior('bearing-outer-race'), t0, { feature: 'x', failureLevel: 'y' })!;
    errors.push(Math.abs(r.summary.medianDays - truth) / truth);
    if (r.summary.p10Days <= truth && truth <= r.summary.p90Days) covered++;
  }
  errors.sort((a, b) => a - b);
  assert.ok(errors[15]! < 0.15, `median relative error ${errors[15]!.toFixed(3)}`);
  assert.ok(covered / 30 >= 0.65, `80 % interval covers ${covered} of 30`);
});

test('rul trend - without a trend the weak prior alone decides, and the interval says so', () => {
  const est = remainingLife(fitPosterior([{ tDays: 0, hi: 0.3, sd: 0.01 }], defaultPrior('bearing-outer-race')), 0);
  assert.ok(est.p90Days / est.p10Days > 20, `10-90 % spans ${est.p10Days.toFixed(1)}-${est.p90Days.toFixed(1)} days`);
});

test('rul trend - the evidence history of the key feature becomes HI readings before the alarm', () => {
  const ev = outerRaceEvidence();
  const at = Date.UTC(2026, 0, 5, 12);
  const levels = [1.0, 1.02, 1.0, 1.05, 1.2, 1.4, 1.7, 1.9];
  const withTrends = { ...ev, baseline: { ...ev.baseline, 'accel.rmsMs2': { median: 1.0, mad: 0.1 } }, trends: { 'accel.rmsMs2': { tHours: levels.map((_, i) => i - levels.length), levels, windows: levels.map(() => 4) } } };
  const reading = healthIndicator('bearing-outer-race', withTrends)!;
  const hist = historyReadings('bearing-outer-race', withTrends, reading, at);
  assert.equal(hist.length, levels.length);
  assert.ok(hist.every((h, i) => h.atMs === at - (levels.length - i) * HOUR));
  assert.ok(Math.abs(hist[0]!.hi) < 1e-6 && hist[7]!.hi > hist[6]!.hi, 'healthy first, growing after');
  assert.ok(hist[7]!.sd < reading.sd, 'a median of four windows scatters less than one window');
});
