import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthyEvidence, sampleEscalation } from '../fixtures.ts';
import { diagnose } from './rules.ts';
import { imbalanceTrendRule } from './trend-rules.ts';

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
