// What the intake tests share: the edge's side of the application ack.
import { EscalationAck, decodeJson } from '../core/index.ts';
import type { MemoryQueue } from '../transport/index.ts';

/** Collects every application ack the cloud sends to any site (a fresh durable each call). */
export async function collectAcks(queue: MemoryQueue): Promise<EscalationAck[]> {
  const acks: EscalationAck[] = [];
  await queue.consume('pdm.ack.>', `acks-${Math.random()}`, async (m) => {
    const r = decodeJson(EscalationAck, m.data);
    if (r.ok) acks.push(r.value);
    return 'ack';
  });
  return acks;
}
