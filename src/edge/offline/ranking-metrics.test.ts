import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { averagePrecision, rocAuc } from './ranking-metrics.ts';

test('ranking metrics - known values, ties counted half', () => {
  assert.equal(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(rocAuc([1, 1, 1, 1], [0, 1, 0, 1]), 0.5);
  // scikit-learn: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
  assert.ok(Math.abs(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) - 5 / 6) < 1e-12);
  assert.ok(Number.isNaN(rocAuc([1, 2], [1, 1])));
  assert.ok(Number.isNaN(averagePrecision([1, 2], [0, 0])));
  // Found by the property below: nine positives over subnormal scores summed to 1.0000000000000002.
  assert.equal(averagePrecision([0, 5e-324, 1e-323, 1.5e-323, 2e-323, 2.5e-323, 2.5e-323, 2.5e-323, 2.5e-323, 2.5e-323], [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]), 1);
});

test('ranking metrics - property: a perfect ranking scores 1, reversing the scores gives 1 − AUC', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 60 }), (pairs) => {
      const labels = pairs.map((p) => p[1]);
      if (labels.every((l) => l === labels[0])) return;
      const s = pairs.map((p) => p[0]);
      const auc = rocAuc(s, labels);
      assert.ok(Math.abs(rocAuc(s.map((v) => -v), labels) - (1 - auc)) < 1e-9);
      assert.equal(rocAuc(labels.map((l) => l * 2), labels), 1);
      assert.equal(averagePrecision(labels.map((l) => l + 0.5), labels), 1);
      const ap = averagePrecision(s, labels);
      assert.ok(ap > 0 && ap <= 1);
    }),
  );
});
