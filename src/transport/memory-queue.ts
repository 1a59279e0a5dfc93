// In-memory WorkQueue with JetStream semantics: a stream that keeps every message (limits
// retention) and durable consumers with explicit acks, ack wait and redelivery. The embedded
// cloud bus; behaves like the JetStream adapter so the shared contract test covers both.
import { Counters } from '../core/counters.ts';
import { TransportError } from '../core/errors.ts';
import type { QueueMessage, QueueVerdict, WorkQueue } from '../core/ports.ts';
import { isValidNatsSubject, natsSubjectMatches } from './nats-subject.ts';

/** Options of the in-memory queue. */
export interface MemoryQueueConfig {
  /** Redeliver a message whose handler has not answered within this time (ms). JetStream's default ack_wait is 30 s. */
  ackWaitMs?: number;
  /** Oldest messages are dropped beyond this many (JetStream limits retention, max_msgs). */
  maxMessages?: number;
}

/** The in-memory WorkQueue, with its counters (`queue.redelivered`, `queue.handler_error`, `queue.dropped_limit`). */
export interface MemoryQueue extends WorkQueue {
  readonly counters: Counters;
}

type Handler = (m: QueueMessage) => Promise<QueueVerdict>;

interface Stored {
  seq: number;
  subject: string;
  data: Uint8Array;
}

interface Consumer {
  handler: Handler;
  busy: boolean;
  stopped: boolean;
  /** Settles when the handler call in progress has answered. */
  current?: Promise<void>;
}

interface Delivery {
  consumer: Consumer;
  timer: ReturnType<typeof setTimeout>;
}

interface Durable {
  filter: string;
  /** Next stream sequence not yet delivered for the first time. */
  nextSeq: number;
  /** Sequences delivered but not acked -> delivery count so far. */
  unacked: Map<number, number>;
  /** Sequences delivered and awaiting the handler's verdict. */
  inflight: Map<number, Delivery>;
  /** Sequences waiting for redelivery (nak, throw, ack wait expired), FIFO. */
  redeliver: number[];
  consumers: Consumer[];
  /** Round-robin cursor over consumers, so competing consumers share the work. */
  rr: number;
}

/** Creates an in-memory durable work queue (JetStream-like stream + durable consumers). */
export function createMemoryQueue(cfg: MemoryQueueConfig = {}): MemoryQueue {
  const ackWaitMs = cfg.ackWaitMs ?? 30_000;
  const maxMessages = cfg.maxMessages ?? 100_000;
  const counters = new Counters();
  const stream: Stored[] = [];
  let firstSeq = 1; // sequence of stream[0]
  let lastSeq = 0;
  const durables = new Map<string, Durable>();
  let closed = false;
  /** Timers of delayed naks, cleared on close. */
  const delayed = new Set<ReturnType<typeof setTimeout>>();

  const get = (seq: number): Stored | undefined => stream[seq - firstSeq];

  function nextFor(d: Durable): Stored | undefined {
    while (d.redeliver.length > 0) {
      const seq = d.redeliver.shift()!;
      const m = get(seq);
      if (m && d.unacked.has(seq) && !d.inflight.has(seq)) return m;
      d.unacked.delete(seq); // dropped by the stream's limit meanwhile
    }
    if (d.nextSeq < firstSeq) d.nextSeq = firstSeq;
    while (d.nextSeq <= lastSeq) {
      const m = get(d.nextSeq++)!;
      if (natsSubjectMatches(d.filter, m.subject)) return m;
    }
    return undefined;
  }

  function idleConsumer(d: Durable): Consumer | undefined {
    const n = d.consumers.length;
    for (let i = 0; i < n; i++) {
      const c = d.consumers[(d.rr + i) % n]!;
      if (!c.busy) {
        d.rr = (d.rr + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  function pump(d: Durable): void {
    if (closed) return;
    for (;;) {
      const c = idleConsumer(d);
      if (!c) return;
      const m = nextFor(d);
      if (!m) return;
      dispatch(d, c, m);
    }
  }

  function dispatch(d: Durable, c: Consumer, m: Stored): void {
    const deliveryCount = (d.unacked.get(m.seq) ?? 0) + 1;
    if (deliveryCount > 1) counters.inc('queue.redelivered');
    d.unacked.set(m.seq, deliveryCount);
    c.busy = true;
    const delivery: Delivery = {
      consumer: c,
      timer: setTimeout(() => {
        // Ack wait expired: the message goes back to the durable (JetStream ack_wait).
        if (d.inflight.get(m.seq) !== delivery) return;
        d.inflight.delete(m.seq);
        d.redeliver.push(m.seq);
        counters.inc('queue.ack_timeout');
        pump(d);
      }, ackWaitMs),
    };
    d.inflight.set(m.seq, delivery);
    const msg: QueueMessage = { subject: m.subject, data: m.data.slice(), deliveryCount };
    // Called asynchronously so a synchronous throw becomes a rejection, and publish never re-enters.
    c.current = Promise.resolve()
      .then(() => c.handler(msg))
      .then(
        (verdict) => settle(verdict === 'ack' || verdict === 'nak' ? verdict : typeof verdict?.nakDelayMs === 'number' ? verdict : 'nak'),
        () => {
          counters.inc('queue.handler_error');
          settle('nak');
        },
      );

    function settle(verdict: QueueVerdict): void {
      c.busy = false;
      if (closed) return;
      const current = d.inflight.get(m.seq) === delivery;
      if (current) {
        clearTimeout(delivery.timer);
        d.inflight.delete(m.seq);
      }
      if (verdict === 'ack') {
        // A late ack (after ack wait) still acks, as JetStream accepts acks of pending messages.
        if (d.unacked.has(m.seq)) d.unacked.delete(m.seq);
        const other = d.inflight.get(m.seq);
        if (other) {
          clearTimeout(other.timer);
          d.inflight.delete(m.seq);
        }
      } else if (current && verdict !== 'nak' && verdict.nakDelayMs > 0) {
        // A delayed nak: the message stays unacked but is offered again only after the delay.
        const t = setTimeout(() => {
          delayed.delete(t);
          if (closed || !d.unacked.has(m.seq)) return;
          d.redeliver.push(m.seq);
          pump(d);
        }, verdict.nakDelayMs);
        delayed.add(t);
      } else if (current) {
        d.redeliver.push(m.seq);
      }
      pump(d);
    }
  }

  return {
    counters,
    async publish(subject, data) {
      if (closed) throw new TransportError('memory queue: publish after close()');
      if (!isValidNatsSubject(subject)) throw new TransportError(`memory queue: invalid subject "${subject}"`);
      stream.push({ seq: ++lastSeq, subject, data: data.slice() });
      while (stream.length > maxMessages) {
        stream.shift();
        firstSeq++;
        counters.inc('queue.dropped_limit');
      }
      for (const d of durables.values()) queueMicrotask(() => pump(d));
    },
    async consume(filter, durable, handler) {
      if (closed) throw new TransportError('memory queue: consume after close()');
      let d = durables.get(durable);
      if (!d) {
        // A new durable starts at the beginning of the stream (JetStream DeliverPolicy.All).
        d = { filter, nextSeq: firstSeq, unacked: new Map(), inflight: new Map(), redeliver: [], consumers: [], rr: 0 };
        durables.set(durable, d);
      } else {
        d.filter = filter; // as a JetStream consumer update would
      }
      const c: Consumer = { handler, busy: false, stopped: false };
      const dur = d;
      dur.consumers.push(c);
      queueMicrotask(() => pump(dur));
      return {
        async stop() {
          if (c.stopped) return;
          c.stopped = true;
          // The consumer's in-flight message stays unacked: its verdict still counts if it comes,
          // otherwise the ack wait hands it to another consumer.
          dur.consumers = dur.consumers.filter((x) => x !== c);
          dur.rr = 0;
          // Like the JetStream queue: wait for the handler in progress, at most the ack wait.
          if (c.busy && c.current) {
            let timer: ReturnType<typeof setTimeout> | undefined;
            await Promise.race([c.current, new Promise((r) => (timer = setTimeout(r, ackWaitMs)))]);
            clearTimeout(timer);
          }
        },
      };
    },
    async close() {
      closed = true;
      for (const t of delayed) clearTimeout(t);
      delayed.clear();
      for (const d of durables.values()) {
        for (const del of d.inflight.values()) clearTimeout(del.timer);
        d.inflight.clear();
        d.consumers = [];
      }
    },
  };
}
