import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCsv } from './detect-csv.ts';
import { averagePrecision, rocAuc } from './ranking-metrics.ts';
import { ANOMALY_TYPES, makeFile, type AnomalyType } from './anomaly-suite.test-support.ts';

// Floors on the mean ROC-AUC and PR-AUC of three seeded files per type (eval/synthetic/run.ts
// prints the figures). Measured when written: ROC-AUC 0.80–1.00 and PR-AUC 0.38–0.74 per type;
// the stack before the shape members, damping, slow adaptation and rank fusion scored ROC-AUC
// 0.42–0.82 and PR-AUC 0.001–0.47 on the same files. A floor sits ~0.05–0.15 below the measured
// value: it catches a member that stops working, not noise between versions.
const FLOORS: Record<AnomalyType, { roc: number; pr: number }> = {
  spike: { roc: 0.93, pr: 0.45 },
  'level-shift': { roc: 0.9, pr: 0.6 },
  'pattern-change': { roc: 0.72, pr: 0.32 },
  discord: { roc: 0.88, pr: 0.55 },
  variance: { roc: 0.83, pr: 0.33 },
  drift: { roc: 0.74, pr: 0.4 },
  stuck: { roc: 0.8, pr: 0.25 },
  correlation: { roc: 0.8, pr: 0.45 },
};

for (const type of ANOMALY_TYPES) {
  test(`detect suite - ${type}: the anomalous rows rank above the normal ones (ROC-AUC, PR-AUC floors)`, () => {
    let roc = 0;
    let pr = 0;
    const seeds = [1, 2, 3];
    for (const seed of seeds) {
      const f = makeFile(type, seed);
      const r = detectCsv(f.csv);
      assert.ok(r.ok, !r.ok ? r.reason : '');
      assert.equal(r.value.scores.length, f.labels.length);
      roc += rocAuc(r.value.scores, f.labels) / seeds.length;
      pr += averagePrecision(r.value.scores, f.labels) / seeds.length;
    }
    assert.ok(roc >= FLOORS[type].roc, `${type}: ROC-AUC ${roc.toFixed(3)} < ${FLOORS[type].roc}`);
    assert.ok(pr >= FLOORS[type].pr, `${type}: PR-AUC ${pr.toFixed(3)} < ${FLOORS[type].pr}`);
  });
}

test('detect suite - a lasting benign level change does not leave a long stretch tied at the top', () => {
  const f = makeFile('level-shift', 4, 6000);
  const r = detectCsv(f.csv);
  assert.ok(r.ok);
  const s = r.value.scores;
  const at = f.labels.indexOf(1);
  const end = f.labels.lastIndexOf(1) + 1;
  const after = s.slice(end + 1000);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  assert.ok(after.length > 300, 'the file leaves room after the labelled window');
  assert.ok(mean(after) < mean(s.slice(at, end)), `after ${mean(after)} vs window ${mean(s.slice(at, end))}`);
  assert.ok(after.filter((v) => v >= 0.5).length < 0.2 * after.length, 'mostly below the threshold 1000 rows after the window');
  assert.ok(s.filter((v) => v >= 0.999).length < 0.01 * s.length, 'hardly any row near 1');
});
