// The cloud link's size limit is NATS max_payload (nats-server default 1 MiB): a larger message
// is refused at publish, before it is sent or stored, counted, and the link keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { TransportError } from '../core/errors.ts';
import { createJetStreamQueue } from './jetstream-queue.ts';
import { uniqueToken, waitUntil } from './test-helpers.ts';
import { needServices, serviceUrls } from '../../test/support/services.ts';

test('jetstream queue - a message over the server max_payload is refused at publish and counted; good messages keep flowing', { skip: await needServices('nats') }, async () => {
  const nc = await connect({ servers: serviceUrls.nats });
  const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
  await nc.close();
  const token = uniqueToken();
  const q = await createJetStreamQueue({ url: serviceUrls.nats, stream: `PDMTEST_${token}`, subjects: [`t${token}.>`] });
  try {
    const got: number[] = [];
    await q.consume(`t${token}.>`, 'd', async (m) => {
      got.push(m.data.byteLength);
      return 'ack';
    });
    await q.publish(`t${token}.a`, new Uint8Array(100));
    await assert.rejects(q.publish(`t${token}.a`, new Uint8Array(maxPayload + 1)), (err: unknown) => err instanceof TransportError && /max_payload/.test(err.message));
    await q.publish(`t${token}.a`, new Uint8Array(200));
    await waitUntil(() => got.length >= 2, 'the good messages');
    assert.deepEqual(got, [100, 200]);
    assert.equal(q.counters.get('queue.publish_oversized'), 1);
  } finally {
    await q.deleteStream().catch(() => undefined);
    await q.close();
  }
});
