import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MONTH_MS } from '../scoring/detection.ts';
import { scoreDiagnosis, type DiagnosedIncident } from '../scoring/diagnosis.ts';
import { scoreRul } from '../scoring/rul.ts';
import type { EvalReport } from './build.ts';
import { formatPooled, poolReports } from './pool.ts';

const H = 3_600_000;

/** A run's report with only what pooling reads: detection counts, a scored diagnosis and RUL samples. */
function report(seed: number, items: DiagnosedIncident[], rul: { remainingH: number; errH: number }[], det: { faults: number; detected: number; falseAlarms: number; leads: number[] }): EvalReport {
  const diag = scoreDiagnosis(items);
  const r = scoreRul(rul.map((x, i) => ({ truthId: `t${i}`, atMs: 0, trueFailureMs: x.remainingH * H, predictedFailureMs: (x.remainingH + x.errH) * H, predictedP10Ms: 0, predictedP90Ms: (x.remainingH + Math.abs(x.errH) / 2) * H })));
  return {
    scenario: { name: 'baseline', seed, seedSet: 'other', durationHours: 720, machines: 12 },
    detection: { ...det, leadTimeHours: det.leads },
    diagnosis: { macroF1: diag.macroF1, accuracy: diag.accuracy, incidents: diag.incidents, labels: diag.labels, confusion: diag.confusion, rul: r },
  } as unknown as EvalReport;
}

test('pool - macro-F1 is rescored on the summed confusion, not averaged over runs', () => {
  const a: DiagnosedIncident[] = [{ truth: 'imbalance', predicted: 'imbalance' }, { truth: 'looseness', predicted: 'imbalance' }];
  const b: DiagnosedIncident[] = [
    ...Array.from({ length: 5 }, () => ({ truth: 'looseness', predicted: 'looseness' })),
    { truth: 'imbalance', predicted: null },
  ];
  const pooled = poolReports([report(1, a, [], { faults: 2, detected: 2, falseAlarms: 0, leads: [] }), report(2, b, [], { faults: 6, detected: 6, falseAlarms: 0, leads: [] })]);
  const direct = scoreDiagnosis([...a, ...b]);
  assert.equal(pooled.diagnosis!.macroF1, direct.macroF1);
  assert.equal(pooled.diagnosis!.incidents, 8);
  assert.deepEqual(pooled.diagnosis!.confusion['imbalance'], direct.confusion['imbalance']);
  const mean = (scoreDiagnosis(a).macroF1 + scoreDiagnosis(b).macroF1) / 2;
  assert.notEqual(pooled.diagnosis!.macroF1, mean, 'the example must tell pooling from averaging');
});

test('pool - detection counts add up and false alarms are per pooled machine-month', () => {
  const pooled = poolReports([
    report(1, [], [], { faults: 3, detected: 3, falseAlarms: 1, leads: [10, 20, 30] }),
    report(2, [], [], { faults: 2, detected: 1, falseAlarms: 2, leads: [5] }),
  ]);
  const d = pooled.detection!;
  assert.equal(d.faults, 5);
  assert.equal(d.detected, 4);
  assert.equal(d.precision, 4 / 7);
  assert.equal(d.recall, 4 / 5);
  assert.equal(d.leadTimeMedianHours, 15);
  assert.ok(Math.abs(d.falseAlarmsPerMachineMonth - 3 / ((2 * 12 * 720 * H) / MONTH_MS)) < 1e-12);
});

test('pool - remaining-life errors are pooled before the median', () => {
  const pooled = poolReports([
    report(1, [{ truth: 'imbalance', predicted: 'imbalance' }], [{ remainingH: 100, errH: 10 }], { faults: 1, detected: 1, falseAlarms: 0, leads: [] }),
    report(2, [{ truth: 'imbalance', predicted: 'imbalance' }], [{ remainingH: 100, errH: -50 }, { remainingH: 10, errH: 1 }], { faults: 2, detected: 2, falseAlarms: 0, leads: [] }),
  ]);
  const r = pooled.rulAtDetection!;
  assert.equal(r.n, 3);
  assert.equal(r.medianRelativeError, 0.1); // errors 0.1, 0.5, 0.1
  assert.equal(r.medianAbsErrorHours, 10); // |errors| 10, 50, 1 h
  assert.equal(pooled.rulAtLastUpdate, null);
  assert.match(formatPooled(pooled), /RUL at first detection: median relative error 0\.100 \(n 3\)/);
});

test('pool - no reports give no figures, not a crash', () => {
  const p = poolReports([]);
  assert.equal(p.detection, null);
  assert.equal(p.diagnosis, null);
  assert.equal(p.rulAtDetection, null);
  assert.match(formatPooled(p), /^0 runs/);
});
