import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { MqttSizeGuard } from './mqtt-size-guard.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { createMqttTransport } from './mqtt-transport.ts';

const LIMIT = 1024;

/** A PUBLISH on the wire (MQTT 3.1.1 §3.3): fixed header, topic, packet id when QoS > 0, payload. */
function publishBytes(topic: string, payloadBytes: number, qos: 0 | 1 | 2, messageId: number): Buffer {
  const t = Buffer.from(topic, 'utf8');
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, qos > 0 ? Buffer.from([messageId >> 8, messageId & 0xff]) : Buffer.alloc(0), Buffer.alloc(payloadBytes, 0x61)]);
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1), ...len]), body]);
}

test('mqtt size guard - property: packets within the limit pass byte for byte, oversized publishes are dropped and QoS 1 ones acked, however the stream is cut', () => {
  const packet = fc.record({
    topic: fc.string({ minLength: 1, maxLength: 40 }).filter((t) => !/[+#\u0000]/.test(t)),
    payloadBytes: fc.oneof(fc.integer({ min: 0, max: LIMIT - 60 }), fc.integer({ min: LIMIT + 1, max: 5 * LIMIT })),
    qos: fc.constantFrom(0 as const, 1 as const),
    id: fc.integer({ min: 1, max: 65535 }),
  });
  fc.assert(
    fc.property(fc.array(packet, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (packets, cuts) => {
      const wire = packets.map((p) => publishBytes(p.topic, p.payloadBytes, p.qos, p.id));
      const all = Buffer.concat(wire);
      const guard = new MqttSizeGuard(LIMIT);
      const passed: Buffer[] = [];
      const acked: number[] = [];
      let dropped = 0;
      for (let at = 0, k = 0; at < all.length; k++) {
        const n = cuts[k % cuts.length]!;
        const r = guard.feed(all.subarray(at, at + n));
        assert.equal(r.close, undefined);
        passed.push(...r.pass);
        acked.push(...r.puback);
        dropped += r.dropped;
        at += n;
      }
      const small = wire.filter((w) => w.length - headerLength(w) <= LIMIT);
      assert.deepEqual(Buffer.concat(passed), Buffer.concat(small));
      const big = packets.filter((_, i) => wire[i]!.length - headerLength(wire[i]!) > LIMIT);
      assert.equal(dropped, big.length);
      assert.deepEqual(acked, big.filter((p) => p.qos === 1).map((p) => p.id));
    }),
    { numRuns: 300 },
  );
});

/** Bytes of a packet's fixed header (type byte + Remaining Length). */
function headerLength(b: Buffer): number {
  let i = 1;
  while (b[i]! & 0x80) i++;
  return i + 1;
}

test('mqtt size guard - an oversized QoS 2 publish or a malformed length closes the connection', () => {
  const q2 = publishBytes('t', LIMIT * 2, 2, 7);
  assert.match(new MqttSizeGuard(LIMIT).feed(q2).close ?? '', /exceeds/);
  assert.match(new MqttSizeGuard(LIMIT).feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).close ?? '', /malformed/);
});

test('mqtt size guard - the embedded broker drops and counts an oversized publish while good messages keep flowing on the same connection', async () => {
  const broker = await startEmbeddedBroker({ port: 0, maxPacketBytes: 64 * 1024 });
  const sub = await createMqttTransport({ url: broker.url });
  const pub = mqtt.connect(broker.url, { protocolVersion: 4, reconnectPeriod: 200 });
  let connects = 0;
  pub.on('connect', () => connects++);
  try {
    const got: string[] = [];
    await sub.subscribe('pdm/site-a/+/+/telemetry', async (topic, payload) => {
      got.push(`${topic.split('/')[3]}:${payload.byteLength}`);
    }, { qos: 1 });
    if (!pub.connected) await new Promise<void>((r) => pub.once('connect', () => r()));
    const send = (machine: string, bytes: number, qos: 0 | 1) => pub.publishAsync(`pdm/site-a/line-1/${machine}/telemetry`, Buffer.alloc(bytes, 0x7b), { qos });
    await send('m1', 1000, 1);
    await send('m2', 1024 * 1024, 1); // 1 MiB: acknowledged, dropped, never delivered
    await send('m3', 2000, 0);
    await send('m4', 200 * 1024, 0);
    await send('m5', 3000, 1);
    const deadline = Date.now() + 5000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(got, ['m1:1000', 'm3:2000', 'm5:3000']);
    assert.equal(broker.counters.get('broker.oversized_dropped'), 2);
    assert.equal(broker.counters.get('broker.oversized_closed'), 0);
    assert.equal(connects, 1, 'the publisher was never disconnected');
  } finally {
    await pub.endAsync(true);
    await sub.close();
    await broker.close();
  }
});
