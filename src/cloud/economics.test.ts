import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideWithRul, MIN_DUE_MS } from './decision.ts';
import { diagnose } from './diagnosis/index.ts';
import { nextWindowStart, weighOptions } from './economics.ts';
import { outerRaceEvidence, sampleEscalation } from './fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Failure-time CDF of a remaining life spread uniformly over [loDays, hiDays]. */
const uniform = (loDays: number, hiDays: number) => (tMs: number) => Math.min(1, Math.max(0, (tMs / DAY - loDays) / (hiDays - loDays)));

test('economics - downtime windows repeat weekly from the configured start', () => {
  const w = { firstStartMs: Date.UTC(2026, 0, 4, 6), periodH: 168 };
  assert.equal(nextWindowStart(Date.UTC(2026, 0, 5), w), Date.UTC(2026, 0, 11, 6));
  assert.equal(nextWindowStart(Date.UTC(2026, 0, 11, 6), w), Date.UTC(2026, 0, 11, 6));
});

test('economics - a long remaining life waits for the next window with a standard part', () => {
  const now = Date.UTC(2026, 0, 5, 8);
  const e = weighOptions('drive-end-bearing', uniform(40, 80), now);
  assert.equal(e.chosen.option, 'next-window-standard');
  assert.equal(e.chosen.failureProbBeforeRepair, 0);
  assert.match(e.summary, /next-window-standard in 5\.9 d/);
});

test('economics - a short remaining life pays for expedited shipping or an unplanned stop', () => {
  const now = Date.UTC(2026, 0, 5, 8);
  const e = weighOptions('drive-end-bearing', uniform(1.5, 6), now);
  assert.ok(e.chosen.option === 'stop-when-part-arrives' || e.chosen.option === 'next-window-expedited', e.summary);
  const std = e.options.find((o) => o.option === 'next-window-standard')!;
  assert.ok(std.failureProbBeforeRepair > e.chosen.failureProbBeforeRepair);
  assert.ok(e.chosen.expectedCostEur < std.expectedCostEur);
  // Where lost production is cheap, a 47 % risk of failing first is worth waiting for the standard part.
  const risky = uniform(4, 8);
  assert.notEqual(weighOptions('drive-end-bearing', risky, now).chosen.option, 'next-window-standard');
  const cheap = weighOptions('drive-end-bearing', risky, now, { unplannedDowntimeCostPerHour: 20, plannedDowntimeCostPerHour: 40 });
  assert.equal(cheap.chosen.option, 'next-window-standard');
  assert.ok(cheap.chosen.failureProbBeforeRepair > 0.4);
});

test('economics - the decision is due at the predicted failure time lower bound and urgent when the risk is high', () => {
  const esc = sampleEscalation(outerRaceEvidence());
  const d = diagnose(esc);
  const soon = decideWithRul(esc, d, { failureAtMs: { p10: esc.openedAt + 2 * DAY }, failureProbWithinMs: uniform(2, 5) }, esc.openedAt);
  assert.equal(soon.request.dueBy, esc.openedAt + 2 * DAY);
  assert.equal(soon.request.priority, 'urgent');
  assert.match(soon.request.explanation, /Decision: /);
  const late = decideWithRul(esc, d, { failureAtMs: { p10: esc.openedAt + 40 * DAY }, failureProbWithinMs: uniform(40, 80) }, esc.openedAt);
  assert.equal(late.request.priority, 'high', 'never lower than severity and confidence give');
  assert.equal(late.economics?.chosen.option, 'next-window-standard');
  const now = decideWithRul(esc, d, { failureAtMs: { p10: esc.openedAt }, failureProbWithinMs: () => 1 }, esc.openedAt);
  assert.equal(now.request.dueBy, esc.openedAt + MIN_DUE_MS);
});
