import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counters, encodeJson, machineTopic } from '../core/index.ts';
import { createMemoryBroker, createMemoryQueue, createMemoryTransport } from '../transport/index.ts';
import { createEdgeAgent } from './agent.ts';
import { createEdgeMetrics, startMetricsServer, type EdgeMetricsEvent, type EdgeMetricsSource } from './metrics.ts';
import { testBirth } from './features/synthetic.test-support.ts';

/** Parses Prometheus text format into `name{labels}` → value (labels as written, default labels included). */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    out.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return out;
}
const sample = (all: Map<string, number>, name: string, labels: Record<string, string> = {}) => {
  for (const [k, v] of all) {
    const [n, l = ''] = k.split('{');
    if (n === name && Object.entries(labels).every(([a, b]) => l.includes(`${a}="${b}"`))) return v;
  }
  return undefined;
};

function fakeAgent() {
  const counters = new Counters();
  const s = { machines: 3, windows: 0, alarms: 0, reopened: 0, cleared: 0, escalations: 0, acked: 0, resent: 0, pendingOutbox: 0 };
  const listeners = new Set<(e: EdgeMetricsEvent) => void>();
  const source: EdgeMetricsSource = {
    counters,
    stats: () => ({ ...s }),
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { source, counters, s, emit: (e: EdgeMetricsEvent) => listeners.forEach((l) => l(e)) };
}

test('metrics - /metrics serves the agent figures in Prometheus text format', async (t) => {
  const a = fakeAgent();
  const metrics = createEdgeMetrics({ labels: { site: 'S1' } });
  metrics.bind(a.source, { outboxStats: () => ({ entries: 2, bytes: 300, byClass: { alarm: { entries: 1, bytes: 200 }, status: { entries: 1, bytes: 100 }, summary: { entries: 0, bytes: 0 } } }) });
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry });
  t.after(() => server.close());
  a.s.windows = 10;
  a.s.alarms = 2;
  a.s.cleared = 1;
  a.counters.inc('deadletter.edge.decode', 4);
  a.counters.inc('deadletter.edge.stale', 1);
  a.counters.inc('edge.outbox_dropped.status.bytes', 3);
  a.counters.inc('edge.seq_gap', 7);
  a.emit({ type: 'alarm', alarm: { state: 'raised' }, command: {}, latency: { windowToAlarmMs: 0.3, windowToCommandMs: 0.7 } });
  a.emit({ type: 'alarm', alarm: { state: 'raised' }, command: {}, latency: { windowToAlarmMs: 3, windowToCommandMs: 1500 } });
  a.counters.inc('edge.quality.raised.stuck', 2);

  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const m = parseProm(await res.text());
  assert.equal(sample(m, 'edge_windows_total', { site: 'S1' }), 10);
  assert.equal(sample(m, 'edge_machines'), 3);
  assert.equal(sample(m, 'edge_alarms_total', { transition: 'raised' }), 2);
  assert.equal(sample(m, 'edge_alarms_total', { transition: 'cleared' }), 1);
  assert.equal(sample(m, 'edge_commands_total'), 2);
  assert.equal(sample(m, 'edge_invalid_messages_total', { stage: 'edge.decode' }), 4);
  assert.equal(sample(m, 'edge_invalid_messages_total', { stage: 'edge.stale' }), undefined, 'stale is dead-lettered, not invalid');
  assert.equal(sample(m, 'edge_dead_letters_total', { stage: 'edge.stale' }), 1);
  assert.equal(sample(m, 'edge_outbox_dropped_total', { class: 'status', reason: 'bytes' }), 3);
  assert.equal(sample(m, 'edge_outbox_entries', { class: 'all' }), 2);
  assert.equal(sample(m, 'edge_outbox_bytes', { class: 'alarm' }), 200);
  assert.equal(sample(m, 'edge_data_quality_events_total', { kind: 'stuck', state: 'raised' }), 2);
  assert.equal(sample(m, 'edge_counter_total', { name: 'edge.seq_gap' }), 7);
  assert.equal(sample(m, 'edge_window_to_command_ms_bucket', { le: '1' }), 1);
  assert.equal(sample(m, 'edge_window_to_command_ms_bucket', { le: '2500' }), 2);
  assert.equal(sample(m, 'edge_window_to_alarm_ms_count'), 2);
  assert.equal(sample(m, 'edge_window_to_alarm_ms_sum'), 3.3);

  // Counters follow the running totals without double counting across scrapes.
  a.s.windows = 15;
  a.counters.inc('deadletter.edge.decode');
  await new Promise((r) => setTimeout(r, 30));
  const m2 = parseProm(await (await fetch(`${server.url}/metrics`)).text());
  assert.equal(sample(m2, 'edge_windows_total'), 15);
  assert.equal(sample(m2, 'edge_invalid_messages_total', { stage: 'edge.decode' }), 5);
});

test('metrics - two agents keep separate registries', async () => {
  const a = fakeAgent();
  const b = fakeAgent();
  const ma = createEdgeMetrics();
  const mb = createEdgeMetrics();
  ma.bind(a.source);
  mb.bind(b.source);
  a.s.windows = 5;
  b.s.windows = 9;
  assert.equal(sample(parseProm(await ma.registry.metrics()), 'edge_windows_total'), 5);
  assert.equal(sample(parseProm(await mb.registry.metrics()), 'edge_windows_total'), 9);
});

test('metrics - a real agent: an undecodable window shows as an invalid message', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pdm-metrics-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = createMemoryBroker();
  const plant = createMemoryTransport(broker);
  const queue = createMemoryQueue({ ackWaitMs: 2000 });
  const agent = await createEdgeAgent({ site: testBirth.site, dataDir, transport: createMemoryTransport(broker), link: queue });
  t.after(async () => {
    await agent.close();
    await queue.close();
  });
  const metrics = createEdgeMetrics({ labels: { site: testBirth.site } });
  metrics.bind(agent);
  await plant.publish(machineTopic(testBirth, 'birth'), encodeJson(testBirth), { qos: 1, retain: true });
  await plant.publish(machineTopic(testBirth, 'telemetry'), new Uint8Array([1, 2, 3]), { qos: 1 });
  await new Promise((r) => setTimeout(r, 50));
  const m = parseProm(await metrics.registry.metrics());
  assert.equal(sample(m, 'edge_machines'), 1);
  assert.equal(sample(m, 'edge_invalid_messages_total', { stage: 'edge.decode' }), 1);
  assert.equal(sample(m, 'edge_windows_total'), 0);
  assert.equal(sample(m, 'edge_outbox_entries', { class: 'all' }), 0);
});
