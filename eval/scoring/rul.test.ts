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
