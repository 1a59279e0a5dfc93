import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAlarm, type AlarmTransition } from './alarm.ts';
import { rng } from './features/synthetic.test-support.ts';

function run(scores: number[], cfg = {}): AlarmTransition[] {
  const a = createAlarm(cfg);
  return scores.map((s, i) => a.step(s, 1000 * i)).filter((t): t is AlarmTransition => t !== null);
}

test('alarm - a noisy score around the threshold gives one incident, not a storm', () => {
  const u = rng(42);
  const scores = [
    ...Array.from({ length: 50 }, () => 1 + u()),
    ...Array.from({ length: 300 }, () => 6 + (u() - 0.5) * 4), // 4..8 around high = 6, never below low = 4
  ];
  const t = run(scores, { high: 6, low: 4, raiseAfter: 3, clearAfter: 6 });
  assert.equal(t.length, 1);
  assert.equal(t[0]!.kind, 'raised');
});

test('alarm - raising needs raiseAfter consecutive high windows', () => {
  assert.equal(run([9, 9, 1, 9, 9, 1, 9, 9], { raiseAfter: 3 }).length, 0);
  const t = run([1, 9, 9, 9], { raiseAfter: 3 });
  assert.deepEqual(t, [{ kind: 'raised', openedAtMs: 3000, severity: 'warning', score: 9, reopened: false }]);
});

test('alarm - clearing needs clearAfter consecutive low windows', () => {
  const high = [9, 9, 9];
  const almost = [1, 1, 1, 1, 1, 5, 1, 1, 1, 1, 1]; // a 5 (between low and high) resets the count
  assert.deepEqual(run([...high, ...almost], { clearAfter: 6 }).map((t) => t.kind), ['raised']);
  const t = run([...high, ...almost, 1], { clearAfter: 6 });
  assert.deepEqual(t.map((x) => x.kind), ['raised', 'cleared']);
  const cleared = t[1]!;
  assert.ok(cleared.kind === 'cleared' && cleared.openedAtMs === 2000 && cleared.closedAtMs === 14000 && cleared.peakScore === 9);
});

test('alarm - a second excursion soon after clearing reopens the same incident', () => {
  // Windows are 1000 ms apart here; the default re-arm time is 24 h, so this is "soon".
  const a = createAlarm({ clearAfter: 6 });
  const scores = [9, 9, 9, 1, 1, 1, 1, 1, 1, 30, 30, 30];
  const t = scores.map((s, i) => a.step(s, 1000 * i)).filter((x): x is AlarmTransition => x !== null);
  assert.deepEqual(t.map((x) => x.kind), ['raised', 'cleared', 'raised']);
  assert.equal(t[2]!.kind === 'raised' && t[2]!.reopened, true);
  assert.equal(t[2]!.openedAtMs, t[0]!.openedAtMs, 'the same incident, so the same escalation id');
  assert.equal(t[2]!.severity, 'critical');
  assert.equal(a.suspect(11_000), true);
});

test('alarm - an excursion after the re-arm time is a second incident', () => {
  const t = run([9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 1, 30, 30, 30], { clearAfter: 6, rearmMs: 2000 });
  assert.deepEqual(t.map((x) => x.kind), ['raised', 'cleared', 'raised']);
  assert.equal(t[2]!.kind === 'raised' && t[2]!.reopened, false);
  assert.notEqual(t[0]!.openedAtMs, t[2]!.openedAtMs);
});

test('alarm - reset() after a repair makes the next raise a new incident', () => {
  const a = createAlarm({ clearAfter: 1 });
  [9, 9, 9, 1].forEach((s, i) => a.step(s, i * 1000));
  assert.equal(a.suspect(5000), true);
  a.reset();
  assert.equal(a.suspect(5000), false);
  const t = [9, 9, 9].map((s, i) => a.step(s, 6000 + i * 1000)).filter((x) => x !== null);
  assert.equal(t[0]!.kind === 'raised' && t[0]!.reopened, false);
});

test('alarm - transitions always alternate raised/cleared (fast-check)', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0, max: 40, noNaN: true }), { maxLength: 300 }), (scores) => {
      const kinds = run(scores).map((t) => t.kind);
      kinds.forEach((k, i) => assert.equal(k, i % 2 === 0 ? 'raised' : 'cleared'));
    }),
  );
});

test('alarm - low above high is a config error', () => {
  assert.throws(() => createAlarm({ high: 3, low: 5 }));
});
