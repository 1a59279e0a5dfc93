// Runs the outbox benchmark as `npm run bench` does, with tiny sizes: it must finish and write a
// well-formed report whose summary the harness can read. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gather } from './summary.ts';

test('bench outbox - a tiny run writes a well-formed report with one summary row per phase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pdm-bench-test-'));
  try {
    const out = join(dir, 'nested', 'bench-outbox.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'eval/bench/outbox.ts', '--entries', '12', '--runs', '2', '--concurrency', '4', '--dir', dir, '--json', out], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /put, one at a time .* entries\/s/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown> & { figures: Record<string, Record<string, number>>; perRun: unknown[] };
    assert.equal(report.bench, 'outbox');
    assert.equal(report.entries, 12);
    assert.equal(report.runs, 2);
    assert.equal(report.perRun.length, 2);
    assert.ok((report.payloadBytes as number) > 100, 'a sample escalation, not an empty payload');
    assert.deepEqual(Object.keys(report.figures).sort(), ['drainConcurrent', 'drainSequential', 'putConcurrent', 'putSequential']);
    for (const [phase, f] of Object.entries(report.figures)) {
      for (const k of ['entriesPerSecond', 'entriesPerCpuSecond', 'mbPerSecond']) assert.ok(Number.isFinite(f[k]) && f[k]! > 0, `${phase}.${k} = ${f[k]}`);
    }
    const lines = gather([{ name: 'outbox', report }]);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((l) => l.part === 'outbox' && l.unit === 'entries/s' && typeof l.value === 'number' && l.value > 0), JSON.stringify(lines));
    // Every benchmark's database is removed afterwards: only the report is left in the folder.
    assert.deepEqual(readdirSync(dir), ['nested']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench outbox - bad sizes are refused with a message and a failing exit code', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'eval/bench/outbox.ts', '--entries', '0', '--json', join(tmpdir(), 'never-written.json')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--entries, --runs, --concurrency: integers >= 1/);
});
