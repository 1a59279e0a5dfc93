import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TailSurprise } from './tail-surprise.ts';
import { LevelDamping } from './level-damping.ts';

test('tail surprise - a value above every learned one is the most surprising; a habitual one is not', () => {
  const t = new TailSurprise();
  for (let i = 0; i < 1000; i++) t.learn(i % 2 ? 5 : 0.5); // half the learned scores sit at 5
  assert.ok(t.surprise(5) < 1, String(t.surprise(5)));
  assert.ok(Math.abs(t.surprise(50) - Math.log(1001)) < 1e-9);
  assert.ok(Math.abs(t.surprise(0)) < 1e-12, 'a zero score surprises nobody');
});

test('tail surprise - property: monotone in the score, finite and ≥ 0', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { maxLength: 200 }), fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (past, a, b) => {
      const t = new TailSurprise();
      for (const p of past) t.learn(p);
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      assert.ok(t.surprise(lo) <= t.surprise(hi));
      assert.ok(Number.isFinite(t.surprise(hi)) && t.surprise(lo) >= 0);
    }),
  );
});

test('level damping - a stretch above the threshold longer than half the window settles near it; a short one is untouched', () => {
  const d = new LevelDamping(100);
  for (let i = 0; i < 100; i++) d.apply(0.3);
  assert.equal(d.apply(40), 40, 'the first rows of an excursion keep their size');
  let last = 0;
  for (let i = 0; i < 99; i++) last = d.apply(40);
  assert.ok(last > 0.9 && last < 1.1, String(last));
  assert.ok(d.apply(400) > 5, 'a new excursion on top still stands out');
});
