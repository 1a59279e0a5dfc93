import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queueContract } from './queue.contract.ts';
import { createMemoryQueue } from './memory-queue.ts';
import { namespacedQueue } from './namespaced-queue.ts';
import { createJetStreamQueue } from './jetstream-queue.ts';
import { uniqueToken } from './test-helpers.ts';
import { ServiceUnavailableError } from '../core/errors.ts';
import { needServices, serviceUrls } from '../../test/support/services.ts';

const ackWaitMs = 800; // short, so ack-wait redelivery is tested in about a second

queueContract('memory', async () => {
  const q = createMemoryQueue({ ackWaitMs });
  return { q, close: () => q.close() };
}, { ackWaitMs });

// A namespaced view must behave exactly like the queue it wraps (it is what NATS_NAMESPACE uses).
queueContract('namespaced memory', async () => {
  const inner = createMemoryQueue({ ackWaitMs });
  return { q: namespacedQueue(inner, 'tenant-a'), close: () => inner.close() };
}, { ackWaitMs });

test('queue namespaced - stores under the namespace and keeps namespaces apart', async () => {
  const inner = createMemoryQueue({ ackWaitMs });
  const a = namespacedQueue(inner, 'a');
  const b = namespacedQueue(inner, 'b');
  const seen: string[] = [];
  const raw: string[] = [];
  await inner.consume('>', 'raw', async (m) => (raw.push(m.subject), 'ack'));
  await a.consume('pdm.>', 'a', async (m) => (seen.push(m.subject), 'ack'));
  await b.publish('pdm.x', new Uint8Array([1]));
  await a.publish('pdm.y', new Uint8Array([2]));
  const deadline = Date.now() + 2000;
  while ((seen.length < 1 || raw.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, ['pdm.y']);
  assert.deepEqual(raw.sort(), ['a.pdm.y', 'b.pdm.x']);
  await inner.close();
});

queueContract('jetstream', async () => {
  // A private stream per test: NATS is shared with other test runs.
  const token = uniqueToken();
  const q = await createJetStreamQueue({ url: serviceUrls.nats, stream: `PDMTEST_${token}`, subjects: [`t${token}.>`], ackWaitMs });
  return {
    q,
    subjectPrefix: `t${token}`,
    close: async () => {
      try {
        await q.deleteStream();
      } finally {
        await q.close();
      }
    },
  };
}, { ackWaitMs, skip: await needServices('nats') });

test('memory queue - the oldest messages are dropped beyond maxMessages, and counted', async () => {
  const q = createMemoryQueue({ maxMessages: 3 });
  try {
    for (let i = 0; i < 5; i++) await q.publish('pdm.x', new TextEncoder().encode(String(i)));
    const got: string[] = [];
    await q.consume('pdm.>', 'late', async (m) => {
      got.push(new TextDecoder().decode(m.data));
      return 'ack';
    });
    const deadline = Date.now() + 2000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(got, ['2', '3', '4']);
    assert.equal(q.counters.get('queue.dropped_limit'), 2);
  } finally {
    await q.close();
  }
});

test('jetstream queue - an unreachable server rejects with ServiceUnavailableError naming the URL', async () => {
  const url = 'nats://127.0.0.1:1';
  await assert.rejects(createJetStreamQueue({ url, connectTimeoutMs: 500 }), (err: unknown) => {
    assert.ok(err instanceof ServiceUnavailableError);
    assert.match(err.message, /nats:\/\/127\.0\.0\.1:1/);
    return true;
  });
});
