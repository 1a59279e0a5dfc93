// A WorkQueue seen through a subject namespace: `pdm.x` is stored as `<ns>.pdm.x`. Lets several
// runs (tests, tenants) share one NATS server without their streams' subjects overlapping,
// which JetStream forbids.
import type { QueueMessage, WorkQueue } from '../core/index.ts';

/** Wraps `queue` so every subject and filter is prefixed with `ns.` and delivered without it. */
export function namespacedQueue(queue: WorkQueue, ns: string): WorkQueue {
  const prefix = `${ns}.`;
  return {
    publish: (subject, data) => queue.publish(prefix + subject, data),
    consume: (filter, durable, handler) =>
      queue.consume(prefix + filter, durable, (m: QueueMessage) =>
        handler({ ...m, subject: m.subject.startsWith(prefix) ? m.subject.slice(prefix.length) : m.subject }),
      ),
    close: () => queue.close(),
  };
}
