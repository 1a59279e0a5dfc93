import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, formatValue, gather, isMet, tally } from './summary.ts';
import { stageDurations } from './e2e.ts';

test('bench summary - a target is met or missed by its comparison, and unknown without value or target', () => {
  assert.equal(isMet(10e6, { op: '>=', value: 10e6 }), true);
  assert.equal(isMet(9.99e6, { op: '>=', value: 10e6 }), false);
  assert.equal(isMet(2, { op: '<', value: 2 }), false);
  assert.equal(isMet(1.99, { op: '<', value: 2 }), true);
  assert.equal(isMet(1, { op: '>', value: 1 }), false);
  assert.equal(isMet(100, { op: '<=', value: 100 }), true);
  assert.equal(isMet(null, { op: '<', value: 2 }), null);
  assert.equal(isMet(5, undefined), null);
});

test('bench summary - rows of every part in order; a failed part or a report without rows is one n/a line', () => {
  const lines = gather([
    { name: 'edge', report: { summary: [
      { name: 'features', value: 5.2e6, unit: 'samples/CPU s', target: { op: '>=', value: 10e6 } },
      { name: 'p99', value: 1.5, unit: 'ms', target: { op: '<', value: 2 } },
    ] } },
    { name: 'outbox', report: { summary: [{ name: 'put', value: 139, unit: 'entries/s', note: '0.12 MB/s' }] } },
    { name: 'cloud', report: null, failed: 'benchmark failed' },
    { name: 'erp', report: { figures: {} } },
    { name: 'odd', report: { summary: [{ name: 'x', value: 'fast', unit: '' }] } },
  ]);
  assert.deepEqual(lines.map((l) => [l.part, l.name, l.value, l.met]), [
    ['edge', 'features', 5.2e6, false],
    ['edge', 'p99', 1.5, true],
    ['outbox', 'put', 139, null],
    ['cloud', 'cloud', null, null],
    ['erp', 'erp', null, null],
    ['odd', 'odd', null, null],
  ]);
  assert.equal(lines[3]!.note, 'benchmark failed');
  assert.equal(lines[4]!.note, 'report has no summary rows');
  assert.deepEqual(tally(lines), { met: 1, missed: 1, unmeasured: 3 });
});

test('bench summary - the table aligns its columns and marks missed targets and missing figures', () => {
  const table = formatTable(gather([
    { name: 'edge', report: { summary: [
      { name: 'features', value: 5_234_567, unit: 'samples/CPU s', target: { op: '>=', value: 10e6 } },
      { name: 'window->command p99', value: 1.234, unit: 'ms', target: { op: '<', value: 2 } },
      { name: 'Mosquitto p99', value: null, unit: 'ms', target: { op: '<', value: 10 }, note: 'unreachable' },
    ] } },
  ]));
  const rows = table.split('\n');
  assert.equal(rows.length, 5, table);
  assert.match(rows[0]!, /^bench\s+figure\s+value\s+unit\s+target\s+met\?\s+note$/);
  assert.match(rows[2]!, /features\s+5,235,000\s+samples\/CPU s\s+>= 10,000,000\s+NO$/);
  assert.match(rows[3]!, /window->command p99\s+1\.234\s+ms\s+< 2\s+yes$/);
  assert.match(rows[4]!, /Mosquitto p99\s+n\/a\s+ms\s+< 10\s+unreachable$/);
  // Values are right-aligned in one column: every value ends at the same offset.
  const end = (r: string, v: string) => r.indexOf(v) + v.length;
  assert.equal(end(rows[2]!, '5,235,000'), end(rows[3]!, '1.234'));
  assert.equal(end(rows[3]!, '1.234'), end(rows[4]!, 'n/a'));
});

test('bench summary - figures keep four significant digits', () => {
  assert.equal(formatValue(138.84), '138.8');
  assert.equal(formatValue(0.0743), '0.0743');
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(0.00012), '1.20e-4');
  assert.equal(formatValue(null), 'n/a');
  assert.equal(formatValue(NaN), 'n/a');
});

test('bench e2e - stage durations use only incidents that passed both marks of a stage', () => {
  const d = stageDurations([
    { window: 100, alarm: 101, escalated: 150, cloud: 160, diagnosis: 200, order: 300, ack: 320 },
    { window: 0, alarm: 5 }, // reopened incident: no escalation
    { escalated: 10, cloud: 30 }, // raised before the listener was attached
  ]);
  assert.deepEqual(d['window → alarm'], [1, 5]);
  assert.deepEqual(d['alarm → escalated'], [49]);
  assert.deepEqual(d['escalated → cloud'], [10, 20]);
  assert.deepEqual(d['diagnosis → order'], [100]);
  assert.deepEqual(d['order → edge ack'], [20]);
  assert.deepEqual(d['window → order (total)'], [200]);
});
