import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trendClause } from './incident-analysis.ts';

const pf = { lnDaysMean: Math.log(0.75), lnDaysSd: 0.2, cases: 23 };

test('incident analysis - the explanation says when a P–F interval joined the estimate, and when it alone gave it', () => {
  const combined = trendClause({ history: true, points: 0, pfInterval: pf, onsetPrior: { rateMedianPerDay: 2, lnRateSd: 0.4, source: 'default', curves: 30 } }).join('; ');
  assert.match(combined, /combined with the P–F interval of 23 past cases of this fault after their first alarm \(median 18 h, shipped default\)/);
  const alone = trendClause({ history: true, points: 0, pfInterval: pf, pfAlone: true }).join('; ');
  assert.match(alone, /from the P–F interval of 23 past cases of this fault after their first alarm alone \(median 18 h, shipped default\): this gauge grows in stages/);
  assert.doesNotMatch(alone, /combined|bounded/);
  assert.doesNotMatch(trendClause({ history: true, points: 0 }).join('; '), /P–F/);
});

test('incident analysis - the explanation names a stacked estimate\'s share of the P–F interval, and why the interval alone was used', () => {
  const recalibration = { p10: 0.015, p50: 0.43, p90: 0.985 };
  const mixed = trendClause({ history: true, points: 0, pfInterval: pf, pfWeight: 0.7 }).join('; ');
  assert.match(mixed, /combined with the P–F interval of 23 past cases/);
  assert.match(mixed, /mixed 70 % with that interval alone, the share that predicted held-out past cases of this fault best \(stacking\)/);
  assert.doesNotMatch(mixed, /median at its raw/, 'the mixture says it was recalibrated, once');
  assert.match(trendClause({ history: true, points: 0, pfInterval: pf, recalibration }).join('; '), /median at its raw 43 % quantile/);
  const alone = trendClause({ history: true, points: 0, pfInterval: pf, pfAlone: true, pfWeight: 1 }).join('; ');
  assert.match(alone, /alone \(median 18 h, shipped default\): on held-out past cases of this fault it predicted better than this gauge's early readings \(stacking\)/);
  assert.doesNotMatch(alone, /stages/);
});
