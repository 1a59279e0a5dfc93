import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalDraws } from '../../core/prng.ts';
import type { HiPoint } from './degradation.ts';
import { DAY_MS, defaultPrior, estimateRul } from './rul.ts';
import shipped from './default-onset-prior.json' with { type: 'json' };
import { MIN_FLEET_CURVES, onsetPriorFor, onsetPriorFromCurves, randomEffects, type OnsetPriorFile } from './onset-prior.ts';

/**
 * A machine's HI on HI(t) = (e^(c(t−t₀)) − 1)/(e^(g) − 1), g = c·L e-folds over its life L, 0 before
 * the onset t₀ and 1 at failure: read at n times over as much healthy history as life used, up to
 * `usedShare` of its life (now = 0), additive noise. Returns the readings and the true RUL (days).
 */
function machine(c: number, g: number, usedShare: number, n: number, noise: number, seed: number): { points: HiPoint[]; rulDays: number } {
  const z = normalDraws(seed);
  const life = g / c;
  const t0 = -usedShare * life;
  const span = 2 * usedShare * life;
  const points = Array.from({ length: n }, (_, i) => {
    const t = -span + (i * span) / (n - 1);
    const hi = t <= t0 ? 0 : Math.expm1(c * (t - t0)) / Math.expm1(g);
    return { tDays: t, hi: hi + noise * z(), sd: noise };
  });
  return { points, rulDays: life * (1 - usedShare) };
}

/** A fleet of machines whose rates scatter by a factor e^0.3 about 3 per day (seeded). */
const population = (seed: number) => {
  const z = normalDraws(seed);
  return () => 3 * Math.exp(0.3 * z());
};

const t0 = Date.UTC(2026, 0, 5);
const asReadings = (pts: HiPoint[]) => pts.map((p) => ({ atMs: Math.round(t0 + p.tDays * DAY_MS), hi: p.hi, sd: p.sd }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

test('onset prior - run-to-failure curves of machines scattered about one rate give a prior centred on it, as wide as their spread', () => {
  const rate = population(11);
  const curves = Array.from({ length: 8 }, (_, i) => machine(rate(), 4, 0.97, 40, 0.005, 100 + i).points);
  const p = onsetPriorFromCurves(curves)!;
  assert.equal(p.curves, 8);
  assert.ok(Math.abs(p.lnRateMean - Math.log(3)) < 0.3, `ln-rate mean ${p.lnRateMean.toFixed(2)} vs ${Math.log(3).toFixed(2)}`);
  assert.ok(p.lnRateSd >= 0.2 && p.lnRateSd < 1, `ln-rate sd ${p.lnRateSd.toFixed(2)} (the machines scatter by 0.3)`);
  assert.equal(onsetPriorFromCurves(curves.slice(0, 1)), undefined, 'one curve is no population');
});

test('onset prior - at first detection (HI ~0.05 over noise 0.01) the fleet\'s curves cut the remaining-life error of the scale-free fit', () => {
  const rate = population(21);
  const fleet = Array.from({ length: 6 }, (_, i) => machine(rate(), 4, 0.97, 40, 0.005, 200 + i).points);
  const prior = onsetPriorFor('imbalance', fleet)!;
  assert.equal(prior.source, 'fleet');
  const what = { feature: 'x', failureLevel: 'y' };
  const err = { flat: [] as number[], fleet: [] as number[] };
  let covered = 0;
  const n = 25;
  for (let i = 0; i < n; i++) {
    // Detected at 40 % of life: HI = (e^1.6 − 1)/(e^4 − 1) ≈ 0.07.
    const { points, rulDays } = machine(rate(), 4, 0.4, 40, 0.01, 300 + i);
    const flat = estimateRul(asReadings(points), defaultPrior('imbalance'), t0, what);
    const withFleet = estimateRul(asReadings(points), defaultPrior('imbalance'), t0, what, undefined, prior)!;
    err.flat.push(flat ? Math.abs(flat.summary.medianDays - rulDays) / rulDays : Infinity);
    err.fleet.push(Math.abs(withFleet.summary.medianDays - rulDays) / rulDays);
    if (withFleet.summary.p10Days <= rulDays && rulDays <= withFleet.summary.p90Days) covered++;
  }
  assert.ok(median(err.fleet) < 0.3, `median relative error with the fleet prior ${median(err.fleet).toFixed(2)}`);
  assert.ok(median(err.fleet) < 0.75 * median(err.flat), `with ${median(err.fleet).toFixed(2)} vs scale-free ${median(err.flat).toFixed(2)}`);
  assert.ok(covered / n >= 0.6, `10-90 % interval covers ${covered} of ${n}`);
});

test('onset prior - the fleet\'s own curves replace the shipped default from MIN_FLEET_CURVES on; a fault type with few curves falls back to the pooled default', () => {
  const file: OnsetPriorFile = {
    version: 1,
    provenance: 'test',
    priors: { imbalance: { lnRateMean: 0, lnRateSd: 0.5, curves: 5 }, looseness: { lnRateMean: 2, lnRateSd: 0.5, curves: 2 }, any: { lnRateMean: 1, lnRateSd: 0.8, curves: 7 } },
  };
  assert.deepEqual(onsetPriorFor('imbalance', [], file), { rateMedianPerDay: 1, lnRateSd: 0.5, source: 'default', curves: 5 });
  assert.equal(onsetPriorFor('looseness', [], file)!.rateMedianPerDay, Math.E, 'two curves of its own: the pooled prior');
  assert.equal(onsetPriorFor('cavitation', [], file)!.curves, 7);
  assert.equal(onsetPriorFor('imbalance', [], { ...file, priors: {} }), undefined, 'no default at all: a scale-free rate');
  const rate = population(31);
  const curves = Array.from({ length: MIN_FLEET_CURVES }, (_, i) => machine(rate(), 4, 0.97, 40, 0.005, 400 + i).points);
  assert.equal(onsetPriorFor('imbalance', curves, file)!.source, 'fleet');
  assert.equal(onsetPriorFor('imbalance', curves.slice(1), file)!.source, 'default');
});

test('onset prior - the shipped default says where it comes from and was fitted on tuning seeds only', () => {
  const f = shipped as OnsetPriorFile;
  assert.ok(f.version >= 1);
  // Every seed list: a merged file (rul-devset.ts --merge-into) names the seeds of each part.
  const seeds = [...f.provenance.matchAll(/tuning seeds ([\d,]+)/g)].flatMap((m) => m[1]!.split(',').map(Number));
  assert.ok(seeds.length > 0, f.provenance);
  assert.ok(seeds.every((s) => s < 101 || s > 199), 'never the held-out seeds 101-199 (testing and fresh checks)');
  assert.ok(f.priors.any, 'a pooled prior for fault types without their own');
  for (const [k, p] of Object.entries(f.priors)) assert.ok(Number.isFinite(p.lnRateMean) && p.lnRateSd > 0 && p.curves >= 2, k);
});

test('onset prior - a fault its gauge does not show yet gets the prior\'s bound ln(1/h₀)/c, neither an imminent failure nor none', () => {
  const z = normalDraws(41);
  const flat: HiPoint[] = Array.from({ length: 40 }, (_, i) => ({ tDays: i / 10 - 4, hi: 0.01 * z(), sd: 0.01 }));
  const prior = { rateMedianPerDay: 3, lnRateSd: 0.5, source: 'default' as const, curves: 10 };
  const r = estimateRul(asReadings(flat), defaultPrior('imbalance'), t0, { feature: 'x', failureLevel: 'y' }, undefined, prior)!;
  assert.ok(r, 'an estimate');
  // h₀ is at least 2 sd = 0.02: ln(50)/3 ≈ 1.3 days at the median rate; never below it by more than the prior's spread.
  const bound = Math.log(1 / 0.02) / 3;
  assert.ok(r.summary.medianDays >= 0.6 * bound && r.summary.medianDays <= 1.5 * bound, `median ${r.summary.medianDays.toFixed(2)} days vs ${bound.toFixed(2)}`);
  assert.equal(r.summary.prior.source, 'default');
});

test('onset prior - the default carries its file\'s recalibration, a malformed one is left out, the fleet\'s own prior has none', () => {
  const file: OnsetPriorFile = {
    version: 1,
    provenance: 'test',
    priors: { imbalance: { lnRateMean: 0, lnRateSd: 0.5, curves: 5 } },
    recalibration: { p10: 0.1, p50: 0.4, p90: 0.8, cases: 50 },
  };
  assert.deepEqual(onsetPriorFor('imbalance', [], file)!.recalibration, { p10: 0.1, p50: 0.4, p90: 0.8 });
  for (const bad of [{ p10: 0.5, p50: 0.4, p90: 0.8 }, { p10: 0, p50: 0.4, p90: 0.8 }, { p10: 0.1, p50: NaN, p90: 0.8 }, { p10: 0.1, p50: 0.4, p90: 1 }]) {
    assert.equal(onsetPriorFor('imbalance', [], { ...file, recalibration: { ...bad, cases: 50 } })!.recalibration, undefined, JSON.stringify(bad));
  }
  const rate = population(32);
  const curves = Array.from({ length: MIN_FLEET_CURVES }, (_, i) => machine(rate(), 4, 0.97, 40, 0.005, 500 + i).points);
  const fleet = onsetPriorFor('imbalance', curves, file)!;
  assert.equal(fleet.source, 'fleet');
  assert.equal(fleet.recalibration, undefined, 'measured on the default prior, not the fleet\'s');
});

test('onset prior - the shipped recalibration is in order and was measured on tuning seeds only', () => {
  const f = shipped as OnsetPriorFile;
  const r = f.recalibration;
  assert.ok(r && r.p10 > 0 && r.p10 < r.p50 && r.p50 < r.p90 && r.p90 < 1 && r.cases > 0);
  const seeds = /recalibration[^;]*tuning seeds ([\d\- and,]+)/.exec(f.provenance)?.[1];
  assert.ok(seeds, f.provenance);
  for (const part of seeds.split(/,| and /).map((x) => x.trim()).filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    assert.ok(b === undefined ? a! < 101 || a! > 199 : b < 101 || a! > 199, `never the held-out seeds 101-199: ${part}`);
  }
});

test('onset prior - random-effects pooling recovers the machines\' true spread under fits of unequal precision, where the spread of the estimates overstates it', () => {
  // 300 machines whose true ln c scatter by 0.3; each fit adds its own error, sd 0.1 to 1.5.
  const z = normalDraws(51);
  const u = normalDraws(52);
  const se = Array.from({ length: 300 }, (_, i) => 0.1 + (1.4 * i) / 299);
  const y = se.map((s) => 1 + 0.3 * z() + s * u());
  const r = randomEffects(y, se)!;
  const naive = Math.sqrt(y.reduce((a, v) => a + (v - 1) ** 2, 0) / y.length);
  assert.ok(Math.abs(Math.sqrt(r.tau2) - 0.3) < 0.1, `tau ${Math.sqrt(r.tau2).toFixed(3)} vs 0.3 (estimates' own spread ${naive.toFixed(2)})`);
  assert.ok(Math.abs(r.mean - 1) < 0.08, `mean ${r.mean.toFixed(3)}`);
  assert.ok(naive > 0.7, 'the estimates scatter far more than the machines');
});

test('onset prior - random-effects pooling: the mean lies among the estimates, tau² is never negative, equal estimates have no spread, and a vague fit far off does not drag the mean (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ y: fc.double({ min: -5, max: 5, noNaN: true }), se: fc.double({ min: 0, max: 3, noNaN: true }) }), { minLength: 2, maxLength: 30 }),
      (xs) => {
        const r = randomEffects(xs.map((x) => x.y), xs.map((x) => x.se))!;
        const lo = Math.min(...xs.map((x) => x.y));
        const hi = Math.max(...xs.map((x) => x.y));
        assert.ok(r.tau2 >= 0 && Number.isFinite(r.tau2));
        assert.ok(r.mean >= lo - 1e-9 && r.mean <= hi + 1e-9, `mean ${r.mean} outside [${lo}, ${hi}]`);
        assert.ok(r.meanVar > 0);
        const same = randomEffects(xs.map(() => xs[0]!.y), xs.map((x) => x.se))!;
        assert.ok(same.tau2 === 0 && Math.abs(same.mean - xs[0]!.y) < 1e-9);
        // One more estimate far off (1000) but with an sd of 1e4 does not pull the mean out of the others' range.
        const withVague = randomEffects([...xs.map((x) => x.y), 1e3], [...xs.map((x) => x.se), 1e4])!;
        assert.ok(withVague.mean <= hi + 0.01, `${withVague.mean} vs the others' ${lo}..${hi}`);
      },
    ),
    { seed: 53, numRuns: 200 },
  );
  assert.equal(randomEffects([1], [0.1]), undefined, 'one estimate is no population');
});
