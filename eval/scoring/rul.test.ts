import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreRul } from './rul.ts';

const H = 3_600_000;

test('rul scoring - median relative error at first detection is the middle of |error| / true remaining life', () => {
  const r = scoreRul([
    { truthId: 'a', atMs: 0, predictedFailureMs: 12 * H, trueFailureMs: 10 * H }, // 20 %
    { truthId: 'b', atMs: 0, predictedFailureMs: 5 * H, trueFailureMs: 10 * H }, // 50 %
    { truthId: 'c', atMs: 2 * H, predictedFailureMs: 11 * H, trueFailureMs: 12 * H }, // 10 %
  ]);
  assert.ok(Math.abs(r.medianRelativeError! - 0.2) < 1e-12, String(r.medianRelativeError));
  assert.ok(r.medianRelativeError! < r.meanRelativeError!, 'one large miss moves the mean, not the median');
  assert.equal(scoreRul([]).medianRelativeError ?? null, null);
});

test('rul scoring - interval coverage is the share of true failures inside the predicted 10-90 % interval, over samples that carry one', () => {
  const r = scoreRul([
    { truthId: 'a', atMs: 0, predictedFailureMs: 12 * H, trueFailureMs: 10 * H, predictedP10Ms: 8 * H, predictedP90Ms: 16 * H }, // inside
    { truthId: 'b', atMs: 0, predictedFailureMs: 5 * H, trueFailureMs: 10 * H, predictedP10Ms: 3 * H, predictedP90Ms: 7 * H }, // outside
    { truthId: 'c', atMs: 0, predictedFailureMs: 9 * H, trueFailureMs: 10 * H }, // no interval: not counted
  ]);
  assert.equal(r.intervalCoverage, 0.5);
  assert.equal(scoreRul([{ truthId: 'c', atMs: 0, predictedFailureMs: 9 * H, trueFailureMs: 10 * H }]).intervalCoverage, null);
});
