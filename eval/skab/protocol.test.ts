import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addConfusion, confusion, metrics } from './protocol.ts';

test('skab protocol - training rows are not counted; test rows give TP/FP/FN/TN', () => {
  //               train | test
  const labels = [1, 1, 0, 1, 1, 0, 0, 1];
  const pred = [0, 0, 1, 1, 0, 1, 0, 1];
  assert.deepEqual(confusion(pred, labels, 2), { tp: 2, fp: 2, fn: 1, tn: 1 });
  assert.deepEqual(confusion(pred.map(Boolean), labels, 0), { tp: 2, fp: 2, fn: 3, tn: 1 });
});

test('skab protocol - F1, FAR and MAR of pooled counts', () => {
  const a = { tp: 30, fp: 10, fn: 10, tn: 50 };
  const b = { tp: 10, fp: 0, fn: 30, tn: 50 };
  const m = metrics(addConfusion(a, b)); // tp 40, fp 10, fn 40, tn 100
  assert.equal(m.f1, 40 / (40 + 50 / 2));
  assert.ok(Math.abs(m.farPct - (100 * 10) / 110) < 1e-12);
  assert.equal(m.marPct, 50);
  // Pooling is not averaging per file: file a alone has F1 0.75, file b 0.4.
  assert.equal(metrics(a).f1, 0.75);
  assert.equal(metrics(b).f1, 0.4);
});

test('skab protocol - empty denominators give 0, lengths must match', () => {
  assert.deepEqual(metrics({ tp: 0, fp: 0, fn: 0, tn: 0 }), { tp: 0, fp: 0, fn: 0, tn: 0, f1: 0, farPct: 0, marPct: 0 });
  assert.throws(() => confusion([1], [1, 0]), RangeError);
});
