// One agent flooded with many machines' windows far faster than it can process them: it sheds by
// the documented priority rules (README, "What we promise"), counts every shed window by reason,
// keeps its ingest queue within budget, and still raises the degrading machine's alarm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearingDefectOrders, decodeJson, encodeJson, encodeWindowBinary, Escalation, machineTopic, subjects, type MachineBirth } from '../core/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../transport/index.ts';
import { createEdgeAgent, type EdgeAgentEvent } from './agent.ts';
import { createEdgeMetrics } from './metrics.ts';
import { add, bearingImpacts, gaussian, rng, testBirth, tone, windowOf } from './features/synthetic.test-support.ts';
import { waitUntil as waitFor } from '../../test/support/wait.ts';

const N = 4096;
const RATE = 10240;
const BPFO_HZ = bearingDefectOrders(testBirth.bearing).bpfo * 25;
const MACHINES = 24;
const INGEST = { maxWindows: 64, maxBytes: 4 * 1024 * 1024 };

const waitUntil = (predicate: () => boolean, what: string, timeoutMs = 60_000) => waitFor(predicate, what, timeoutMs);

// A pool of vibration records reused across machines and windows (generating 4096 samples per
// window for thousands of windows would cost more than the agent's own work).
const POOL = 16;
const healthyVib = Array.from({ length: POOL }, (_, i) => {
  const u = rng(1000 + i);
  return add(tone(N, RATE, 25, 0.5, u() * 6), tone(N, RATE, 50, 0.1, u() * 6), gaussian(N, 5000 + i, 0.5));
});
const faultyVib = healthyVib.map((v) => add(v, bearingImpacts(N, RATE, BPFO_HZ, 3000, 2)));

const birthOf = (machine: string): MachineBirth => ({ ...testBirth, machine });
function payload(machine: string, seq: number, faulty: boolean): Uint8Array {
  const u = rng(seq * 7919 + machine.length);
  const w = windowOf((faulty ? faultyVib : healthyVib)[seq % POOL]!, { seq, ts: 1_700_000_000_000 + seq * 60_000, tempC: 45 + (u() - 0.5) * 0.4, rpm: 1500 + (u() - 0.5) * 4 });
  return encodeWindowBinary({ ...w, machine });
}

test('agent flood - shedding by priority keeps the queue bounded, counts every shed window by reason, and the degrading machine still alarms', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-edge-flood-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 60_000 });
  const escalations: Escalation[] = [];
  await queue.consume(subjects.escalation(testBirth.site), 'test-cloud', async (m) => {
    const r = decodeJson(Escalation, m.data);
    if (r.ok) escalations.push(r.value);
    return 'ack'; // the queue's ack only: no application ack, so the escalation stays in the outbox
  });
  const names = Array.from({ length: MACHINES }, (_, i) => `p${i}`);
  for (const m of names) await plant.publish(machineTopic(birthOf(m), 'birth'), encodeJson(birthOf(m)), { retain: true });
  const agent = await createEdgeAgent({
    site: testBirth.site, transport: createMemoryTransport(broker), link: queue, dataDir, resendAfterMs: 60_000,
    calibration: { minScores: 8 }, ingest: INGEST, models: { maxBatch: 8 }, modelInflightBatches: 1,
  });
  t.after(async () => {
    await agent.close();
    await queue.close();
  });
  const metrics = createEdgeMetrics();
  metrics.bind(agent);
  const events: EdgeAgentEvent[] = [];
  agent.onEvent((e) => events.push(e));
  await waitUntil(() => agent.counters.get('edge.births') === MACHINES, 'the births');

  let maxQueued = 0;
  let maxQueuedBytes = 0;
  const watch = setInterval(() => {
    const s = agent.stats().ingest;
    maxQueued = Math.max(maxQueued, s.queued);
    maxQueuedBytes = Math.max(maxQueuedBytes, s.queuedBytes);
  }, 1);
  t.after(() => clearInterval(watch));
  const seq = new Map(names.map((m) => [m, 0]));
  const publish = (m: string, faulty: boolean) => {
    const s = seq.get(m)! + 1;
    seq.set(m, s);
    void plant.publish(machineTopic(birthOf(m), 'telemetry'), payload(m, s, faulty));
  };
  const settled = async () => {
    await new Promise((r) => setImmediate(r)); // the burst's deliveries (microtasks) first
    await waitUntil(() => agent.stats().ingest.queued === 0, 'the ingest queue drained');
  };

  // 1. A rate the agent keeps up with (one window per machine, then wait): nothing is shed.
  for (let round = 0; round < 40; round++) {
    const target = agent.stats().windows + MACHINES;
    for (const m of names) publish(m, false);
    await waitUntil(() => agent.stats().windows >= target, `round ${round}`);
  }
  assert.equal(agent.stats().shed, 0, `nothing shed at a normal rate: ${JSON.stringify(agent.stats().ingest.shed)}`);
  assert.equal(agent.stats().alarms, 0);
  const windowsBefore = agent.stats().windows;

  // 2. A flood: synchronous bursts of 50 windows per machine (1200 a burst); p0 is degrading.
  // A machine born mid-flood: births never pass through the ingest stage, so none is shed.
  const BURSTS = 5;
  const PER_BURST = 50;
  for (let b = 0; b < BURSTS; b++) {
    for (let i = 0; i < PER_BURST; i++) {
      for (const m of names) publish(m, m === 'p0');
      if (b === 1 && i === PER_BURST / 2) void plant.publish(machineTopic(birthOf('late'), 'birth'), encodeJson(birthOf('late')), { retain: true });
    }
    await settled();
  }
  await waitUntil(() => escalations.some((e) => e.machine === 'p0'), 'the escalation of p0 on the link');

  const s = agent.stats();
  const offered = BURSTS * PER_BURST * MACHINES;
  const processed = s.windows - windowsBefore;
  const byReason = Object.fromEntries(Object.keys(s.ingest.shed).map((r) => [r, agent.counters.get(`edge.shed.${r}`)]));
  // Every window of the flood is either processed or shed with a reason; nothing vanishes.
  assert.equal(processed + s.shed, offered, `processed ${processed} + shed ${s.shed} = offered ${offered}`);
  assert.ok(s.shed > offered / 2, `the agent could not keep up, so it shed: ${s.shed} of ${offered}`);
  assert.ok(byReason.steady! > 0, `steady machines thinned first: ${JSON.stringify(byReason)}`);
  assert.ok(byReason.coalesced! + byReason.overflow! > 0, `then coalesced: ${JSON.stringify(byReason)}`);
  assert.deepEqual(byReason, s.ingest.shed, 'counters and stats agree by reason');
  // Bounded: the queue never held more than its budget (sampled here, and its own high-water mark).
  assert.ok(s.ingest.maxQueued <= INGEST.maxWindows && maxQueued <= INGEST.maxWindows, `queue peak ${s.ingest.maxQueued}`);
  assert.ok(s.ingest.maxQueuedBytes <= INGEST.maxBytes && maxQueuedBytes <= INGEST.maxBytes);
  assert.ok(s.ingest.maxQueued > INGEST.maxWindows / 2, 'the flood did reach the queue');
  // Births are never shed.
  assert.equal(agent.counters.get('edge.births'), MACHINES + 1);
  assert.equal(s.machines, MACHINES + 1);
  // The degrading machine alarmed, and its escalation waits in the outbox (no application ack).
  const raised = events.filter((e) => e.type === 'alarm' && e.alarm.state === 'raised').map((e) => (e.type === 'alarm' ? e.alarm.machine : ''));
  assert.ok(raised.includes('p0'), `p0 raised: ${JSON.stringify(raised)}`);
  assert.deepEqual([...new Set(raised)], ['p0'], 'no healthy machine alarmed because of shedding');
  assert.ok(events.some((e) => e.type === 'escalated' && e.escalation.machine === 'p0'));
  assert.equal(s.pendingOutbox, 1);
  // Model scoring is bounded too: windows went without a model score rather than queueing.
  assert.ok(s.modelSkippedBusy > 0 && agent.counters.get('edge.model.skipped_busy') === s.modelSkippedBusy, `skipped ${s.modelSkippedBusy}`);
  assert.ok(s.modelScored > 0);
  // And Prometheus sees the same counts.
  const text = await metrics.registry.metrics();
  const steadyMetric = Number(/edge_shed_total\{reason="steady"\} (\d+)/.exec(text)?.[1]);
  assert.equal(steadyMetric, byReason.steady);
  assert.match(text, /edge_ingest_queue_windows 0/);
});
