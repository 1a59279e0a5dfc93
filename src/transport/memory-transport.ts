// In-memory Transport with MQTT semantics: the embedded bus for tests and single-process demos.
// Same behaviour as the MQTT adapter (wildcards, retained messages, asynchronous delivery), so
// code tested against it behaves the same against aedes or Mosquitto.
import { Counters } from '../core/counters.ts';
import { TransportError } from '../core/errors.ts';
import type { MessageHandler, Transport } from '../core/ports.ts';
import { isValidMqttFilter, isValidMqttTopic, mqttTopicMatches } from './mqtt-topic.ts';
import { toBytes } from './bytes.ts';

interface Subscription {
  filter: string;
  handler: MessageHandler;
  active: boolean;
  counters: Counters;
}

/** A shared in-memory broker; each `connect()` is one client of it. */
export interface MemoryBroker {
  /** A new client of this broker. */
  connect(): MemoryTransport;
  /** Number of retained messages held (for tests and the dashboard). */
  readonly retainedCount: number;
}

/** The in-memory Transport, with its counters (`transport.handler_error`, `transport.delivered`). */
export interface MemoryTransport extends Transport {
  readonly counters: Counters;
}

/** Creates an in-memory MQTT-semantics broker that several clients can share. */
export function createMemoryBroker(): MemoryBroker {
  const subs = new Set<Subscription>();
  const retained = new Map<string, Uint8Array>();

  // Delivery is always asynchronous (a microtask), so a publish never re-enters its caller and
  // per-publisher order is kept (microtasks run FIFO).
  function deliver(sub: Subscription, topic: string, payload: Uint8Array): void {
    queueMicrotask(() => {
      if (!sub.active) return;
      try {
        sub.handler(topic, payload.slice()); // own copy per subscriber, as a network client would get
        sub.counters.inc('transport.delivered');
      } catch {
        sub.counters.inc('transport.handler_error');
      }
    });
  }

  function connect(): MemoryTransport {
    const counters = new Counters();
    const mine = new Set<Subscription>();
    let closed = false;
    const ensureOpen = (op: string) => {
      if (closed) throw new TransportError(`memory transport: ${op} after close()`);
    };
    return {
      counters,
      async publish(topic, payload, opts) {
        ensureOpen('publish');
        if (!isValidMqttTopic(topic)) throw new TransportError(`memory transport: invalid topic name "${topic}"`);
        const bytes = toBytes(payload).slice();
        if (opts?.retain) {
          // MQTT 3.1.1 §3.3.1.3: a retained message with a zero-length payload clears the retained message.
          if (bytes.length === 0) retained.delete(topic);
          else retained.set(topic, bytes);
        }
        for (const sub of subs) if (mqttTopicMatches(sub.filter, topic)) deliver(sub, topic, bytes);
      },
      async subscribe(filter, handler) {
        ensureOpen('subscribe');
        if (!isValidMqttFilter(filter)) throw new TransportError(`memory transport: invalid topic filter "${filter}"`);
        const sub: Subscription = { filter, handler, active: true, counters };
        subs.add(sub);
        mine.add(sub);
        // §3.3.1.3: retained messages matching a new subscription are sent to it.
        for (const [topic, payload] of retained) if (mqttTopicMatches(filter, topic)) deliver(sub, topic, payload);
        return async () => {
          sub.active = false;
          subs.delete(sub);
          mine.delete(sub);
        };
      },
      async close() {
        closed = true;
        for (const sub of mine) {
          sub.active = false;
          subs.delete(sub);
        }
        mine.clear();
      },
    };
  }

  return {
    connect,
    get retainedCount() {
      return retained.size;
    },
  };
}

/** Creates an in-memory Transport: a client of `broker`, or of a new private broker. */
export function createMemoryTransport(broker: MemoryBroker = createMemoryBroker()): MemoryTransport {
  return broker.connect();
}
