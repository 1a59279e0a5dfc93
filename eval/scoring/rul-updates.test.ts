import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Incident, RulHistoryPoint } from '../../src/core/index.ts';
import { scoreRulAtLastUpdate } from './rul-updates.ts';

const H = 3_600_000;
const point = (updateId: string, asOfH: number, p50H: number | null): RulHistoryPoint => ({
  updateId, asOfMs: asOfH * H, failureAtMs: p50H === null ? null : { p10: (p50H - 5) * H, p50: p50H * H, p90: (p50H + 5) * H }, healthIndicator: 0.5, option: null, moreUrgent: false,
});
const incident = (id: string, history: RulHistoryPoint[]) => ({ escalation: { id }, rulHistory: history }) as unknown as Incident;

test('rul at last update - the last update estimate before the fault ended, not the alarm\'s, not one after the repair', () => {
  const incidents = new Map([
    // Alarm at 0 h (p50 80 h), updates at 10 h (60 h), 20 h (52 h), one at 40 h after the repair at 30 h.
    ['a', incident('a', [point('a', 0, 80), point('a.u10', 10, 60), point('a.u20', 20, 52), point('a.u40', 40, 45)])],
    // Only the alarm's estimate and an update without one: no sample.
    ['b', incident('b', [point('b', 0, 80), point('b.u5', 5, null)])],
  ]);
  const r = scoreRulAtLastUpdate([
    { truthId: 'ta', incidentId: 'a', trueFailureMs: 50 * H, endedAtMs: 30 * H },
    { truthId: 'tb', incidentId: 'b', trueFailureMs: 50 * H, endedAtMs: null },
  ], incidents);
  assert.equal(r.n, 1);
  assert.equal(r.withUpdates, 1);
  assert.deepEqual(r.errorsHours, [2], 'the 20 h update: 52 h against 50 h');
  assert.equal(r.meanRelativeError, 2 / 30, 'against the 30 h left at 20 h');
  assert.equal(r.intervalCoverage, 1, 'the true 50 h inside the update interval, 47-57 h');
  assert.equal(r.updatesPerIncidentMedian, 1, 'a: 2 in time, b: 0');
  assert.equal(scoreRulAtLastUpdate([], new Map()).n, 0);
});
