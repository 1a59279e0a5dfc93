import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreDiagnosis } from './diagnosis.ts';

test('diagnosis scoring - confusion matrix and macro-F1 on a hand-made case', () => {
  const r = scoreDiagnosis([
    { truth: 'imbalance', predicted: 'imbalance' },
    { truth: 'imbalance', predicted: 'misalignment' },
    { truth: 'misalignment', predicted: 'misalignment' },
    { truth: 'cavitation', predicted: 'unknown' },
    { truth: 'cavitation', predicted: null },
  ]);
  assert.equal(r.confusion['imbalance']!['misalignment'], 1);
  assert.equal(r.confusion['cavitation']!['unknown'], 1);
  assert.equal(r.confusion['cavitation']!['undiagnosed'], 1);
  // imbalance P 1 R 0.5 F1 2/3; misalignment P 0.5 R 1 F1 2/3; cavitation 0.
  assert.ok(Math.abs(r.macroF1 - (2 / 3 + 2 / 3 + 0) / 3) < 1e-12);
  assert.equal(r.accuracy, 2 / 5);
});

test('diagnosis scoring - all right gives macro-F1 1; an empty run gives 0', () => {
  assert.equal(scoreDiagnosis([{ truth: 'a', predicted: 'a' }, { truth: 'b', predicted: 'b' }]).macroF1, 1);
  assert.equal(scoreDiagnosis([]).macroF1, 0);
});
