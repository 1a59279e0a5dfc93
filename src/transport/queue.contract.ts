// The shared contract every WorkQueue implementation must pass (Benthos StreamTests style):
// stream semantics, durable competing consumers, explicit acks and redelivery.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { QueueMessage, QueueVerdict, WorkQueue } from '../core/ports.ts';
import { deferred, sleep, uniqueToken, waitUntil } from './test-helpers.ts';

/** A fresh queue for one test; `subjectPrefix` must lie inside the queue's subjects (default `pdm.test`). */
export interface QueueUnderTest {
  q: WorkQueue;
  close(): Promise<void>;
  subjectPrefix?: string;
}

/** Options: `ackWaitMs` must equal the ack wait the factory configured (keep it short, e.g. 800). */
export interface QueueContractOptions {
  skip?: string | false;
  ackWaitMs?: number;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Runs the WorkQueue contract against queues made by `factory` (a fresh queue per test). */
export function queueContract(name: string, factory: () => Promise<QueueUnderTest>, opts: QueueContractOptions = {}): void {
  const ackWaitMs = opts.ackWaitMs ?? 800;
  const run = (title: string, fn: (q: WorkQueue, prefix: string) => Promise<void>) =>
    test(`queue ${name} - ${title}`, { skip: opts.skip ?? false }, async () => {
      const u = await factory();
      const stops: Array<{ stop(): Promise<void> }> = [];
      const q: WorkQueue = {
        publish: (s, d) => u.q.publish(s, d),
        consume: async (f, d, h) => {
          const c = await u.q.consume(f, d, h);
          stops.push(c);
          return c;
        },
        close: () => u.q.close(),
      };
      try {
        await fn(q, `${u.subjectPrefix ?? 'pdm.test'}.${uniqueToken()}`);
      } finally {
        for (const c of stops) await c.stop();
        await u.close();
      }
    });
  const durable = () => `d_${uniqueToken()}`;

  describe(`queue contract: ${name}`, () => {
    run('a published message is delivered once, with deliveryCount 1', async (q, p) => {
      const got: QueueMessage[] = [];
      await q.consume(`${p}.>`, durable(), async (m) => {
        got.push(m);
        return 'ack';
      });
      await q.publish(`${p}.m1`, enc('hello'));
      await waitUntil(() => got.length >= 1, 'one message');
      await sleep(100);
      assert.equal(got.length, 1);
      assert.equal(got[0]!.subject, `${p}.m1`);
      assert.equal(dec(got[0]!.data), 'hello');
      assert.equal(got[0]!.deliveryCount, 1);
    });

    run('messages published before the consumer starts are delivered in order', async (q, p) => {
      for (const s of ['a', 'b', 'c']) await q.publish(`${p}.x`, enc(s));
      const got: string[] = [];
      await q.consume(`${p}.>`, durable(), async (m) => {
        got.push(dec(m.data));
        return 'ack';
      });
      await waitUntil(() => got.length >= 3, 'three messages');
      assert.deepEqual(got, ['a', 'b', 'c']);
    });

    run('nak and a throwing handler redeliver with deliveryCount + 1', async (q, p) => {
      const seen: Array<[string, number]> = [];
      await q.consume(`${p}.>`, durable(), async (m) => {
        const text = dec(m.data);
        seen.push([text, m.deliveryCount]);
        if (m.deliveryCount === 1 && text === 'nak') return 'nak';
        if (m.deliveryCount === 1 && text === 'throw') throw new Error('handler failed');
        return 'ack';
      });
      await q.publish(`${p}.n`, enc('nak'));
      await q.publish(`${p}.t`, enc('throw'));
      await waitUntil(() => seen.length >= 4, 'four deliveries');
      await sleep(100);
      assert.deepEqual(seen.filter(([t]) => t === 'nak').map(([, c]) => c), [1, 2]);
      assert.deepEqual(seen.filter(([t]) => t === 'throw').map(([, c]) => c), [1, 2]);
    });

    run('a delayed nak redelivers after the delay, and the consumer handles other messages meanwhile', async (q, p) => {
      const delayMs = 400;
      const seen: Array<[string, number, number]> = [];
      const t0 = Date.now();
      await q.consume(`${p}.>`, durable(), async (m) => {
        const text = dec(m.data);
        seen.push([text, m.deliveryCount, Date.now() - t0]);
        return m.deliveryCount === 1 && text === 'later' ? { nakDelayMs: delayMs } : 'ack';
      });
      await q.publish(`${p}.l`, enc('later'));
      for (let i = 0; i < 3; i++) await q.publish(`${p}.n`, enc(`now${i}`));
      await waitUntil(() => seen.some(([t, c]) => t === 'later' && c === 2), 'the delayed redelivery', 10_000);
      const first = seen.findIndex(([t]) => t === 'later');
      const again = seen.findIndex(([t, c]) => t === 'later' && c === 2);
      // Every other message went through while the naked one waited.
      for (let i = 0; i < 3; i++) {
        const k = seen.findIndex(([t]) => t === `now${i}`);
        assert.ok(k > first && k < again, `now${i} handled between the nak and the redelivery: ${JSON.stringify(seen)}`);
      }
      assert.ok(seen[again]![2] - seen[first]![2] >= delayMs * 0.9, `redelivered after ${seen[again]![2] - seen[first]![2]} ms, asked ${delayMs}`);
    });

    run('consumers sharing a durable name share the work, no message handled by both', async (q, p) => {
      const name = durable();
      const byConsumer: string[][] = [[], []];
      for (const i of [0, 1]) {
        await q.consume(`${p}.>`, name, async (m) => {
          byConsumer[i]!.push(dec(m.data));
          await sleep(2); // some work, so a free consumer exists while the other is busy
          return 'ack';
        });
      }
      const count = 50;
      for (let i = 0; i < count; i++) await q.publish(`${p}.w`, enc(String(i)));
      await waitUntil(() => byConsumer[0]!.length + byConsumer[1]!.length >= count, `${count} messages`);
      await sleep(200);
      const all = [...byConsumer[0]!, ...byConsumer[1]!];
      assert.equal(all.length, count, 'a message was handled twice');
      assert.equal(new Set(all).size, count);
      assert.ok(byConsumer[0]!.length > 0 && byConsumer[1]!.length > 0, `work not shared: ${byConsumer[0]!.length}/${byConsumer[1]!.length}`);
    });

    run('two different durables each get every message', async (q, p) => {
      const got: Record<string, string[]> = { d1: [], d2: [] };
      for (let i = 0; i < 10; i++) await q.publish(`${p}.e`, enc(String(i)));
      for (const k of ['d1', 'd2']) {
        await q.consume(`${p}.>`, `${k}_${uniqueToken()}`, async (m) => {
          got[k]!.push(dec(m.data));
          return 'ack';
        });
      }
      await waitUntil(() => got.d1!.length >= 10 && got.d2!.length >= 10, 'ten messages per durable');
      const expected = Array.from({ length: 10 }, (_, i) => String(i));
      assert.deepEqual(got.d1, expected);
      assert.deepEqual(got.d2, expected);
    });

    run('filters with * and > select subjects', async (q, p) => {
      const star: string[] = [];
      const tail: string[] = [];
      const record = (into: string[]) => async (m: QueueMessage): Promise<QueueVerdict> => {
        into.push(m.subject.slice(p.length + 1));
        return 'ack';
      };
      await q.consume(`${p}.a.*`, durable(), record(star));
      await q.consume(`${p}.a.>`, durable(), record(tail));
      for (const s of ['a.x', 'b.x', 'a.y.z', 'a.x.done']) await q.publish(`${p}.${s}`, enc(s));
      await waitUntil(() => star.length >= 1 && tail.length >= 3, 'filtered messages');
      await sleep(100);
      assert.deepEqual(star, ['a.x']);
      assert.deepEqual(tail, ['a.x', 'a.y.z', 'a.x.done']);
    });

    run("a stopped consumer's unacked message goes to another consumer after the ack wait", async (q, p) => {
      const name = durable();
      const gate = deferred<QueueVerdict>();
      let firstGot = 0;
      let t0 = 0;
      const c1 = await q.consume(`${p}.>`, name, async () => {
        firstGot++;
        t0 = Date.now();
        return gate.promise; // never answers while the test runs: a crashed worker
      });
      await q.publish(`${p}.job`, enc('job'));
      await waitUntil(() => firstGot === 1, 'delivery to the first consumer');
      await c1.stop();
      const second: QueueMessage[] = [];
      let t1 = 0;
      await q.consume(`${p}.>`, name, async (m) => {
        t1 ||= Date.now();
        second.push(m);
        return 'ack';
      });
      await waitUntil(() => second.length >= 1, 'redelivery to the second consumer', ackWaitMs + 5000);
      gate.resolve('nak');
      assert.equal(dec(second[0]!.data), 'job');
      // Not necessarily 2: nats-server un-counts a delivery whose pull request lost its subscriber.
      assert.ok(second[0]!.deliveryCount >= 1);
      assert.ok(t1 - t0 >= ackWaitMs / 2, 'redelivered before the ack wait');
      assert.equal(firstGot, 1);
    });

    run('data bytes arrive exactly (64 KiB random)', async (q, p) => {
      const data = new Uint8Array(randomBytes(64 * 1024));
      const got: QueueMessage[] = [];
      await q.consume(`${p}.>`, durable(), async (m) => {
        got.push(m);
        return 'ack';
      });
      await q.publish(`${p}.bin`, data);
      await waitUntil(() => got.length >= 1, 'the binary message');
      assert.ok(Buffer.from(got[0]!.data).equals(Buffer.from(data)), 'data bytes differ');
    });
  });
}
