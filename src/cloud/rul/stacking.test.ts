import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalDraws } from '../../core/prng.ts';
import { quantile } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul } from './rul.ts';
import { defaultOnsetPrior, type OnsetPriorFile } from './onset-prior.ts';
import { pfKey } from './pf-interval.ts';
import shipped from './default-onset-prior.json' with { type: 'json' };
import { crps, fitPfWeight, fitStackingWeights, MIN_STACKING_CASES, mixDraws, pfWeightFor, type StackingCase } from './stacking.ts';

/** `n` lognormal draws (days) with median e^m and ln-spread s, seeded. */
const lognormal = (m: number, s: number, n: number, seed: number) => {
  const z = normalDraws(seed);
  return Array.from({ length: n }, () => Math.exp(m + s * z()));
};

test('stacking - CRPS: |x − y| for one draw, never negative, smallest for a sample around the truth', () => {
  assert.equal(crps([2], 5), 3);
  assert.ok(Math.abs(crps([0, 1], 0.5) - 0.25) < 1e-12, 'E|X−y| = 0.5, ½E|X−X\'| = 0.25');
  fc.assert(
    fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: -50, max: 50, noNaN: true }), (xs, y) => {
      const s = [...xs].sort((a, b) => a - b);
      const c = crps(s, y);
      // Non-negative, and at most the mean absolute error (the spread term only lowers it).
      return c >= -1e-9 && c <= s.reduce((a, x) => a + Math.abs(x - y), 0) / s.length + 1e-9;
    }),
  );
  const around = lognormal(0, 0.3, 400, 1).map(Math.log).sort((a, b) => a - b);
  assert.ok(crps(around, 0) < crps(around, 1), 'a sample centred on the truth scores better than one off by e');
});

test('stacking - mixDraws takes round(w·n) of its draws from the P–F part, each part at evenly spaced quantiles', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 300 }), (w, n) => {
      const own = lognormal(0, 0.2, 50, 2).map((d) => 1 + d / 100); // in [1, 2)
      const pf = lognormal(0, 0.2, 70, 3).map((d) => 10 + d); // above 10
      const d = mixDraws(own, pf, w, n);
      const fromPf = d.filter((x) => x >= 10).length;
      return d.length === n && fromPf === Math.round(w * n) && d.every((x, i) => i === 0 || d[i - 1]! <= x);
    }),
  );
  const own = lognormal(0, 0.3, 200, 4);
  assert.deepEqual(mixDraws(own, [5, 6], 0), mixDraws(own, [7], 0), 'weight 0: the own estimate alone');
  assert.ok(Math.abs(quantile(mixDraws(own, [], 0), 0.5) - quantile([...own].sort((a, b) => a - b), 0.5)) < 0.02);
});

test('stacking - the weight fitted on held-out cases follows whichever estimate predicted them, and is in between when both carry part', () => {
  // 40 cases: the truth scatters around the P–F interval's median, the own estimate is off by a random factor.
  const truth = lognormal(0, 0.3, 40, 5);
  const off = normalDraws(6);
  const pfRight: StackingCase[] = truth.map((t, i) => ({ truthDays: t, pf: lognormal(0, 0.3, 200, 100 + i), own: lognormal(Math.log(t) + 1.2 * off(), 0.1, 200, 200 + i) }));
  assert.equal(fitPfWeight(pfRight), 1, 'the own estimate said nothing');
  const ownRight: StackingCase[] = truth.map((t, i) => ({ truthDays: t, pf: lognormal(0, 0.3, 200, 100 + i), own: lognormal(Math.log(t) + 0.05 * off(), 0.1, 200, 300 + i) }));
  assert.equal(fitPfWeight(ownRight), 0, 'the own estimate was right every time');
  // An own estimate right on half the cases and far off on the others: neither alone is best.
  const half: StackingCase[] = truth.map((t, i) => ({ truthDays: t, pf: lognormal(0, 0.3, 200, 100 + i), own: lognormal(Math.log(t) + (i % 2 ? 0.02 : 2.5 * Math.sign(off())), 0.1, 200, 400 + i) }));
  const w = fitPfWeight(half)!;
  assert.ok(w > 0 && w < 1, `weight ${w}`);
  assert.equal(fitPfWeight([]), undefined);
  assert.equal(fitPfWeight([{ truthDays: 0, pf: [1], own: [1] }]), undefined, 'a case past its failure says nothing');
  const table = fitStackingWeights([...pfRight.map((c) => ({ ...c, faultType: 'imbalance' })), ...ownRight.map((c) => ({ ...c, faultType: 'misalignment' }))]);
  assert.deepEqual(table.imbalance, { pfWeight: 1, cases: 40 });
  assert.deepEqual(table.misalignment, { pfWeight: 0, cases: 40 });
  assert.equal(table.any!.cases, 80);
});

test('stacking - a fault type uses its own weight from MIN_STACKING_CASES cases, else the pooled one', () => {
  const table = { imbalance: { pfWeight: 0.2, cases: MIN_STACKING_CASES }, looseness: { pfWeight: 0.9, cases: MIN_STACKING_CASES - 1 }, any: { pfWeight: 0.6, cases: 100 } };
  assert.equal(pfWeightFor(table, 'imbalance'), 0.2);
  assert.equal(pfWeightFor(table, 'looseness'), 0.6);
  assert.equal(pfWeightFor(table, 'cavitation'), 0.6);
  assert.equal(pfWeightFor(undefined, 'imbalance'), undefined);
  assert.equal(pfWeightFor({ imbalance: { pfWeight: 0.2, cases: 3 } }, 'imbalance'), undefined, 'neither its own nor a pooled weight');
  assert.equal(pfWeightFor({ any: { pfWeight: 7, cases: 9 } }, 'imbalance'), 1, 'clamped to a share');
});

test('stacking - the estimate at first detection is the mixture the shipped weight names; weight 1 is the P–F interval alone; a held update conditions the mixture', () => {
  const file = (w: number): OnsetPriorFile => ({
    version: 1,
    provenance: 'test',
    priors: { 'bearing-outer-race': { lnRateMean: Math.log(3), lnRateSd: 0.8, curves: 10 } },
    pfIntervals: { [pfKey('bearing-outer-race', 'gearbox')]: { lnDaysMean: Math.log(0.25), lnDaysSd: 0.2, cases: 8 } },
    recalibration: { p10: 0.015, p50: 0.43, p90: 0.985, cases: 300 },
    stacking: { 'bearing-outer-race': { pfWeight: w, cases: 30 } },
  });
  // A day of a flat gauge (within noise), then the alarm.
  const z = normalDraws(71);
  const t0 = Date.UTC(2026, 0, 1);
  const flat = Array.from({ length: 73 }, (_, i) => ({ atMs: t0 - (72 - i) * 20 * 60_000, hi: 0.01 * z(), sd: 0.01 }));
  const what = { feature: 'accel.rmsMs2', failureLevel: 'test' };
  const at = (w: number, asOf = t0) => estimateRul(flat, defaultPrior('bearing-outer-race'), asOf, what, undefined, defaultOnsetPrior('bearing-outer-race', file(w), 'gearbox')!, t0)!;
  const none = at(0);
  assert.equal(none.pfWeight, undefined, 'weight 0: the combined estimate as before');
  assert.deepEqual(none.recalibration, { p10: 0.015, p50: 0.43, p90: 0.985 });
  const alone = at(1);
  assert.equal(alone.pfAlone, true);
  assert.ok(Math.abs(Math.log(alone.summary.medianDays / 0.25)) < 0.05, `P–F alone: ${(alone.summary.medianDays * 24).toFixed(1)} h against 6 h`);
  const half = at(0.5);
  assert.equal(half.pfWeight, 0.5);
  assert.equal(half.recalibration, undefined, 'the mixture\'s draws carry the recalibration');
  const [lo, hi] = [none.summary.medianDays, alone.summary.medianDays].sort((a, b) => a - b);
  assert.ok(lo! <= half.summary.medianDays + 1e-9 && half.summary.medianDays <= hi! + 1e-9, `mixture median ${half.summary.medianDays} between ${lo} and ${hi}`);
  assert.ok(half.summary.p10Days <= half.summary.medianDays && half.summary.medianDays <= half.summary.p90Days);
  // Two hours on, the gauge still flat: the mixture at detection, conditioned on survival.
  const later = at(0.5, t0 + 2 * 3_600_000);
  assert.equal(later.heldFromMs, t0);
  const survivors = half.estimate.drawsDays.filter((d) => d > 2 / 24).map((d) => d - 2 / 24).sort((a, b) => a - b);
  assert.ok(Math.abs(later.summary.medianDays - quantile(survivors, 0.5)) < 1e-9);
  assert.ok(Math.abs(later.summary.failureAtMs.p50 - (t0 + 2 * 3_600_000 + quantile(survivors, 0.5) * DAY_MS)) <= 1);
});

test('stacking - the shipped default carries a weight in [0, 1] on the grid for every fault it fitted, and one pooled over all', () => {
  const file = shipped as OnsetPriorFile;
  const table = file.stacking!;
  assert.ok(table.any && table.any.cases >= MIN_STACKING_CASES, 'a pooled weight for faults with few cases');
  for (const [fault, w] of Object.entries(table)) {
    assert.ok(w.pfWeight >= 0 && w.pfWeight <= 1 && Math.abs(w.pfWeight * 10 - Math.round(w.pfWeight * 10)) < 1e-9, `${fault}: ${w.pfWeight}`);
    assert.ok(Number.isInteger(w.cases) && w.cases > 0, `${fault}: ${w.cases} cases`);
  }
  // Read through as the cloud reads it: a fault with its own weight gets it (with its P–F interval).
  const own = Object.entries(table).find(([f, w]) => f !== 'any' && w.cases >= MIN_STACKING_CASES && w.pfWeight > 0 && w.pfWeight < 1);
  if (own) assert.equal(defaultOnsetPrior(own[0] as never, file, 'induction-motor')?.pfWeight ?? defaultOnsetPrior(own[0] as never, file, 'centrifugal-pump')?.pfWeight, own[1].pfWeight);
});
