import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clockPairs, firstAnomalousWindow, otherClock, timelineSteps, PRE_ALARM_SCORE, type StatusPoint } from './timeline.js';
import { fleetMachine, fullIncident, T0 } from '../fixtures.test-support.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Simulated ms per wall ms in these fixtures (the demo's default is 3600). */
const SPEED = 1000;

/** A decided incident, its machine's status reports (one a simulated minute, anomalous from 7:40) and an ERP record stamped on both clocks. */
function scenario() {
  const i = fullIncident(fleetMachine(0), 'decision');
  const opened = i.escalation.openedAt; // T0 + 8 h
  const w0 = i.escalation.sentAtMs;
  const wallOf = (t: number) => w0 + (t - opened) / SPEED;
  const history: StatusPoint[] = Array.from({ length: 71 }, (_, k) => {
    const t = T0 + 7 * HOUR + k * MIN;
    return { t, wallMs: wallOf(t), score: k >= 40 ? 4.5 + (k - 40) / 10 : 1 };
  });
  const record = {
    notification: { id: 'N-1', detectedAtMs: opened, createdAtMs: w0 + 300, text: 'outer race' },
    purchaseOrders: [{ id: 'PO-1', materialId: 'MAT-BRG-6205', status: 'shipped', orderedAtMs: opened + 320_000, createdAtMs: w0 + 320, confirmedAtMs: opened + 2 * HOUR, shippedAtMs: opened + 20 * HOUR, receivedAtMs: null }],
    workOrder: { id: 'WO-1', status: 'completed', createdAtMs: w0 + 340, plannedStartMs: opened + 40 * HOUR, plannedEndMs: opened + 44 * HOUR, actualStartMs: opened + 40 * HOUR, actualEndMs: opened + 43 * HOUR, downtimeMs: 3 * HOUR, plannedCostCents: 10_000, actualCostCents: 9_000 },
  };
  return { i, opened, w0, history, record, seen: { diagnosis: w0 + 200 } };
}

test('dashboard timeline - every step from the first anomalous window to the repair, in order', () => {
  const { i, history, record, seen } = scenario();
  const steps = timelineSteps(i, record, { history, seen });
  assert.deepEqual(steps.map((s) => s.key), ['onset', 'alarm', 'action', 'sent', 'received', 'diagnosis', 'notification', 'purchase-order', 'work-order', 'decision', 'window', 'repair']);
  assert.ok(steps.every((s) => !s.pending));
  const d = steps.find((s) => s.key === 'diagnosis')!;
  assert.match(d.detail, /Outer race: envelope peak at 3\.58x/);
  assert.match(d.detail, /Remaining life 6\.1–21\.3 d/);
  assert.match(steps.find((s) => s.key === 'decision')!.detail, /next-window-expedited/);
  assert.deepEqual(steps.find((s) => s.key === 'purchase-order')!.history!.map((h) => h.status), ['created', 'confirmed', 'shipped']);
  assert.match(steps.find((s) => s.key === 'work-order')!.detail, /planned €100\.00, actual €90\.00/);
  // Without ERP/MES or history, the cloud's steps are still there; the onset says why it is missing.
  const bare = timelineSteps(fullIncident(fleetMachine(0), 'escalation'), null);
  assert.deepEqual(bare.map((s) => s.key), ['onset', 'alarm', 'action', 'sent', 'received', 'diagnosis', 'decision']);
  assert.ok(bare[0]!.pending && bare.find((s) => s.key === 'diagnosis')!.pending);
  assert.doesNotThrow(() => timelineSteps(i, { purchaseOrders: [{}], workOrder: {} }, { history: [{ t: 1, score: Number.NaN }] }));
});

test('dashboard timeline - the first anomalous window comes from the status history', () => {
  const { i, opened, w0, history } = scenario();
  const onset = timelineSteps(i, null, { history })[0]!;
  assert.equal(onset.simMs, T0 + 7 * HOUR + 40 * MIN);
  assert.equal(onset.wallMs, w0 - (20 * MIN) / SPEED);
  const alarm = timelineSteps(i, null, { history })[1]!;
  assert.equal(alarm.simLatencyMs, 20 * MIN, 'onset → alarm on the simulated clock');
  assert.equal(alarm.wallLatencyMs, (20 * MIN) / SPEED);
  // A higher pre-alarm level finds a later onset.
  assert.equal(timelineSteps(i, null, { history, level: 6 })[0]!.simMs, T0 + 7 * HOUR + 55 * MIN);
  // The last report before the alarm was normal: the onset is only bounded.
  const calm = history.map((p) => (p.t === opened ? { ...p, score: 1 } : p));
  const after = timelineSteps(i, null, { history: calm })[0]!;
  assert.equal(after.simMs, null);
  assert.match(after.detail, /after the last normal status report \(2026-01-05 14:00:00 UTC\)/);
});

test('dashboard timeline - every step has both clocks and a latency; one-clock stamps are estimated from the status reports', () => {
  const { i, opened, w0, history, record, seen } = scenario();
  const steps = timelineSteps(i, record, { history, seen });
  const at = (k: string) => steps.find((s) => s.key === k)!;
  for (const s of steps.filter((x) => !['window', 'repair'].includes(x.key))) {
    assert.ok(s.simMs !== null && s.wallMs !== null, `${s.key} has both clocks`);
    if (s.key !== 'onset') assert.ok(s.simLatencyMs !== null && s.wallLatencyMs !== null, `${s.key} has both latencies`);
  }
  assert.equal(at('alarm').wallMs, w0, 'the edge stamped the escalation as it raised the alarm');
  assert.equal(at('received').wallLatencyMs, 140);
  assert.equal(at('received').wallLatencyEstimated, false);
  assert.equal(at('received').simMs, opened + 140 * SPEED);
  assert.ok(at('received').simEstimated && at('received').simLatencyEstimated);
  assert.equal(at('diagnosis').wallMs, w0 + 200, 'the dashboard\'s first-seen stamp');
  // Sparse reports: an estimate that would precede its cause is held at the step before.
  const lagging = history.map((p) => ({ ...p, wallMs: p.wallMs! + 500 })); // every report reached the cloud 0.5 s late
  const held = timelineSteps(i, record, { history: lagging, seen });
  assert.equal(held.find((s) => s.key === 'received')!.simMs, opened, 'not before the escalation was sent');
  assert.equal(held.find((s) => s.key === 'received')!.simLatencyMs, 0);
  // A stamp outside intake → decision (the page saw it late, or another host's clock) is not used.
  assert.equal(timelineSteps(i, record, { history, seen: { diagnosis: w0 + 60_000 } }).find((s) => s.key === 'diagnosis')!.wallMs, null);
  assert.equal(at('purchase-order').simMs, opened + 320_000);
  assert.equal(at('purchase-order').simEstimated, false, 'orderedAtMs is the ERP\'s event time');
  assert.equal(at('purchase-order').wallLatencyMs, 20);
  assert.equal(at('decision').wallMs, i.decidedAtMs);
  assert.equal(at('decision').wallLatencyMs, 50, 'committed after the work order');
  assert.equal(at('repair').simLatencyMs, 3 * HOUR);
  // No extrapolation beyond the reports: the window's wall clock stays unknown.
  assert.equal(at('window').wallMs, null);
  assert.equal(at('window').simLatencyMs, 40 * HOUR - 390 * SPEED);
});

const scores = fc.array(fc.oneof(fc.double({ min: 0, max: 3.99, noNaN: true }), fc.double({ min: 4, max: 30, noNaN: true })), { minLength: 0, maxLength: 60 });

test('dashboard timeline - first anomalous window: the start of the unbroken run above the level that reaches the alarm (fast-check)', () => {
  fc.assert(fc.property(scores, fc.integer({ min: -5, max: 70 }), (ys, alarmIdx) => {
    const pts = ys.map((score, k) => ({ t: k * 1000, wallMs: 5000 + k, score }));
    const r = firstAnomalousWindow(pts, alarmIdx * 1000);
    const last = Math.min(alarmIdx, pts.length - 1);
    if (last < 0) return assert.equal(r, null);
    assert.ok(r);
    if (pts[last]!.score < PRE_ALARM_SCORE) return assert.equal(r.kind, 'after');
    const start = r.t! / 1000;
    assert.ok(start <= last);
    for (let k = start; k <= last; k++) assert.ok(pts[k]!.score >= PRE_ALARM_SCORE);
    if (start > 0) {
      assert.ok(pts[start - 1]!.score < PRE_ALARM_SCORE);
      assert.equal(r.kind, 'run');
      assert.equal(r.afterMs, (start - 1) * 1000);
    } else assert.equal(r.kind, 'truncated');
    assert.equal(r.wallMs, 5000 + start);
  }));
});

test('dashboard timeline - clock estimates interpolate within the reports and never beyond (fast-check)', () => {
  const steps = fc.array(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 1000 })), { minLength: 1, maxLength: 40 });
  fc.assert(fc.property(steps, fc.double({ min: 0, max: 1, noNaN: true }), (deltas, frac) => {
    let t = 1_000_000, w = 5_000;
    const pts = deltas.map(([dt, dw]) => ({ t: (t += dt), wallMs: (w += dw), score: 0 }));
    const pairs = clockPairs(pts);
    assert.equal(pairs.length, pts.length);
    for (const [pt, pw] of pairs) {
      assert.equal(otherClock(pairs, pt, 0), pw);
    }
    const lo = pairs[0]!, hi = pairs.at(-1)!;
    const x = lo[0] + frac * (hi[0] - lo[0]);
    const y = otherClock(pairs, x, 0)!;
    assert.ok(y >= lo[1] && y <= hi[1]);
    assert.equal(otherClock(pairs, lo[0] - 1, 0), null);
    assert.equal(otherClock(pairs, hi[1] + 1, 1), null);
  }));
  // Reordered or replayed reports do not bend the mapping backwards.
  assert.deepEqual(clockPairs([{ t: 10, wallMs: 100, score: 0 }, { t: 5, wallMs: 120, score: 0 }, { t: 20, wallMs: 90, score: 0 }, { t: 30, wallMs: 130, score: 0 }]), [[10, 100], [30, 130]]);
});

test('dashboard timeline - a decision refused by the ERP shows its reason and no order steps', () => {
  const decided = fullIncident(fleetMachine(0), 'decision');
  const reason = 'the bill of materials has no drive-end-bearing for machine type centrifugal-pump';
  const refused = { ...decided, outcome: null, refusal: { v: 1, incidentId: decided.escalation.id, status: 422, reason } };
  const steps = timelineSteps(refused, null);
  assert.deepEqual(steps.map((s) => s.key), ['onset', 'alarm', 'action', 'sent', 'received', 'diagnosis', 'decision']);
  const decision = steps.find((s) => s.key === 'decision')!;
  assert.ok(!decision.pending);
  assert.equal(decision.wallMs, decided.decidedAtMs);
  assert.equal(decision.detail, `refused by ERP (HTTP 422): ${reason}. Nothing was ordered or planned.`);
});
