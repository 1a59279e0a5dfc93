import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createIngestShedder, type IngestConfig, type IngestPriority, type ShedReason } from './ingest-shedder.ts';

/** A shedder on a fake clock and a hand-cranked scheduler; each processed window costs `costMs`. */
function harness(config: IngestConfig, classify: (key: string) => IngestPriority, costMs = 3) {
  let clock = 0;
  let tasks: (() => void)[] = [];
  const processed: { key: string; seq: number }[] = [];
  const shed: { key: string; seq: number; reason: ShedReason; rank: IngestPriority }[] = [];
  const episodes: boolean[] = [];
  const shedder = createIngestShedder<{ seq: number }>({
    config,
    classify,
    now: () => clock,
    schedule: (fn) => void tasks.push(fn),
    process: (item, key) => {
      clock += costMs;
      processed.push({ key, seq: item.seq });
    },
    // The rank at the moment of the decision: the rule is about the machine's state then.
    onShed: (reason, key, item) => shed.push({ key, seq: item.seq, reason, rank: classify(key) }),
    onShedding: (on) => episodes.push(on),
  });
  return {
    shedder, processed, shed, episodes,
    advance: (ms: number) => void (clock += ms),
    /** Runs the macrotasks scheduled so far (one event-loop turn). */
    turn() {
      const run = tasks;
      tasks = [];
      for (const fn of run) fn();
    },
    settle() {
      for (let i = 0; i < 10_000 && tasks.length > 0; i++) this.turn();
    },
  };
}

type Op = { kind: 'offer'; key: number; bytes: number } | { kind: 'turn' } | { kind: 'rank'; key: number; rank: IngestPriority } | { kind: 'wait'; ms: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('offer' as const), key: fc.integer({ min: 0, max: 7 }), bytes: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('turn' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rank' as const), key: fc.integer({ min: 0, max: 7 }), rank: fc.constantFrom<IngestPriority>('protected', 'steady', 'other') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
);
const configArb = fc.record({
  maxWindows: fc.integer({ min: 1, max: 20 }),
  maxBytes: fc.integer({ min: 200, max: 3000 }),
  keepEvery: fc.integer({ min: 1, max: 5 }),
  highWater: fc.constantFrom(0.25, 0.5, 1),
  sliceMs: fc.constantFrom(1, 10, 50),
  maxLagMs: fc.constantFrom(5, 1000),
});

test('ingest shedder - a protected machine\'s window is never shed, the queue never exceeds its budget, and every window is accounted for', () => {
  fc.assert(
    fc.property(configArb, fc.array(opArb, { minLength: 1, maxLength: 300 }), (config, ops) => {
      const ranks = new Map<string, IngestPriority>();
      const h = harness(config, (k) => ranks.get(k) ?? 'steady');
      const seq = new Map<string, number>();
      let offered = 0;
      for (const op of ops) {
        if (op.kind === 'offer') {
          const key = `m${op.key}`;
          const s = (seq.get(key) ?? 0) + 1;
          seq.set(key, s);
          offered++;
          const rank = ranks.get(key) ?? 'steady';
          const out = h.shedder.offer(key, { seq: s }, op.bytes);
          if (rank === 'protected') assert.ok(out === 'processed' || out === 'queued', `protected window ${key}#${s} was ${out}`);
        } else if (op.kind === 'turn') h.turn();
        else if (op.kind === 'wait') h.advance(op.ms);
        else ranks.set(`m${op.key}`, op.rank);
        const st = h.shedder.stats();
        assert.ok(st.queued <= config.maxWindows, `queue ${st.queued} > ${config.maxWindows}`);
        assert.ok(st.queuedBytes <= config.maxBytes, `queue bytes ${st.queuedBytes} > ${config.maxBytes}`);
      }
      h.settle();
      const st = h.shedder.stats();
      for (const s of h.shed) assert.notEqual(s.rank, 'protected', `shed ${s.key}#${s.seq} (${s.reason}) while protected`);
      assert.ok(st.maxQueued <= config.maxWindows && st.maxQueuedBytes <= config.maxBytes);
      assert.equal(st.queued, 0, 'settled');
      assert.equal(h.processed.length + h.shed.length, offered, 'every window processed or shed, once');
      assert.equal(st.shedTotal, h.shed.length);
      assert.equal(Object.values(st.shed).reduce((a, b) => a + b, 0), st.shedTotal, 'by reason adds up');
      // Per machine, windows are processed in arrival order (a shed one leaves a gap, never a swap).
      const last = new Map<string, number>();
      for (const p of h.processed) {
        assert.ok(p.seq > (last.get(p.key) ?? 0), `${p.key} processed #${p.seq} after #${last.get(p.key)}`);
        last.set(p.key, p.seq);
      }
    }),
    { numRuns: 300 },
  );
});

test('ingest shedder - at a normal rate every window is processed at once and nothing is shed', () => {
  const h = harness({ maxWindows: 4, maxBytes: 1000 }, () => 'steady');
  for (let i = 1; i <= 500; i++) {
    assert.equal(h.shedder.offer(`m${i % 7}`, { seq: i }, 100), 'processed');
    h.turn(); // the event loop turns between messages
  }
  assert.equal(h.processed.length, 500);
  assert.equal(h.shedder.stats().shedTotal, 0);
  assert.deepEqual(h.episodes, []);
});

test('ingest shedder - under a flood steady machines keep every k-th window, the others are coalesced, evidence is all processed', () => {
  const rank = (k: string): IngestPriority => (k === 'hot' ? 'protected' : k.startsWith('steady') ? 'steady' : 'other');
  const h = harness({ maxWindows: 16, maxBytes: 1e9, keepEvery: 4, sliceMs: 10 }, rank);
  // Synchronous bursts of 8 windows from each of 2 steady and 2 learning machines and 1 from a
  // protected one, with one event-loop turn between bursts (a slice of 10 ms: ~4 windows of 3 ms).
  let seq = 0;
  for (let burst = 0; burst < 20; burst++) {
    for (let i = 0; i < 8; i++) for (const key of ['steady0', 'steady1', 'learn0', 'learn1']) h.shedder.offer(key, { seq: ++seq }, 10);
    h.shedder.offer('hot', { seq: ++seq }, 10); // evidence within what the agent can process
    h.turn();
  }
  h.settle();
  const by = (key: string) => h.processed.filter((p) => p.key === key).length;
  assert.equal(by('hot'), 20, 'every window of the protected machine');
  assert.ok(by('steady0') >= 5 && by('steady0') < 160 / 4, `steady thinned, not starved: ${by('steady0')}`);
  assert.ok(by('learn0') >= 5 && by('learn0') < 160 / 4, `learning coalesced: ${by('learn0')}`);
  const st = h.shedder.stats();
  assert.ok(st.shed.steady > 0 && st.shed.coalesced + st.shed.overflow > 0, JSON.stringify(st.shed));
  assert.ok(st.maxQueued <= 16);
  // Start and stop alternate, at most once per burst (a log line each), not once per shed window.
  assert.ok(h.episodes.length >= 2 && h.episodes.length <= 2 * 20, `${h.episodes.length} episodes`);
  assert.ok(h.episodes.every((on, i) => on === (i % 2 === 0)) && h.episodes.at(-1) === false);
});

test('ingest shedder - when only evidence is queued, the handler processes it rather than shed or grow', () => {
  const h = harness({ maxWindows: 3, maxBytes: 1e9, sliceMs: 1 }, () => 'protected');
  for (let i = 1; i <= 50; i++) h.shedder.offer('hot', { seq: i }, 10);
  const st = h.shedder.stats();
  assert.ok(st.queued <= 3);
  assert.ok(st.forced > 0, 'back-pressure on the handler');
  h.settle();
  assert.equal(h.processed.length, 50);
  assert.equal(h.shedder.stats().shedTotal, 0);
});

test('ingest shedder - close processes queued evidence and counts the rest as shed (closed)', () => {
  const h = harness({ maxWindows: 10, maxBytes: 1e9, sliceMs: 1 }, (k) => (k === 'hot' ? 'protected' : 'other'));
  h.shedder.offer('hot', { seq: 1 }, 1); // processed inline, fills the slice
  h.shedder.offer('hot', { seq: 2 }, 1);
  h.shedder.offer('cold', { seq: 3 }, 1);
  h.shedder.close();
  assert.deepEqual(h.processed.map((p) => p.seq), [1, 2]);
  assert.deepEqual(h.shed.map((s) => [s.seq, s.reason]), [[3, 'closed']]);
  assert.equal(h.shedder.offer('cold', { seq: 4 }, 1), 'closed');
});

test('ingest shedder - with shedding off, a flood is processed in full and the queue still stays within its budget', () => {
  const h = harness({ maxWindows: 5, maxBytes: 1e9, shed: false, sliceMs: 1 }, () => 'steady');
  for (let i = 1; i <= 100; i++) h.shedder.offer(`m${i % 3}`, { seq: i }, 10);
  assert.ok(h.shedder.stats().maxQueued <= 5);
  h.settle();
  assert.equal(h.processed.length, 100);
  assert.equal(h.shedder.stats().shedTotal, 0);
});
