import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthyEvidence, sampleEscalation } from '../../src/cloud/fixtures.ts';
import type { OnsetPriorFile } from '../../src/cloud/rul/onset-prior.ts';
import { mergePrior, ranges, readSets, type RulDevIncident } from './rul-devset.ts';

const row = (seed: number, machine: string): RulDevIncident => ({
  seed, machine, truth: { id: `${seed}-${machine}`, fault: 'imbalance', onsetMs: 0, detectableMs: null, failureMs: 100 }, alarmAtMs: 10, cloud: null, cloudRul: null, escalation: null,
});

function withFiles(files: Record<string, RulDevIncident[]>, f: (paths: string[]) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rul-devset-test-'));
  try {
    const paths = Object.entries(files).map(([name, rows]) => {
      const p = join(dir, `${name}.jsonl`);
      writeFileSync(p, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      return p;
    });
    f(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('rul dev set - several files pool into one set, each row labelled with its file', () => {
  withFiles({ 'rulu-1-2': [row(1, 'a'), row(2, 'b')], 'rulu-200': [row(200, 'a')] }, (paths) => {
    const r = readSets(paths);
    assert.ok(!('error' in r));
    assert.deepEqual(r.rows.map((x) => x.seed), [1, 2, 200]);
    assert.deepEqual(r.rows.map((x) => r.sets.get(x)), ['rulu-1-2', 'rulu-1-2', 'rulu-200']);
  });
});

test('rul dev set - a seed in two pooled files is refused (one run counted twice)', () => {
  withFiles({ first: [row(3, 'a')], second: [row(3, 'b')] }, (paths) => {
    const r = readSets(paths);
    assert.ok('error' in r && r.error.includes('seed 3'));
  });
});

test('rul dev set - seeds print as ranges for the shipped file\'s provenance', () => {
  assert.equal(ranges([1, 2, 3, 4, 5, 200, 201, 202, 203, 204, 205, 300, 301]), '1-5, 200-205 and 300-301');
  assert.equal(ranges([7]), '7');
  assert.equal(ranges([1, 3]), '1 and 3');
  assert.equal(ranges([]), '');
});

test('rul dev set - --merge-into replaces only the collected fault types\' P-F intervals and says so; other types, the pooled prior and the recalibration stay', () => {
  const base: OnsetPriorFile = {
    version: 1,
    provenance: 'fitted on tuning seeds 1,2',
    priors: { imbalance: { lnRateMean: 0, lnRateSd: 0.5, curves: 5 }, any: { lnRateMean: 1, lnRateSd: 0.8, curves: 9 } },
    pfIntervals: { imbalance: { lnDaysMean: 0, lnDaysSd: 0.3, cases: 5 }, 'tool-wear': { lnDaysMean: 2, lnDaysSd: 1, cases: 1 } },
    recalibration: { p10: 0.02, p50: 0.4, p90: 0.98, cases: 300 },
  };
  // Five tool-wear faults on spindles, failing 0.5-0.9 days after their alarm.
  const rows = [0.5, 0.6, 0.7, 0.8, 0.9].map((d, i): RulDevIncident => ({
    ...row(420 + i, 'spindle-004'),
    truth: { id: `t${i}`, fault: 'tool-wear', onsetMs: 0, detectableMs: null, failureMs: 1e9 + d * 86_400_000 },
    escalation: sampleEscalation(healthyEvidence(), { openedAt: 1e9, machineType: 'cnc-spindle' }),
  }));
  const merged = mergePrior(base, rows, '2026-11-24');
  for (const k of ['imbalance', 'any']) assert.deepEqual(merged.priors[k], base.priors[k], k);
  assert.deepEqual(merged.recalibration, base.recalibration);
  assert.deepEqual(merged.pfIntervals!.imbalance, base.pfIntervals!.imbalance);
  const tw = merged.pfIntervals!['tool-wear|cnc-spindle']!;
  assert.equal(tw.cases, 5);
  assert.ok(Math.abs(Math.exp(tw.lnDaysMean) - 0.69) < 0.02, `geometric mean P-F ${Math.exp(tw.lnDaysMean)} d`);
  assert.equal(merged.pfIntervals!['tool-wear']!.cases, 5, 'the old single case is replaced, not pooled');
  assert.match(merged.provenance, /^fitted on tuning seeds 1,2; merged .* tool-wear .* 5 detected faults of tuning seeds 420,421,422,423,424/);
});
