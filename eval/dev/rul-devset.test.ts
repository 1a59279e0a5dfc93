import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ranges, readSets, type RulDevIncident } from './rul-devset.ts';

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
