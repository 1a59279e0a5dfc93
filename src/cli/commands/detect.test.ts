import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError } from '../../core/index.ts';
import { runDetect } from './detect.ts';
import { COMMANDS } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'pdm-detect-'));
const csv = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const rows = (n: number, sep = ';') => ['datetime', 'a', 'b'].join(sep) + '\n' + Array.from({ length: n }, (_, i) => [`t${i}`, Math.sin(i), (i % 7) + (i > 150 ? 50 : 0)].join(sep)).join('\n') + '\n';

test('detect command - writes timestamp,anomaly_score for every row', async () => {
  const out = join(dir, 'scores.csv');
  const code = await runDetect({ input: csv('ok.csv', rows(200)), output: out, train: '50' });
  assert.equal(code, 0);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'timestamp,anomaly_score');
  assert.equal(lines.length, 201);
  assert.equal(lines[1]!.split(',')[0], 't0');
  const scores = lines.slice(1).map((l) => Number(l.split(',')[1]));
  assert.ok(scores.every((s) => s >= 0 && s <= 1));
  assert.ok(Math.min(...scores.slice(155)) >= 0.5, 'the jump in b at row 150 stays flagged');
});

test('detect command - bad input is a ConfigError naming the problem', async () => {
  const out = join(dir, 'x.csv');
  const cases: [Record<string, string>, RegExp][] = [
    [{ output: out }, /--input: required/],
    [{ input: csv('a.csv', rows(10)) }, /--output: required/],
    [{ input: join(dir, 'missing.csv'), output: out }, /cannot read/],
    [{ input: csv('empty.csv', ''), output: out }, /empty/],
    [{ input: csv('text.csv', 'time,name\n1,x\n'), output: out }, /no numeric columns/],
    [{ input: csv('b.csv', rows(10)), output: out, columns: 'a,zz' }, /no column named "zz"/],
    [{ input: csv('c.csv', rows(10)), output: out, detectors: 'pca,lstm' }, /unknown detector "lstm"/],
    [{ input: csv('d.csv', rows(10)), output: out, train: '-1' }, /--train/],
  ];
  for (const [values, pattern] of cases) {
    await assert.rejects(runDetect(values), (err: unknown) => err instanceof ConfigError && pattern.test(err.message), JSON.stringify(values));
  }
});

test('detect command - CLI: exit 0 with scores, exit 2 on a malformed file', { skip: COMMANDS.detect ? false : 'detect is not registered in commands/index.ts yet' }, () => {
  const out = join(dir, 'cli.csv');
  const ok = spawnSync(process.execPath, ['bin/edge-pdm.js', 'detect', '--input', csv('cli.csv', rows(100, ',')), '--output', out], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, 101);
  const bad = spawnSync(process.execPath, ['bin/edge-pdm.js', 'detect', '--input', csv('bad.csv', 'time,name\n1,x\n'), '--output', out], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no numeric columns/);
});

test('detect command - CLI: a file of bare numbers and unsorted times are scored and reported on stderr', { skip: COMMANDS.detect ? false : 'detect is not registered in commands/index.ts yet' }, () => {
  const out = join(dir, 'bare-scores.csv');
  const bare = spawnSync(process.execPath, ['bin/edge-pdm.js', 'detect', '--input', csv('bare.csv', `${Array.from({ length: 120 }, (_, i) => Math.cos(i)).join('\n')}\n`), '--output', out], { encoding: 'utf8' });
  assert.equal(bare.status, 0, bare.stderr);
  assert.match(bare.stderr, /no header row/);
  assert.match(bare.stderr, /no time column/);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 121);
  assert.match(lines[120]!, /^119,/);
  const unsorted = spawnSync(process.execPath, ['bin/edge-pdm.js', 'detect', '--input', csv('unsorted.csv', 'time,v\n3,1\n1,2\n1,3\n4,2\n'), '--output', out], { encoding: 'utf8' });
  assert.equal(unsorted.status, 0, unsorted.stderr);
  assert.match(unsorted.stderr, /1 row\(s\) earlier than the row before and 1 repeated time/);
});
