// A site's edge-to-cloud link cut for a while, in simulated time (the `link-outage` evaluation
// scenario and tests). While the link is down the edge's publishes fail the way an unreachable
// NATS server makes them fail, so escalations and statuses wait in the durable outbox and drain
// with its backoff once the link returns. Only the edge-to-cloud direction is cut: a cloud ack for
// an escalation sent before the cut still arrives (the in-memory queue redelivers a nak at once,
// which would spin a fast simulation instead of modelling a wait).
import { TransportError, type WorkQueue } from '../core/index.ts';

/** One outage: `site`'s link is down from `startMs` (inclusive) to `endMs` (exclusive), event time. */
export interface LinkOutage {
  site: string;
  startMs: number;
  endMs: number;
}

/** Wraps `queue` for `site`'s edge: publishes fail while `nowMs()` lies inside one of its outages. Closing the wrapper leaves `queue` open. */
export function withLinkOutages(queue: WorkQueue, site: string, outages: readonly LinkOutage[], nowMs: () => number): WorkQueue {
  const mine = outages.filter((o) => o.site === site);
  if (mine.length === 0) return queue;
  const down = () => {
    const t = nowMs();
    return mine.some((o) => t >= o.startMs && t < o.endMs);
  };
  return {
    publish: (subject, data) =>
      down() ? Promise.reject(new TransportError(`link of site ${site} is down (simulated outage)`)) : queue.publish(subject, data),
    consume: (filter, durable, handler) => queue.consume(filter, durable, handler),
    close: () => Promise.resolve(),
  };
}
