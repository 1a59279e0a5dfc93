// MES maintenance-window scheduler. Given a machine's production orders, the part-ready time and
// the predicted failure (the request's dueBy), it picks the window start and the new schedule
// that minimise, lexicographically, (late orders, total tardiness, total delay), then the
// earliest start (less time running on a failing machine).
//
// Method. For a fixed window start s, orders overlapping the window first go to another capable
// machine that is free for their whole slot (cost zero: same times); what stays is sequenced
// after the window by branch and bound over permutations (exact for up to EXACT_MAX orders in the
// disturbed block; larger blocks fall back to EDD, Jackson 1955, flagged `exact: false`). A fixed
// sequence scheduled at earliest starts is optimal for any regular objective, so enumerating
// sequences is enough. Over s: while the set of overlapped orders stays the same, raising s only
// raises the release time of the displaced orders, and the optimum of a regular objective cannot
// improve when release times rise; so the cost is non-decreasing between breakpoints and the
// optimum lies at the part-ready time, at the end of an order, or at the end of a blocked
// interval (another window): those are the only candidates evaluated.

/** A production order on the machine to be maintained (times epoch ms). */
export interface SchedJob {
  id: string;
  startMs: number;
  endMs: number;
  dueMs: number;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

export interface WindowProblem {
  durationMs: number;
  /** The part is available (received or picked) at this time. */
  earliestStartMs: number;
  /** The predicted failure: the window should end by then. */
  latestEndMs: number;
  jobs: SchedJob[];
  /** Other maintenance windows on the machine: neither the window nor production may use them. */
  blocked: Interval[];
  /** Other capable machines and their busy intervals (production and maintenance). */
  alternatives: { id: string; busy: Interval[] }[];
}

export interface Placement {
  id: string;
  /** null: stays on the machine. */
  toMachine: string | null;
  startMs: number;
  endMs: number;
}

/** [late orders, total tardiness ms, total delay ms]: compared lexicographically. */
export type Cost = [number, number, number];

export interface WindowPlan {
  startMs: number;
  endMs: number;
  /** False when no window ends by latestEndMs (the part arrives too late): the earliest feasible one is taken. */
  beforeFailure: boolean;
  cost: Cost;
  /** Orders whose machine or times change, with their new slot. */
  moves: Placement[];
  /** Late orders and tardiness added by the window (against the schedule before it). */
  lateOrdersAdded: number;
  latenessAddedMs: number;
  /** Planned production time of the machine that falls inside the window. */
  lostCapacityMs: number;
  /** True when every evaluated sequence was optimised exactly (branch and bound). */
  exact: boolean;
  candidatesEvaluated: number;
}

/** Orders in a disturbed block up to this size are sequenced exactly (8! = 40 320 leaves, pruned). */
export const EXACT_MAX = 8;

const overlaps = (a: Interval, b: Interval) => a.startMs < b.endMs && b.startMs < a.endMs;

/** Lexicographic comparison of costs. */
export function compareCost(a: Cost, b: Cost): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Earliest start at or after `t` for a job of length `p` that avoids the blocked intervals. */
function fit(t: number, p: number, blocked: Interval[]): number {
  let s = t;
  for (let moved = true; moved; ) {
    moved = false;
    for (const b of blocked) {
      if (overlaps({ startMs: s, endMs: s + p }, b)) {
        s = b.endMs;
        moved = true;
      }
    }
  }
  return s;
}

interface SeqJob extends SchedJob {
  releaseMs: number;
}

const jobCost = (j: SchedJob, endMs: number): Cost => {
  const tardy = Math.max(0, endMs - j.dueMs);
  return [tardy > 0 ? 1 : 0, tardy, endMs - j.endMs];
};
const add = (a: Cost, b: Cost): Cost => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

/** Earliest-start schedule of `seq` in that order. */
function timeline(seq: SeqJob[], blocked: Interval[]): { starts: number[]; cost: Cost } {
  let t = -Infinity;
  let cost: Cost = [0, 0, 0];
  const starts: number[] = [];
  for (const j of seq) {
    const p = j.endMs - j.startMs;
    const s = fit(Math.max(t, j.releaseMs), p, blocked);
    starts.push(s);
    t = s + p;
    cost = add(cost, jobCost(j, t));
  }
  return { starts, cost };
}

/** Lexicographically best sequence of `jobs` (branch and bound when small, else EDD). */
export function sequence(jobs: SeqJob[], blocked: Interval[]): { order: SeqJob[]; starts: number[]; cost: Cost; exact: boolean } {
  const edd = [...jobs].sort((a, b) => a.dueMs - b.dueMs || a.releaseMs - b.releaseMs || a.id.localeCompare(b.id));
  const first = timeline(edd, blocked);
  if (jobs.length > EXACT_MAX) return { order: edd, ...first, exact: false };
  let best = { order: edd, ...first };
  const used = new Array<boolean>(edd.length).fill(false);
  const path: SeqJob[] = [];
  const dfs = (t: number, cost: Cost) => {
    if (compareCost(cost, best.cost) >= 0 && path.length > 0) return; // costs only grow: prune
    if (path.length === edd.length) {
      best = { order: [...path], ...timeline(path, blocked) };
      return;
    }
    for (let i = 0; i < edd.length; i++) {
      if (used[i]) continue;
      const j = edd[i]!;
      const p = j.endMs - j.startMs;
      const s = fit(Math.max(t, j.releaseMs), p, blocked);
      used[i] = true;
      path.push(j);
      dfs(s + p, add(cost, jobCost(j, s + p)));
      path.pop();
      used[i] = false;
    }
  };
  dfs(-Infinity, [0, 0, 0]);
  return { ...best, exact: true };
}

/** The plan for a window starting at `s`, or null when the window hits a blocked interval. */
export function evaluateWindow(p: WindowProblem, s: number): (WindowPlan & { exact: boolean }) | null {
  const w: Interval = { startMs: s, endMs: s + p.durationMs };
  if (p.blocked.some((b) => overlaps(w, b))) return null;
  const jobs = [...p.jobs].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  const moves: Placement[] = [];
  const stay: SeqJob[] = [];
  const taken = new Map<string, Interval[]>();
  let lostCapacityMs = 0;
  for (const j of jobs.filter((x) => overlaps(x, w))) {
    lostCapacityMs += Math.min(j.endMs, w.endMs) - Math.max(j.startMs, w.startMs);
    const alt = p.alternatives.find((a) => ![...a.busy, ...(taken.get(a.id) ?? [])].some((b) => overlaps(b, j)));
    if (alt) {
      taken.set(alt.id, [...(taken.get(alt.id) ?? []), j]);
      moves.push({ id: j.id, toMachine: alt.id, startMs: j.startMs, endMs: j.endMs });
    } else stay.push({ ...j, releaseMs: w.endMs });
  }
  const baseline = jobs.reduce<Cost>((c, j) => add(c, jobCost(j, j.endMs)), [0, 0, 0]);
  if (stay.length === 0) {
    return { startMs: s, endMs: w.endMs, beforeFailure: w.endMs <= p.latestEndMs, cost: baseline, moves, lateOrdersAdded: 0, latenessAddedMs: 0, lostCapacityMs, exact: true, candidatesEvaluated: 1 };
  }
  // The disturbed block: displaced orders plus later ones they run into; orders after it keep their slot.
  const later: SeqJob[] = jobs.filter((j) => j.startMs >= w.endMs).map((j) => ({ ...j, releaseMs: j.startMs }));
  const blocked = [...p.blocked, w];
  let block = [...stay];
  let rest = later;
  let seq = sequence(block, blocked);
  for (;;) {
    const endMs = Math.max(...seq.order.map((j, i) => seq.starts[i]! + (j.endMs - j.startMs)));
    const joining = rest.filter((j) => j.releaseMs < endMs);
    if (joining.length === 0) break;
    block = [...block, ...joining];
    rest = rest.filter((j) => j.releaseMs >= endMs);
    seq = sequence(block, blocked);
  }
  let cost: Cost = seq.cost;
  for (const j of jobs) if (!block.some((b) => b.id === j.id)) cost = add(cost, jobCost(j, j.endMs));
  seq.order.forEach((j, i) => {
    const startMs = seq.starts[i]!;
    if (startMs !== j.startMs) moves.push({ id: j.id, toMachine: null, startMs, endMs: startMs + (j.endMs - j.startMs) });
  });
  return {
    startMs: s, endMs: w.endMs, beforeFailure: w.endMs <= p.latestEndMs, cost, moves,
    lateOrdersAdded: cost[0] - baseline[0], latenessAddedMs: cost[1] - baseline[1], lostCapacityMs, exact: seq.exact, candidatesEvaluated: 1,
  };
}

/** The candidate window starts: part-ready time, order ends and blocked ends within the allowed range. */
export function candidateStarts(p: WindowProblem): number[] {
  const latestStart = p.latestEndMs - p.durationMs;
  const points = [p.earliestStartMs, ...p.jobs.map((j) => j.endMs), ...p.blocked.map((b) => b.endMs)];
  return [...new Set(points.filter((t) => t >= p.earliestStartMs && t <= latestStart))].sort((a, b) => a - b);
}

/** The best window for `p` (see the file comment for the method and why it is optimal). */
export function planWindow(p: WindowProblem): WindowPlan {
  let best: WindowPlan | null = null;
  let evaluated = 0;
  let exact = true;
  for (const s of candidateStarts(p)) {
    const plan = evaluateWindow(p, s);
    if (!plan) continue;
    evaluated++;
    exact &&= plan.exact;
    if (!best || compareCost(plan.cost, best.cost) < 0) best = plan;
  }
  if (!best) {
    // No window fits before the predicted failure: the earliest feasible one, as soon as possible.
    const s = fit(p.earliestStartMs, p.durationMs, p.blocked);
    best = evaluateWindow(p, s)!;
    evaluated++;
    exact &&= best.exact;
  }
  return { ...best!, beforeFailure: best!.endMs <= p.latestEndMs, exact, candidatesEvaluated: evaluated };
}
