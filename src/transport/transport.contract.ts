// The shared contract every Transport implementation must pass (MQTT.js abstract_store.ts style):
// two clients of one broker, MQTT 3.1.1 semantics.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Transport } from '../core/ports.ts';
import { sleep, uniqueToken, waitUntil } from './test-helpers.ts';

/** Two clients of the same broker, and a function that closes both (and the broker if owned). */
export interface TransportPair {
  a: Transport;
  b: Transport;
  close(): Promise<void>;
}

interface Received {
  topic: string;
  text: string;
  bytes: Uint8Array;
}

const decoder = new TextDecoder();

function recorder(): { got: Received[]; handler: (topic: string, payload: Uint8Array) => void } {
  const got: Received[] = [];
  return { got, handler: (topic, payload) => got.push({ topic, text: decoder.decode(payload), bytes: payload }) };
}

/** Runs the Transport contract against clients made by `factory` (a fresh pair per test). */
export function transportContract(name: string, factory: () => Promise<TransportPair>, opts: { skip?: string | false } = {}): void {
  // Unique per run, since real brokers (Mosquitto) are shared and keep retained messages.
  const root = `pdmtest/${uniqueToken()}`;
  let n = 0;
  const run = (title: string, fn: (p: TransportPair, prefix: string) => Promise<void>) =>
    test(`transport ${name} - ${title}`, { skip: opts.skip ?? false }, async () => {
      const pair = await factory();
      try {
        await fn(pair, `${root}/${++n}`);
      } finally {
        await pair.close();
      }
    });

  describe(`transport contract: ${name}`, () => {
    run('delivers a message to an exact-topic subscriber on another client', async ({ a, b }, p) => {
      const r = recorder();
      await b.subscribe(`${p}/m1/telemetry`, r.handler);
      await a.publish(`${p}/m1/telemetry`, 'hello', { qos: 1 });
      await waitUntil(() => r.got.length >= 1, 'one message');
      assert.deepEqual(r.got.map((x) => [x.topic, x.text]), [[`${p}/m1/telemetry`, 'hello']]);
    });

    run('+ matches exactly one level', async ({ a, b }, p) => {
      const r = recorder();
      await b.subscribe(`${p}/+/telemetry`, r.handler);
      await a.publish(`${p}/x/y/telemetry`, 'two-levels', { qos: 1 });
      await a.publish(`${p}/telemetry`, 'zero-levels', { qos: 1 });
      await a.publish(`${p}/m1/telemetry`, 'one', { qos: 1 });
      await a.publish(`${p}/m2/telemetry`, 'two', { qos: 1 });
      await waitUntil(() => r.got.length >= 2, 'two messages');
      await sleep(50);
      assert.deepEqual(r.got.map((x) => x.text).sort(), ['one', 'two']);
    });

    run('# matches the parent level and every level below', async ({ a, b }, p) => {
      const r = recorder();
      await b.subscribe(`${p}/site/#`, r.handler);
      await a.publish(`${p}/site`, 'parent', { qos: 1 });
      await a.publish(`${p}/site/l1/m1`, 'deep', { qos: 1 });
      await a.publish(`${p}/other/l1`, 'no', { qos: 1 });
      await a.publish(`${p}/site/l1`, 'child', { qos: 1 });
      await waitUntil(() => r.got.length >= 3, 'three messages');
      await sleep(50);
      assert.deepEqual(r.got.map((x) => x.text).sort(), ['child', 'deep', 'parent']);
    });

    run('does not deliver to non-matching filters', async ({ a, b }, p) => {
      const r = recorder();
      await b.subscribe(`${p}/x/+`, r.handler);
      await a.publish(`${p}/x/y/z`, 'too-deep', { qos: 1 });
      await a.publish(`${p}/y/a`, 'other-branch', { qos: 1 });
      await a.publish(`${p}/X/a`, 'case-differs', { qos: 1 });
      await a.publish(`${p}/x/done`, 'sentinel', { qos: 1 });
      await waitUntil(() => r.got.some((x) => x.text === 'sentinel'), 'the sentinel');
      await sleep(50);
      assert.deepEqual(r.got.map((x) => x.text), ['sentinel']);
    });

    run('a retained message reaches a late subscriber and an empty retained publish clears it', async ({ a, b }, p) => {
      const topic = `${p}/state`;
      await a.publish(topic, 'v1', { retain: true, qos: 1 });
      await a.publish(topic, 'v2', { retain: true, qos: 1 }); // the last retained message wins
      const r1 = recorder();
      const unsub = await b.subscribe(`${p}/#`, r1.handler);
      await waitUntil(() => r1.got.length >= 1, 'the retained message');
      await sleep(50);
      assert.deepEqual(r1.got.map((x) => [x.topic, x.text]), [[topic, 'v2']]);
      await unsub();

      await a.publish(topic, new Uint8Array(0), { retain: true, qos: 1 });
      await a.publish(`${p}/sentinel`, 's', { retain: true, qos: 1 });
      const r2 = recorder();
      await b.subscribe(`${p}/#`, r2.handler);
      await waitUntil(() => r2.got.some((x) => x.text === 's'), 'the retained sentinel');
      await sleep(50);
      assert.deepEqual(r2.got.map((x) => x.text), ['s']);
      await a.publish(`${p}/sentinel`, '', { retain: true, qos: 1 }); // leave the shared broker clean
    });

    run('binary payloads arrive byte-exact (64 KiB random)', async ({ a, b }, p) => {
      const payload = new Uint8Array(randomBytes(64 * 1024));
      const r = recorder();
      await b.subscribe(`${p}/bin`, r.handler);
      await a.publish(`${p}/bin`, payload, { qos: 1 });
      await waitUntil(() => r.got.length >= 1, 'the binary message');
      const got = r.got[0]!.bytes;
      assert.equal(got.length, payload.length);
      assert.ok(Buffer.from(got).equals(Buffer.from(payload)), 'payload bytes differ');
    });

    run('unsubscribe stops delivery', async ({ a, b }, p) => {
      const r = recorder();
      const s = recorder();
      const unsub = await b.subscribe(`${p}/u`, r.handler);
      await b.subscribe(`${p}/sentinel`, s.handler);
      await a.publish(`${p}/u`, 'before', { qos: 1 });
      await waitUntil(() => r.got.length >= 1, 'the first message');
      await unsub();
      await a.publish(`${p}/u`, 'after', { qos: 1 });
      await a.publish(`${p}/sentinel`, 'done', { qos: 1 });
      await waitUntil(() => s.got.length >= 1, 'the sentinel');
      await sleep(50);
      assert.deepEqual(r.got.map((x) => x.text), ['before']);
    });

    run('qos 1 messages from one publisher arrive in publish order', async ({ a, b }, p) => {
      const r = recorder();
      await b.subscribe(`${p}/seq/+`, r.handler);
      const count = 100;
      await Promise.all(Array.from({ length: count }, (_, i) => a.publish(`${p}/seq/${i % 3}`, String(i), { qos: 1 })));
      await waitUntil(() => r.got.length >= count, `${count} messages`);
      assert.deepEqual(r.got.map((x) => Number(x.text)), Array.from({ length: count }, (_, i) => i));
    });

    run('a throwing handler does not stop later deliveries to it or to others', async ({ a, b }, p) => {
      const thrower: string[] = [];
      const other = recorder();
      await b.subscribe(`${p}/t`, (_t, payload) => {
        thrower.push(decoder.decode(payload));
        throw new Error('handler bug');
      });
      await a.subscribe(`${p}/t`, other.handler);
      await a.publish(`${p}/t`, 'one', { qos: 1 });
      await a.publish(`${p}/t`, 'two', { qos: 1 });
      await waitUntil(() => thrower.length >= 2 && other.got.length >= 2, 'both messages at both subscribers');
      assert.deepEqual(thrower, ['one', 'two']);
      assert.deepEqual(other.got.map((x) => x.text), ['one', 'two']);
    });

    run('publish after close rejects', async ({ a }, p) => {
      await a.close();
      await assert.rejects(() => a.publish(`${p}/x`, 'late'));
    });
  });
}
