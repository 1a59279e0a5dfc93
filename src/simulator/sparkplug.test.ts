import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sparkplugModule from 'sparkplug-payload';
import type { Transport, TelemetryWindow } from '../core/index.ts';
import { defaultPlant } from './default-plant.ts';
import { runPublisher } from './publisher.ts';
import { createSimulator } from './simulator.ts';
import { SPARKPLUG_SEQ_MODULUS, createSparkplugEncoder, decodeSparkplugBirth, decodeSparkplugWindow, parseSparkplugTopic, sparkplugSeq } from './sparkplug.ts';

const START_MS = Date.UTC(2024, 0, 1);
const pb = sparkplugModule.get('spBv1.0')!;

function sim(machines = 3, sites = 2) {
  return createSimulator({ plant: defaultPlant({ machines, sites }), seed: 5, startMs: START_MS, faults: [] });
}

test('sparkplug - births: NBIRTH per line (seq 0, bdSeq, rebirth), then DBIRTHs that decode to the births', () => {
  const s = sim(3, 2);
  const msgs = createSparkplugEncoder({ bdSeq: 7, nowMs: () => START_MS }).births(s.births);
  assert.deepEqual(msgs.map((m) => m.topic), [
    'spBv1.0/site-a/NBIRTH/line-1', 'spBv1.0/site-a/DBIRTH/line-1/pump-001', 'spBv1.0/site-a/DBIRTH/line-1/fan-003',
    'spBv1.0/site-b/NBIRTH/line-1', 'spBv1.0/site-b/DBIRTH/line-1/motor-002',
  ]);
  assert.deepEqual(msgs.map((m) => sparkplugSeq(m.payload)), [0, 1, 2, 0, 1], 'seq per edge node, NBIRTH at 0');
  const nbirth = pb.decodePayload(msgs[0]!.payload);
  assert.deepEqual(nbirth.metrics!.map((m) => [m.name, m.type]), [['bdSeq', 'UInt64'], ['Node Control/Rebirth', 'Boolean']]);
  assert.equal(Number(nbirth.metrics![0]!.value), 7);
  const byMachine = new Map(s.births.map((b) => [b.machine, b]));
  for (const m of msgs.filter((x) => x.topic.includes('/DBIRTH/'))) {
    const d = decodeSparkplugBirth(m.topic, m.payload);
    assert.ok(d.ok, d.ok ? '' : d.reason);
    assert.deepEqual(d.value, byMachine.get(d.value.machine));
  }
  assert.equal(decodeSparkplugBirth(msgs[0]!.topic, msgs[0]!.payload).ok, false, 'an NBIRTH is not a device birth');
});

test('sparkplug - windows round-trip: scalars exactly, waveforms at float32', () => {
  const s = sim(3, 1);
  const enc = createSparkplugEncoder();
  enc.births(s.births);
  for (let i = 0; i < 2; i++) {
    for (const w of s.step()) {
      const m = enc.data(w);
      assert.equal(m.topic, `spBv1.0/${w.site}/DDATA/${w.line}/${w.machine}`);
      const d = decodeSparkplugWindow(m.topic, m.payload);
      assert.ok(d.ok, d.ok ? '' : d.reason);
      const want: TelemetryWindow = { ...w, channels: w.channels.map((c) => ({ ...c, values: c.values.length > 1 ? c.values.map(Math.fround) : c.values })) };
      assert.deepEqual(d.value, want);
    }
  }
});

test('sparkplug - seq counts every message of an edge node and wraps from 255 to 0', () => {
  const s = sim(2, 1); // one site, one line: one edge node, two devices
  const enc = createSparkplugEncoder();
  const seqs = enc.births(s.births).map((m) => sparkplugSeq(m.payload));
  const w = s.step()[0]!;
  for (let i = 0; i < 300; i++) seqs.push(sparkplugSeq(enc.data({ ...w, seq: i }).payload));
  assert.deepEqual(seqs.slice(0, 3), [0, 1, 2]);
  seqs.forEach((q, i) => assert.equal(q, i % SPARKPLUG_SEQ_MODULUS, `message ${i}`));
  assert.ok(seqs.includes(255) && seqs[256] === 0, 'wrapped');
  // NDEATH carries the session's bdSeq and no seq.
  const [death] = enc.deaths();
  assert.equal(death!.topic, 'spBv1.0/site-a/NDEATH/line-1');
  assert.equal(sparkplugSeq(death!.payload), null);
});

test('sparkplug - property: arbitrary bytes and topics never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom('spBv1.0/s/DDATA/l/m', 'spBv1.0/s/DBIRTH/l/m', 'spBv1.0/s/NBIRTH/l', 'pdm/s/l/m/telemetry', ''), (bytes, topic) => {
      for (const r of [decodeSparkplugWindow(topic, bytes), decodeSparkplugBirth(topic, bytes)]) assert.ok(r.ok || r.reason.length > 0);
      sparkplugSeq(bytes);
    }),
    { numRuns: 3000 },
  );
});

test('sparkplug - property: a valid payload with bytes flipped never throws', () => {
  const s = sim(1, 1);
  const enc = createSparkplugEncoder();
  const m = enc.data(s.step()[0]!);
  const small = { ...m, payload: m.payload.slice(0, 2000) };
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.boolean(), (flips, truncate) => {
      const p = (truncate ? small.payload : m.payload).slice();
      for (const [at, v] of flips) p[at % p.length] = v;
      const r = decodeSparkplugWindow(m.topic, p);
      assert.ok(r.ok || r.reason.length > 0);
    }),
    { numRuns: 500 },
  );
});

test('sparkplug - topics parse and reject foreign namespaces', () => {
  assert.deepEqual(parseSparkplugTopic('spBv1.0/g/DDATA/n/d'), { ok: true, value: { group: 'g', type: 'DDATA', node: 'n', device: 'd' } });
  assert.equal(parseSparkplugTopic('spAv1.0/g/DDATA/n/d').ok, false);
  assert.equal(parseSparkplugTopic('spBv1.0/g/DDATA').ok, false);
});

test('sparkplug - runPublisher with encoding sparkplug: births, DDATA that decode, NDEATH at the end', async () => {
  const sent: { topic: string; payload: Uint8Array; retain: boolean }[] = [];
  const transport: Transport = {
    async publish(topic, payload, opts) {
      sent.push({ topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload, retain: opts?.retain ?? false });
    },
    async subscribe() {
      throw new Error('unused');
    },
    async close() {},
  };
  const s = sim(3, 2);
  const r = await runPublisher({ sim: s, transport, speed: Infinity, durationMs: 15 * 60_000, encoding: 'sparkplug' });
  assert.equal(r.windows, 9);
  assert.ok(sent.every((m) => !m.retain), 'Sparkplug messages are not retained');
  assert.equal(sent.filter((m) => m.topic.includes('/NBIRTH/')).length, 2);
  assert.equal(sent.filter((m) => m.topic.includes('/DBIRTH/')).length, 3);
  const data = sent.filter((m) => m.topic.includes('/DDATA/'));
  assert.equal(data.length, 9);
  for (const m of data) assert.ok(decodeSparkplugWindow(m.topic, m.payload).ok);
  assert.deepEqual(sent.slice(-2).map((m) => m.topic).sort(), ['spBv1.0/site-a/NDEATH/line-1', 'spBv1.0/site-b/NDEATH/line-1']);
});
