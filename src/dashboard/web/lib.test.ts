import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lttb, minMaxDecimate, pushBounded, fmtDuration, ganttLayout, defectMarkers, matchesFilter, type Point } from './lib.js';
import { fleetMachine, fullIncident } from '../fixtures.test-support.ts';

const series = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 600 }).map((ys) => ys.map((y, i) => [i * 1000, y] as Point));

test('dashboard lib - LTTB keeps the ends, the point budget and time order, and picks only input points', () => {
  fc.assert(fc.property(series, fc.integer({ min: 3, max: 200 }), (pts, n) => {
    const out = lttb(pts, n);
    assert.equal(out.length, Math.min(pts.length, n));
    if (pts.length) { assert.equal(out[0], pts[0]); assert.equal(out.at(-1), pts.at(-1)); }
    for (let i = 1; i < out.length; i++) assert.ok(out[i]![0] > out[i - 1]![0]);
    const set = new Set(pts);
    for (const p of out) assert.ok(set.has(p));
  }));
});

test('dashboard lib - LTTB keeps a lone spike that averaging would flatten', () => {
  const pts: Point[] = Array.from({ length: 10_000 }, (_, i) => [i, i === 6543 ? 100 : Math.sin(i / 50)]);
  const out = lttb(pts, 300);
  assert.ok(out.some((p) => p[1] === 100));
});

test('dashboard lib - min/max decimation keeps the global minimum and maximum in time order', () => {
  fc.assert(fc.property(series, fc.integer({ min: 1, max: 100 }), (pts, b) => {
    const out = minMaxDecimate(pts, b);
    assert.ok(out.length <= Math.max(pts.length, 2 * b));
    if (!pts.length) return;
    const ys = pts.map((p) => p[1]);
    assert.ok(out.some((p) => p[1] === Math.max(...ys)));
    assert.ok(out.some((p) => p[1] === Math.min(...ys)));
    for (let i = 1; i < out.length; i++) assert.ok(out[i]![0] > out[i - 1]![0]);
  }));
});

test('dashboard lib - pushBounded drops the oldest points beyond the limit', () => {
  const s: number[] = [];
  for (let i = 0; i < 25; i++) pushBounded(s, i, 10);
  assert.deepEqual(s, [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
});

test('dashboard lib - durations read as people say them', () => {
  assert.equal(fmtDuration(140), '140 ms');
  assert.equal(fmtDuration(4200), '4.2 s');
  assert.equal(fmtDuration(5.5 * 3_600_000), '5.5 h');
  assert.equal(fmtDuration(null), '—');
});

test('dashboard lib - Gantt rows put maintenance first and flag moved orders', () => {
  const orders = [
    { id: 'A', workCentre: 'fan-2', startMs: 0, endMs: 10, product: 'p' },
    { id: 'B', workCentre: 'pump-1', startMs: 10, endMs: 20, product: 'p' },
    { id: 'C', workCentre: 'motor-3', startMs: 20, endMs: 30, product: 'p' },
  ];
  const layout = ganttLayout(orders, [{ id: 'WO-1', machine: 'pump-1', plannedStartMs: 30, plannedEndMs: 40, status: 'released' }], [{ productionOrderId: 'C' }], { fromMs: 0, toMs: 40 });
  assert.deepEqual(layout.rows.map((r) => r.name), ['pump-1', 'motor-3', 'fan-2']);
  const wo = layout.rows[0]!.bars.find((b) => b.kind === 'maintenance')!;
  assert.equal(wo.x0, 0.75);
  assert.equal(wo.x1, 1);
  assert.equal(layout.rows[1]!.bars[0]!.kind, 'moved');
  assert.equal(ganttLayout([], [], [], {}).rows.length, 0);
  assert.equal(ganttLayout(orders, [], [], { maxRows: 1 }).hiddenRows, 2);
});

test('dashboard lib - defect markers are orders times shaft speed', () => {
  const ev = fullIncident(fleetMachine(0), 'escalation').escalation.evidence;
  const marks = defectMarkers(ev);
  assert.deepEqual(marks.map((m) => m.name), ['1x', 'BPFO', 'BPFI', 'BSF', 'FTF']);
  assert.ok(Math.abs(marks[1]!.hz - 3.585 * 24.6) < 1e-9);
  assert.deepEqual(defectMarkers({ shaftHz: 0 }), []);
});

test('dashboard lib - fleet filter by site, state, type and search', () => {
  const m = fleetMachine(3); // pump-004, site-a, alarm
  assert.ok(matchesFilter(m, {}));
  assert.ok(matchesFilter(m, { site: 'site-a', state: 'alarm', type: 'centrifugal-pump', q: 'PUMP-004' }));
  assert.ok(!matchesFilter(m, { state: 'normal' }));
  assert.ok(!matchesFilter(m, { q: 'fan' }));
  assert.ok(matchesFilter({ ...m, status: null }, { state: 'no-status' }));
});
