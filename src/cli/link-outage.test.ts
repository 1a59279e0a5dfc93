import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransportError } from '../core/index.ts';
import { createMemoryQueue } from '../transport/index.ts';
import { withLinkOutages } from './link-outage.ts';

test('link outage - publishes fail inside the outage, pass outside it, other sites are untouched', async () => {
  const queue = createMemoryQueue();
  let now = 0;
  const outages = [{ site: 'a', startMs: 100, endMs: 200 }];
  const a = withLinkOutages(queue, 'a', outages, () => now);
  const b = withLinkOutages(queue, 'b', outages, () => now);
  assert.equal(b, queue, 'a site without outages gets the queue itself');
  const got: string[] = [];
  await queue.consume('x.>', 'd', async (m) => (got.push(new TextDecoder().decode(m.data)), 'ack'));
  await a.publish('x.1', new TextEncoder().encode('before'));
  now = 100;
  await assert.rejects(a.publish('x.1', new TextEncoder().encode('during')), TransportError);
  await b.publish('x.1', new TextEncoder().encode('other site'));
  now = 200;
  await a.publish('x.1', new TextEncoder().encode('after'));
  await a.close(); // must not close the shared queue
  await queue.publish('x.1', new TextEncoder().encode('still open'));
  for (let i = 0; i < 50 && got.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(got, ['before', 'other site', 'after', 'still open']);
  await queue.close();
});
