// The window scheduler against brute force: every window start on a fine grid, every choice of
// alternative machine, every order of the displaced production; the best cost must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareCost, planWindow, type Cost, type Interval, type SchedJob, type WindowProblem } from './scheduler.ts';

const H = 3_600_000;
const overlaps = (a: Interval, b: Interval) => a.startMs < b.endMs && b.startMs < a.endMs;

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((r) => [x, ...r]));
}

/** Exhaustive: window start on an hourly grid, each overlapped order stays or takes any free alternative, every order of what stays. */
function bruteForce(p: WindowProblem): { cost: Cost; startMs: number } | null {
  let best: { cost: Cost; startMs: number } | null = null;
  for (let s = p.earliestStartMs; s + p.durationMs <= p.latestEndMs; s += H) {
    const w = { startMs: s, endMs: s + p.durationMs };
    if (p.blocked.some((b) => overlaps(b, w))) continue;
    const over = p.jobs.filter((j) => overlaps(j, w));
    const fixed = p.jobs.filter((j) => j.endMs <= s);
    const after = p.jobs.filter((j) => j.startMs >= w.endMs);
    for (let mask = 0; mask < 1 << over.length; mask++) {
      // bit set: try to send the order to a free alternative (skip if none is free)
      const sent = over.filter((_, i) => mask & (1 << i));
      if (sent.some((j) => !p.alternatives.some((a) => !a.busy.some((b) => overlaps(b, j))))) continue;
      const stay = over.filter((_, i) => !(mask & (1 << i))).map((j) => ({ j, rel: w.endMs }));
      const rest = [...stay, ...after.map((j) => ({ j, rel: j.startMs }))];
      for (const perm of permutations(rest)) {
        let t = -Infinity;
        const cost: Cost = [0, 0, 0];
        const charge = (j: SchedJob, end: number) => {
          const tardy = Math.max(0, end - j.dueMs);
          cost[0] += tardy > 0 ? 1 : 0;
          cost[1] += tardy;
          cost[2] += end - j.endMs;
        };
        for (const j of [...fixed, ...sent]) charge(j, j.endMs);
        let ok = true;
        for (const { j, rel } of perm) {
          const len = j.endMs - j.startMs;
          let st = Math.max(t, rel);
          // any start on the grid that avoids blocked intervals and the window
          for (let guard = 0; [...p.blocked, w].some((b) => overlaps(b, { startMs: st, endMs: st + len })); guard++) {
            st += H;
            if (guard > 1000) ok = false;
          }
          t = st + len;
          charge(j, t);
        }
        if (ok && (!best || compareCost(cost, best.cost) < 0)) best = { cost, startMs: s };
      }
    }
  }
  return best;
}

const job = (id: string, startH: number, endH: number, dueH: number): SchedJob => ({ id, startMs: startH * H, endMs: endH * H, dueMs: dueH * H });

test('enterprise scheduler - three back-to-back shifts: the window goes after them when the failure allows', () => {
  const p: WindowProblem = {
    durationMs: 4 * H, earliestStartMs: 2 * H, latestEndMs: 40 * H,
    jobs: [job('a', 0, 8, 12), job('b', 8, 16, 20), job('c', 16, 24, 28)], blocked: [], alternatives: [],
  };
  const plan = planWindow(p);
  assert.deepEqual([plan.startMs / H, plan.cost, plan.moves.length, plan.lostCapacityMs], [24, [0, 0, 0], 0, 0]);
  // The failure is predicted sooner: the window must start by 6 h, so only [2 h, 6 h) is allowed. Pushing
  // a, b, c by 4 h each makes all three late by 2 h (3 late); running b and c at their times and a
  // after them (24-32 h) makes only a late, by 20 h: fewer late orders wins (Moore-Hodgson's idea).
  const tight = planWindow({ ...p, latestEndMs: 10 * H });
  assert.equal(tight.startMs, 2 * H);
  assert.deepEqual(tight.cost, [1, 20 * H, 24 * H]);
  assert.deepEqual(tight.moves.map((m) => [m.id, m.startMs / H]), [['a', 24]]);
  assert.equal(tight.lateOrdersAdded, 1);
  assert.equal(tight.lostCapacityMs, 4 * H);
});

test('enterprise scheduler - an overlapped order moves to a free alternative at the same time', () => {
  const plan = planWindow({
    durationMs: 4 * H, earliestStartMs: 9 * H, latestEndMs: 14 * H,
    jobs: [job('a', 8, 16, 16), job('b', 16, 24, 24)], blocked: [], alternatives: [{ id: 'alt', busy: [{ startMs: 0, endMs: 8 * H }] }],
  });
  assert.deepEqual(plan.moves, [{ id: 'a', toMachine: 'alt', startMs: 8 * H, endMs: 16 * H }]);
  assert.deepEqual(plan.cost, [0, 0, 0]);
  assert.equal(plan.startMs, 9 * H);
});

test('enterprise scheduler - reordering beats the old order when a later order has the earlier due date (known optimum)', () => {
  // a (8 h, due 40) is displaced by the window [0,4); b (2 h, due 10 h) was planned at 8 h.
  // Keeping the order a,b makes b late (a 4-12, b 12-14); b at 8-10 then a 10-18 is on time for both.
  const p: WindowProblem = {
    durationMs: 4 * H, earliestStartMs: 0, latestEndMs: 4 * H,
    jobs: [job('a', 0, 8, 40), { id: 'b', startMs: 8 * H, endMs: 10 * H, dueMs: 10 * H }], blocked: [], alternatives: [],
  };
  const plan = planWindow(p);
  assert.deepEqual(plan.cost, [0, 0, 10 * H]);
  assert.deepEqual(plan.moves.map((m) => [m.id, m.startMs / H]), [['a', 10]]);
  assert.deepEqual(plan.cost, bruteForce(p)!.cost);
});

test('enterprise scheduler - the part arrives after the predicted failure: earliest window, flagged', () => {
  const plan = planWindow({ durationMs: 4 * H, earliestStartMs: 50 * H, latestEndMs: 40 * H, jobs: [job('a', 48, 56, 70)], blocked: [], alternatives: [] });
  assert.equal(plan.startMs, 50 * H);
  assert.equal(plan.beforeFailure, false);
  assert.deepEqual(plan.moves.map((m) => m.startMs / H), [54]);
});

test('enterprise scheduler - random small cases: the plan costs what exhaustive enumeration finds', () => {
  const jobArb = fc.record({ gapH: fc.integer({ min: 0, max: 3 }), lenH: fc.integer({ min: 1, max: 4 }), slackH: fc.integer({ min: 0, max: 6 }) });
  fc.assert(
    fc.property(
      fc.array(jobArb, { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 12 }),
      fc.array(fc.record({ startH: fc.integer({ min: 0, max: 24 }), lenH: fc.integer({ min: 1, max: 8 }) }), { maxLength: 3 }),
      fc.boolean(),
      (specs, durH, readyH, spareH, busy, withBlocked) => {
        let t = 0;
        const jobs = specs.map((s, i) => {
          const start = t + s.gapH;
          t = start + s.lenH;
          return job(`j${i}`, start, t, t + s.slackH);
        });
        const p: WindowProblem = {
          durationMs: durH * H, earliestStartMs: readyH * H, latestEndMs: (readyH + durH + spareH) * H, jobs,
          // a blocked interval (another window) placed in a gap between orders, when there is one
          blocked: withBlocked ? [{ startMs: (t + 1) * H, endMs: (t + 3) * H }] : [],
          alternatives: busy.length ? [{ id: 'alt', busy: busy.map((b) => ({ startMs: b.startH * H, endMs: (b.startH + b.lenH) * H })) }] : [],
        };
        const brute = bruteForce(p);
        const plan = planWindow(p);
        if (brute === null) {
          assert.equal(plan.beforeFailure, false);
          return;
        }
        assert.ok(plan.beforeFailure);
        assert.deepEqual(plan.cost, brute.cost, JSON.stringify({ p, plan }));
        assert.ok(plan.startMs <= brute.startMs || compareCost(plan.cost, brute.cost) === 0);
      },
    ),
    { numRuns: 300, seed: 42 },
  );
});
