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
