import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { GroundTruthRecord } from '../../src/core/index.ts';
import { MONTH_MS, scoreDetection, type ScoredAlarm } from './detection.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

function fault(machine: string, onsetH: number, failureH: number, over: Partial<GroundTruthRecord> = {}): GroundTruthRecord {
  return {
    v: 1, id: `${machine}/f/${onsetH}`, kind: 'machine', site: 's', line: 'l', machine, machineType: 'induction-motor',
    fault: 'bearing-outer-race', channel: null, component: 'drive-end-bearing',
    onsetMs: T0 + onsetH * H, detectableMs: T0 + (onsetH + 2) * H, failureMs: T0 + failureH * H, failedAtMs: null, repairedAtMs: null, ...over,
  };
}
const alarm = (machine: string, h: number, id = `${machine}-${h}`): ScoredAlarm => ({ incidentId: id, machine, atMs: T0 + h * H });
const base = { startMs: T0, endMs: T0 + 100 * H, machines: 10 };

test('scoring - an alarm just inside the fault window is a detection, just before onset a false alarm', () => {
  const truth = [fault('m1', 10, 40)];
  const inside = scoreDetection({ ...base, truth, alarms: [{ incidentId: 'a', machine: 'm1', atMs: T0 + 10 * H }] });
  assert.equal(inside.detected, 1);
  assert.equal(inside.falseAlarms, 0);
  assert.equal(inside.leadTimeHours[0], 30);
  const before = scoreDetection({ ...base, truth, alarms: [{ incidentId: 'a', machine: 'm1', atMs: T0 + 10 * H - 1 }] });
  assert.equal(before.detected, 0);
  assert.equal(before.falseAlarms, 1);
  assert.equal(before.precision, 0);
  assert.equal(before.recall, 0);
});

test('scoring - duplicate alarms on one fault count once and are not false alarms', () => {
  const r = scoreDetection({ ...base, truth: [fault('m1', 10, 40)], alarms: [alarm('m1', 20), alarm('m1', 21), alarm('m1', 30)] });
  assert.equal(r.detected, 1);
  assert.equal(r.duplicateAlarms, 2);
  assert.equal(r.falseAlarms, 0);
  assert.equal(r.precision, 1);
  assert.equal(r.leadTimeHours[0], 20, 'lead time from the first alarm');
});

test('scoring - a false incident that clears and reopens counts once; another incident on the same machine counts again', () => {
  const r = scoreDetection({ ...base, truth: [], alarms: [alarm('m2', 20, 'inc-1'), alarm('m2', 22, 'inc-1'), alarm('m2', 25, 'inc-1'), alarm('m2', 60, 'inc-2')] });
  assert.equal(r.falseAlarms, 2);
  assert.equal(r.duplicateAlarms, 2);
});

test('scoring - an incident opened before the onset and reopened after it is one false alarm, not a detection', () => {
  const truth = [fault('m1', 10, 40)];
  const r = scoreDetection({ ...base, truth, alarms: [alarm('m1', 7, 'early'), alarm('m1', 12, 'early')] });
  assert.equal(r.detected, 0);
  assert.equal(r.falseAlarms, 1);
  assert.equal(r.duplicateAlarms, 1);
  // A new incident after the onset still detects the fault.
  const later = scoreDetection({ ...base, truth, alarms: [alarm('m1', 7, 'early'), alarm('m1', 12, 'early'), alarm('m1', 15, 'new')] });
  assert.equal(later.detected, 1);
  assert.equal(later.leadTimeHours[0], 25);
  assert.equal(later.falseAlarms, 1);
});

test('scoring - an alarm after the failure is late: neither a hit nor a false alarm', () => {
  const truth = [fault('m1', 10, 40, { failedAtMs: T0 + 40 * H })];
  const r = scoreDetection({ ...base, truth, alarms: [alarm('m1', 41)] });
  assert.equal(r.detected, 0);
  assert.equal(r.lateAlarms, 1);
  assert.equal(r.falseAlarms, 0);
  assert.equal(r.recall, 0);
});

test('scoring - an alarm on another machine is false; false alarms per machine-month use the scored period', () => {
  const r = scoreDetection({ ...base, truth: [fault('m1', 10, 40)], alarms: [alarm('m2', 20), alarm('m1', 20)] });
  assert.equal(r.detected, 1);
  assert.equal(r.falseAlarms, 1);
  assert.equal(r.precision, 0.5);
  assert.equal(r.f1, 2 / 3);
  assert.ok(Math.abs(r.falseAlarmsPerMachineMonth - 1 / ((10 * 100 * H) / MONTH_MS)) < 1e-12);
});

test('scoring - a repaired fault gives credit until the repair; lead share uses the detectable interval', () => {
  const truth = [fault('m1', 10, 40, { repairedAtMs: T0 + 30 * H })];
  const r = scoreDetection({ ...base, truth, alarms: [alarm('m1', 26), alarm('m1', 31)] });
  assert.equal(r.detected, 1);
  assert.equal(r.falseAlarms, 1, 'the alarm after the repair is false');
  // detectable at 12 h, failure at 40 h: 28 h detectable; alarm at 26 h leaves 14 h → 0.5
  assert.equal(r.leadShareMedian, 0.5);
});

test('scoring - alarms during a sensor fault are counted, and quality events flag it', () => {
  const sensor: GroundTruthRecord = { ...fault('m3', 50, 60), id: 'sf', kind: 'sensor', fault: 'stuck', channel: 'temp_bearing', component: null, detectableMs: null };
  const r = scoreDetection({ ...base, truth: [sensor], alarms: [alarm('m3', 55)], qualityEvents: [{ machine: 'm3', channel: 'temp_bearing', atMs: T0 + 51 * H }] });
  assert.equal(r.faults, 0);
  assert.equal(r.falseAlarms, 1);
  assert.equal(r.alarmsDuringSensorFaults, 1);
  assert.equal(r.sensorFaults, 1);
  assert.equal(r.sensorFaultsFlagged, 1);
});

test('scoring - faults that start after the scored period are not counted', () => {
  const r = scoreDetection({ ...base, truth: [fault('m1', 120, 150)], alarms: [] });
  assert.equal(r.faults, 0);
  assert.equal(r.recall, 0);
});

test('scoring - properties: rates in [0, 1], duplicating every alarm changes neither hits nor false alarms', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ m: fc.integer({ min: 0, max: 3 }), on: fc.integer({ min: 0, max: 80 }), len: fc.integer({ min: 1, max: 30 }) }), { maxLength: 4 }),
      fc.array(fc.record({ m: fc.integer({ min: 0, max: 3 }), h: fc.integer({ min: 0, max: 100 }) }), { maxLength: 12 }),
      (faults, alarms) => {
        // one fault per machine at most, as the simulator plans them
        const truth = faults.filter((f, i) => faults.findIndex((g) => g.m === f.m) === i).map((f) => fault(`m${f.m}`, f.on, f.on + f.len));
        const as = alarms.map((a, i) => alarm(`m${a.m}`, a.h, `a${i}`));
        const r = scoreDetection({ ...base, truth, alarms: as });
        const r2 = scoreDetection({ ...base, truth, alarms: [...as, ...as.map((a) => ({ ...a, incidentId: `${a.incidentId}-dup` }))] });
        for (const v of [r.precision, r.recall, r.f1]) assert.ok(v >= 0 && v <= 1);
        assert.equal(r2.detected, r.detected);
        assert.equal(r2.falseAlarms, 2 * r.falseAlarms, 'a repeated false alarm is still false');
        assert.equal(r.detected + r.falseAlarms + r.duplicateAlarms + r.lateAlarms, as.length);
      },
    ),
  );
});
