// The SKAB benchmark's front door: `npm run bench:skab -- --data DIR` must say clearly what is
// wrong when --data is missing or names no SKAB folder (the data is not in this repository).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skabDirProblem, skabSummary } from './run.ts';

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'eval/skab/run.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

test('skab run - a folder is accepted only with CSV files in valve1/, valve2/ and other/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-skab-test-'));
  try {
    assert.match(skabDirProblem(join(dir, 'absent'))!, /does not exist or is not a folder/);
    assert.match(skabDirProblem(dir)!, /no CSV files in valve1\/, valve2\/, other\//);
    for (const sub of ['valve1', 'valve2']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, '0.csv'), 'datetime;anomaly\n');
    }
    mkdirSync(join(dir, 'other'));
    assert.match(skabDirProblem(dir)!, /no CSV files in other\/;/);
    writeFileSync(join(dir, 'other', '1.csv'), 'datetime;anomaly\n');
    assert.equal(skabDirProblem(dir), null);
    writeFileSync(join(dir, 'file.txt'), '');
    assert.match(skabDirProblem(join(dir, 'file.txt'))!, /not a folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('skab run - without --data it exits 2 with the usage', () => {
  const r = run([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--data DIR is required/);
  assert.match(r.stderr, /usage: npm run bench:skab -- --data DIR/);
  assert.equal(r.stdout, '');
});

test('skab run - npm run bench:skab with a wrong folder exits 2 naming the folder and what it should hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-skab-test-'));
  try {
    const r = spawnSync('npm', ['run', '--silent', 'bench:skab', '--', '--data', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.ok(r.stderr.includes(`"${dir}" is not a SKAB data folder`), r.stderr);
    assert.match(r.stderr, /valve1\/, valve2\/, other\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('skab run - the summary puts the edge detector beside the best published F1', () => {
  const rows = skabSummary('ensemble', { tp: 1, fp: 1, fn: 1, tn: 1, f1: 0.7812, farPct: 23.8123, marPct: 22.8 });
  assert.deepEqual(rows.map((r) => [r.name, r.value, r.unit]), [
    ['SKAB F1, edge-pdm ensemble', 0.781, ''],
    ['SKAB false-alarm rate, edge-pdm ensemble', 23.81, '%'],
    ['SKAB missed-alarm rate, edge-pdm ensemble', 22.8, '%'],
  ]);
  assert.match(rows[0]!.note, /best published Conv-AE 0\.78/);
});
