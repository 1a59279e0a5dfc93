import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIncidentUpdates, healthyFromHistory, trendsSince } from './incident-updates.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5);
const WINDOW = 5 * 60_000;
const NO_EVIDENCE = { baseline: {} };

/** Steps 5-minute windows from `fromMs` to `toMs` and returns the times an update was due. */
function run(u: ReturnType<typeof createIncidentUpdates>, id: string, fromMs: number, toMs: number, severityAt: (t: number) => 'warning' | 'critical' = () => 'warning') {
  const due: { t: number; reason: string }[] = [];
  for (let t = fromMs; t <= toMs; t += WINDOW) {
    const d = u.due(id, t, severityAt(t));
    if (d) due.push({ t, reason: d.reason });
  }
  return due;
}

test('incident updates - none before the escalation is acked, then one every everyMs of event time', () => {
  const u = createIncidentUpdates({ everyMs: 6 * HOUR });
  u.opened('i1', T0, 'warning', NO_EVIDENCE);
  assert.deepEqual(run(u, 'i1', T0, T0 + 12 * HOUR), [], 'the cloud has not decided on the incident yet');
  u.escalation('i1', 'acked');
  const due = run(u, 'i1', T0 + 12 * HOUR + WINDOW, T0 + 36 * HOUR);
  // The first is due at once (12 h since the alarm's evidence), then every 6 h.
  assert.deepEqual(due.map((d) => (d.t - T0) / HOUR), [12 + 1 / 12, 18 + 1 / 12, 24 + 1 / 12, 30 + 1 / 12]);
  assert.ok(due.every((d) => d.reason === 'cadence'));
});

test('incident updates - a severity change is sent at once, and only once', () => {
  const u = createIncidentUpdates({ everyMs: 6 * HOUR });
  u.opened('i1', T0, 'warning', NO_EVIDENCE);
  u.escalation('i1', 'acked');
  const due = run(u, 'i1', T0 + WINDOW, T0 + 8 * HOUR, (t) => (t >= T0 + 2 * HOUR ? 'critical' : 'warning'));
  assert.deepEqual(due.map((d) => [(d.t - T0) / HOUR, d.reason]), [[2, 'severity'], [8, 'cadence']], 'the cadence restarts from the severity update');
});

test('incident updates - refused, closed, disabled and bounded incidents send nothing more; a reopen resumes', () => {
  const u = createIncidentUpdates({ everyMs: HOUR, maxPerIncident: 3 });
  u.opened('refused', T0, 'warning', NO_EVIDENCE);
  u.escalation('refused', 'refused');
  u.escalation('refused', 'acked'); // a later duplicate ack does not undo a refusal
  assert.deepEqual(run(u, 'refused', T0, T0 + 5 * HOUR), []);

  u.opened('bounded', T0, 'warning', NO_EVIDENCE);
  u.escalation('bounded', 'acked');
  assert.equal(run(u, 'bounded', T0, T0 + 10 * HOUR).length, 3, 'maxPerIncident');

  u.opened('flicker', T0, 'warning', NO_EVIDENCE);
  u.escalation('flicker', 'acked');
  assert.equal(run(u, 'flicker', T0, T0 + HOUR).length, 1);
  u.closed('flicker');
  assert.deepEqual(run(u, 'flicker', T0 + HOUR, T0 + 3 * HOUR), [], 'cleared');
  u.reopened('flicker');
  assert.equal(run(u, 'flicker', T0 + 3 * HOUR, T0 + 3 * HOUR).length, 1, 'reopened: due at once, its last evidence is 2 h old');

  const off = createIncidentUpdates({ enabled: false });
  off.opened('i', T0, 'warning', NO_EVIDENCE);
  off.escalation('i', 'acked');
  assert.deepEqual(run(off, 'i', T0, T0 + 48 * HOUR), []);
  assert.equal(off.size, 0);
});

test('incident updates - an update carries only history newer than the last evidence sent', () => {
  const at = T0 + 10 * HOUR;
  const trends = { 'accel.rmsMs2': { tHours: [-9, -6.5, -6, -3, -0.5, 0], levels: [1, 1.1, 1.2, 1.5, 1.9, 2], windows: [16, 4, 4, 1, 1, 1] } };
  const since = trendsSince(trends, T0 + 4 * HOUR, at); // the last evidence was 6 h before `at`
  assert.deepEqual(since, { 'accel.rmsMs2': { tHours: [-3, -0.5, 0], levels: [1.5, 1.9, 2], windows: [1, 1, 1] } });
  assert.deepEqual(trendsSince(trends, at, at), {}, 'nothing new');
});

test('incident updates - healthy levels from the escalation\'s history only where its baseline has none', () => {
  const levels = [40, 41, 40, 42, 45, 50, 55, 60, 65, 70, 75, 80];
  const trends = { 'scalar.temp_bearing': { tHours: levels.map((_, i) => i - levels.length), levels, windows: levels.map(() => 1) }, 'accel.rmsMs2': { tHours: [-2, -1], levels: [1, 2], windows: [1, 1] } };
  const h = healthyFromHistory(trends, { 'vel.rmsMmS': { median: 1, mad: 0.1 } });
  assert.deepEqual(Object.keys(h), ['scalar.temp_bearing'], 'too short a history stands for nothing');
  assert.deepEqual(h['scalar.temp_bearing'], { median: 40.5, mad: 0.5 }, 'median and MAD of the oldest quarter (4 points)');
  assert.deepEqual(healthyFromHistory(trends, { 'scalar.temp_bearing': { median: 39, mad: 1 } }), {}, 'a learned baseline wins');
});
