import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalDraws } from '../../core/prng.ts';
import { estimateFromDraws, quantile } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul } from './rul.ts';
import { defaultOnsetPrior, type OnsetPriorFile } from './onset-prior.ts';
import { MIN_PF_CASES, pfIntervalFor, pfIntervalFrom, pfKey, withPfInterval } from './pf-interval.ts';

/** `n` lognormal draws (days) with median e^m and ln-spread s, seeded. */
const lognormal = (m: number, s: number, n: number, seed: number) => {
  const z = normalDraws(seed);
  return Array.from({ length: n }, () => Math.exp(m + s * z()));
};

test('pf interval - past intervals give a lognormal centred on their log-mean, widened for a new case, never narrower than the floor', () => {
  const days = lognormal(Math.log(0.8), 0.3, 400, 1);
  const pf = pfIntervalFrom(days)!;
  assert.equal(pf.cases, 400);
  assert.ok(Math.abs(pf.lnDaysMean - Math.log(0.8)) < 0.05, `ln mean ${pf.lnDaysMean.toFixed(3)}`);
  assert.ok(Math.abs(pf.lnDaysSd - 0.3) < 0.05, `ln sd ${pf.lnDaysSd.toFixed(3)}`);
  assert.equal(pfIntervalFrom([0.5, 0.5, 0.5])!.lnDaysSd, 0.2, 'equal intervals still leave the floor');
  assert.equal(pfIntervalFrom([1]), undefined, 'one case is no distribution');
  assert.equal(pfIntervalFrom([1, -2, NaN, 0]), undefined, 'only positive, finite intervals count');
});

test('pf interval - a machine type with enough cases of its own uses them, else the fault pooled over types, else none', () => {
  const own = { lnDaysMean: 0, lnDaysSd: 0.3, cases: MIN_PF_CASES };
  const pooled = { lnDaysMean: 1, lnDaysSd: 0.5, cases: 30 };
  const table = { [pfKey('bearing-outer-race', 'gearbox')]: own, [pfKey('bearing-outer-race', 'fan')]: { ...own, cases: MIN_PF_CASES - 1 }, 'bearing-outer-race': pooled };
  assert.deepEqual(pfIntervalFor(table, 'bearing-outer-race', 'gearbox'), own);
  assert.deepEqual(pfIntervalFor(table, 'bearing-outer-race', 'fan'), pooled, 'too few of its own');
  assert.deepEqual(pfIntervalFor(table, 'bearing-outer-race', 'centrifugal-pump'), pooled);
  assert.deepEqual(pfIntervalFor(table, 'bearing-outer-race', undefined), pooled);
  assert.equal(pfIntervalFor(table, 'imbalance', 'gearbox'), undefined);
  assert.equal(pfIntervalFor(undefined, 'bearing-outer-race', 'gearbox'), undefined);
  assert.equal(pfIntervalFor({ imbalance: { lnDaysMean: NaN, lnDaysSd: 0.3, cases: 5 } }, 'imbalance', 'fan'), undefined, 'a malformed entry is left out');
});

test('pf interval - combining two lognormals gives the precision-weighted log-median, between the two (property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0.2, max: 1.5, noNaN: true }),
      fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0.2, max: 1.5, noNaN: true }), fc.integer({ min: 1, max: 1000 }),
      (m1, s1, shift, s2, seed) => {
        // The interval's median within 2 sd of the estimate's: further apart, the product lies where
        // few of the estimate's draws are, and the resampled figure is as rough as those few.
        const m2 = m1 + s1 * shift;
        const combined = withPfInterval(estimateFromDraws(lognormal(m1, s1, 4000, seed)), { lnDaysMean: m2, lnDaysSd: s2, cases: 10 }, seed);
        const expected = (m1 / s1 ** 2 + m2 / s2 ** 2) / (1 / s1 ** 2 + 1 / s2 ** 2);
        const got = Math.log(combined.medianDays);
        // Monte Carlo: 4,000 draws reweighted; the weight's spread costs effective draws when the two disagree.
        assert.ok(Math.abs(got - expected) < 0.12 * Math.max(s1, s2), `ln median ${got.toFixed(3)} vs ${expected.toFixed(3)}`);
        assert.ok(got >= Math.min(m1, m2) - 0.1 && got <= Math.max(m1, m2) + 0.1);
        assert.ok(combined.p10Days <= combined.medianDays && combined.medianDays <= combined.p90Days);
        assert.equal(combined.drawsDays.length, 4000);
      },
    ),
    { seed: 61, numRuns: 60 },
  );
});

test('pf interval - a P–F interval far wider than the estimate leaves it nearly as it was; draws of zero drop out; all-zero draws are left alone', () => {
  const e = estimateFromDraws(lognormal(0, 0.3, 4000, 2));
  const wide = withPfInterval(e, { lnDaysMean: 0.5, lnDaysSd: 20, cases: 10 });
  assert.ok(Math.abs(Math.log(wide.medianDays / e.medianDays)) < 0.03, `${wide.medianDays} vs ${e.medianDays}`);
  const withZeros = withPfInterval(estimateFromDraws([...lognormal(0, 0.3, 3000, 3), ...new Array(1000).fill(0)]), { lnDaysMean: 0, lnDaysSd: 0.5, cases: 10 });
  assert.ok(withZeros.drawsDays.every((d) => d > 0), 'failing-now draws carry no density');
  const zeros = estimateFromDraws(new Array(100).fill(0));
  assert.equal(withPfInterval(zeros, { lnDaysMean: 0, lnDaysSd: 0.5, cases: 10 }), zeros);
  const again = withPfInterval(e, { lnDaysMean: 0.5, lnDaysSd: 0.4, cases: 10 }, 9);
  assert.deepEqual(withPfInterval(e, { lnDaysMean: 0.5, lnDaysSd: 0.4, cases: 10 }, 9).drawsDays, again.drawsDays, 'deterministic for a seed');
});

test('pf interval - the shipped default carries it per machine type at first detection; the estimate moves towards it there, not on a refit after the gauge rose', () => {
  const file: OnsetPriorFile = {
    version: 1,
    provenance: 'test',
    priors: { 'bearing-outer-race': { lnRateMean: Math.log(3), lnRateSd: 0.8, curves: 10 } },
    pfIntervals: { [pfKey('bearing-outer-race', 'gearbox')]: { lnDaysMean: Math.log(0.25), lnDaysSd: 0.25, cases: 8 } },
  };
  assert.equal(defaultOnsetPrior('bearing-outer-race', file, 'fan')!.pfInterval, undefined, 'no interval for a fan, none pooled');
  const prior = defaultOnsetPrior('bearing-outer-race', file, 'gearbox')!;
  assert.deepEqual(prior.pfInterval, file.pfIntervals![pfKey('bearing-outer-race', 'gearbox')]);
  // A day of a flat gauge (within noise), then the alarm: the onset fit carries little, the interval (6 h) much.
  const z = normalDraws(71);
  const t0 = Date.UTC(2026, 0, 1);
  const flat = Array.from({ length: 73 }, (_, i) => ({ atMs: t0 - (72 - i) * 20 * 60_000, hi: 0.01 * z(), sd: 0.01 }));
  const what = { feature: 'accel.rmsMs2', failureLevel: 'test' };
  const without = estimateRul(flat, defaultPrior('bearing-outer-race'), t0, what, undefined, { ...prior, pfInterval: undefined })!;
  const withPf = estimateRul(flat, defaultPrior('bearing-outer-race'), t0, what, undefined, prior)!;
  assert.deepEqual(withPf.pfInterval, prior.pfInterval);
  const toPf = (d: number) => Math.abs(Math.log(d / 0.25));
  assert.ok(toPf(withPf.summary.medianDays) < 0.5 * toPf(without.summary.medianDays), `median ${(withPf.summary.medianDays * 24).toFixed(1)} h with the interval, ${(without.summary.medianDays * 24).toFixed(1)} h without, interval 6 h`);
  // Later readings rising clear of noise: refitted on the machine's own rise, not combined again.
  const rise = Array.from({ length: 9 }, (_, i) => ({ atMs: t0 + (i + 1) * 20 * 60_000, hi: 0.05 * Math.exp(i / 3) + 0.01 * z(), sd: 0.01 }));
  const upd = estimateRul([...flat, ...rise], defaultPrior('bearing-outer-race'), t0 + 3 * 3_600_000, what, undefined, prior, t0)!;
  assert.equal(upd.heldFromMs, undefined);
  assert.equal(upd.pfInterval, undefined);
  assert.ok(Number.isFinite(quantile(upd.estimate.drawsDays, 0.5)) && upd.summary.failureAtMs.p50 > t0 + 3 * 3_600_000 - DAY_MS);
});

test('pf interval - a staged gauge (tool wear) at first detection takes its life from the P–F interval alone, however steep its break-in; its updates refit the rise', () => {
  const file: OnsetPriorFile = {
    version: 1,
    provenance: 'test',
    priors: { 'tool-wear': { lnRateMean: Math.log(3), lnRateSd: 0.8, curves: 10 } },
    pfIntervals: { [pfKey('tool-wear', 'cnc-spindle')]: { lnDaysMean: Math.log(1), lnDaysSd: 0.2, cases: 23 } },
    recalibration: { p10: 0.015, p50: 0.43, p90: 0.985, cases: 300 },
  };
  const prior = defaultOnsetPrior('tool-wear', file, 'cnc-spindle')!;
  // A healthy day, then a break-in rising to a third of the failure level within two hours.
  const z = normalDraws(72);
  const t0 = Date.UTC(2026, 0, 1);
  const healthy = Array.from({ length: 72 }, (_, i) => ({ atMs: t0 - (78 - i) * 20 * 60_000, hi: 0.02 * z(), sd: 0.02 }));
  const breakIn = Array.from({ length: 7 }, (_, i) => ({ atMs: t0 - (6 - i) * 20 * 60_000, hi: 0.33 * (1 - Math.exp(-(i + 1) / 2.5)) + 0.02 * z(), sd: 0.02 }));
  const readings = [...healthy, ...breakIn];
  const what = { feature: 'tool_wear', failureLevel: 'test' };
  const extrapolated = estimateRul(readings, defaultPrior('tool-wear'), t0, what, undefined, prior)!;
  const staged = estimateRul(readings, defaultPrior('tool-wear'), t0, { ...what, staged: true }, undefined, prior)!;
  assert.equal(staged.pfAlone, true);
  assert.equal(staged.recalibration, undefined, 'the recalibration was measured on combined estimates');
  assert.ok(Math.abs(Math.log(staged.summary.medianDays)) < 0.05, `median ${(staged.summary.medianDays * 24).toFixed(1)} h, interval 24 h`);
  assert.ok(staged.summary.p10Days < 1 && staged.summary.p90Days > 1 && staged.summary.p90Days / staged.summary.p10Days < 2, 'the interval\'s own spread (ln sd 0.2)');
  assert.ok(extrapolated.summary.medianDays < 0.5, `the break-in extrapolated: ${(extrapolated.summary.medianDays * 24).toFixed(1)} h`);
  // Without an interval for it, a staged gauge is estimated as any other.
  const none = estimateRul(readings, defaultPrior('tool-wear'), t0, { ...what, staged: true }, undefined, { ...prior, pfInterval: undefined })!;
  assert.equal(none.pfAlone, undefined);
  // An update after the gauge kept rising is refitted on the machine's own rise.
  const later = Array.from({ length: 12 }, (_, i) => ({ atMs: t0 + (i + 1) * 20 * 60_000, hi: 0.33 + 0.02 * (i + 1) + 0.02 * z(), sd: 0.02 }));
  const upd = estimateRul([...readings, ...later], defaultPrior('tool-wear'), t0 + 4 * 3_600_000, { ...what, staged: true }, undefined, prior, t0)!;
  assert.equal(upd.pfAlone, undefined);
});
