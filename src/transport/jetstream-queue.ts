// WorkQueue over NATS JetStream: a file-backed stream (limits retention) and durable pull
// consumers with explicit acks. Consumers sharing a durable name compete for messages; the
// server redelivers what is nak'ed or not acked within ack_wait.
import { AuthorizationError, connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Counters } from '../core/counters.ts';
import { ServiceUnavailableError, TransportError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { silentLogger } from '../core/logger.ts';
import type { QueueMessage, QueueVerdict, WorkQueue } from '../core/ports.ts';

/** Options of the JetStream queue. */
export interface JetStreamQueueConfig {
  /** NATS server URL, e.g. `nats://127.0.0.1:4222`. */
  url: string;
  /** Stream name (created or updated on start). */
  stream?: string;
  /** Subjects the stream captures. */
  subjects?: string[];
  /** Redelivery after this long without an ack (ms); JetStream's own default is 30 s. */
  ackWaitMs?: number;
  logger?: Logger;
  /** Discard messages older than this (ms); 0 keeps them until other limits apply. */
  maxAgeMs?: number;
  /** Messages pulled per request; small, so buffered messages are handled well within the ack wait. */
  pullBatch?: number;
  /** Give up the first connection after this long (ms). */
  connectTimeoutMs?: number;
  /** Username/password for nats-server `authorization { users }` (config/nats/). */
  user?: string;
  pass?: string;
  /** Token authentication (instead of user/pass). */
  token?: string;
  /**
   * Prefix of this client's reply subjects (default `_INBOX`). Give each user its own
   * (`_INBOX_<user>`) so its subscribe permission can be `_INBOX_<user>.>` and no client can
   * read another's JetStream replies and pulled messages.
   */
  inboxPrefix?: string;
}

/** The JetStream WorkQueue, with counters and the stream name it uses. */
export interface JetStreamQueue extends WorkQueue {
  readonly counters: Counters;
  readonly stream: string;
  /** Deletes the stream and its consumers (tests, `edge-pdm reset`). */
  deleteStream(): Promise<void>;
}

const NS_PER_MS = 1_000_000; // JetStream durations are nanoseconds

/** Connects to NATS, ensures the stream exists and returns a WorkQueue over it. */
export async function createJetStreamQueue(cfg: JetStreamQueueConfig): Promise<JetStreamQueue> {
  const log = cfg.logger ?? silentLogger();
  const streamName = cfg.stream ?? 'PDM';
  const subjects = cfg.subjects ?? ['pdm.>'];
  const ackWaitMs = cfg.ackWaitMs ?? 30_000;
  const pullBatch = cfg.pullBatch ?? 10;
  const counters = new Counters();

  let nc: NatsConnection;
  try {
    // maxReconnectAttempts -1: once connected, reconnect forever (the edge link must survive outages).
    nc = await connect({
      servers: cfg.url,
      timeout: cfg.connectTimeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      name: 'edge-pdm',
      ...(cfg.user !== undefined ? { user: cfg.user, pass: cfg.pass ?? '' } : {}),
      ...(cfg.token !== undefined ? { token: cfg.token } : {}),
      ...(cfg.inboxPrefix !== undefined ? { inboxPrefix: cfg.inboxPrefix } : {}),
    });
  } catch (err) {
    // Wrong credentials cannot be fixed by waiting: a TransportError, not "service unavailable".
    // Never the password in the message.
    if (err instanceof AuthorizationError || /authorization/i.test((err as Error).message)) {
      throw new TransportError(`nats server ${cfg.url} refused the credentials${cfg.user !== undefined ? ` of user ${cfg.user}` : ''}: ${(err as Error).message}`, { cause: err });
    }
    throw new ServiceUnavailableError('nats', `cannot connect to ${cfg.url}: ${(err as Error).message}`, { cause: err });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
    await ensureStream(jsm, streamName, subjects, cfg.maxAgeMs ?? 0);
  } catch (err) {
    await nc.close();
    throw new ServiceUnavailableError('nats', `JetStream at ${cfg.url} refused stream ${streamName}: ${(err as Error).message}`, { cause: err });
  }
  const js = jetstream(nc);
  const consumers = new Set<{ stop(): Promise<void> }>();
  let closed = false;
  let closing: Promise<void> | undefined;

  async function ensureConsumer(filter: string, durable: string): Promise<void> {
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All, // a new durable starts at the beginning of the stream
      filter_subject: filter,
      ack_wait: ackWaitMs * NS_PER_MS,
    };
    try {
      await jsm.consumers.add(streamName, config);
    } catch (err) {
      // Exists with another filter or ack wait: update it, as the memory queue does.
      try {
        await jsm.consumers.update(streamName, durable, { filter_subject: filter, ack_wait: ackWaitMs * NS_PER_MS });
      } catch {
        throw new TransportError(`jetstream: cannot create consumer ${durable} on ${streamName} for ${filter}`, { cause: err });
      }
    }
  }

  return {
    counters,
    stream: streamName,
    async publish(subject, data) {
      if (closed) throw new TransportError('jetstream queue: publish after close()');
      try {
        await js.publish(subject, data); // resolves on the PubAck: the stream stored it
      } catch (err) {
        // nats.js refuses a payload over the server's max_payload (nats-server default 1 MiB)
        // before sending it; the server would close the connection on one. Counted, and no retry
        // can help, so the caller gets the reason.
        if (/max_payload/.test((err as Error).message)) counters.inc('queue.publish_oversized');
        throw new TransportError(`jetstream publish to ${subject} failed: ${(err as Error).message}`, { cause: err });
      }
    },
    async consume(filter, durable, handler) {
      if (closed) throw new TransportError('jetstream queue: consume after close()');
      await ensureConsumer(filter, durable);
      const consumer = await js.consumers.get(streamName, durable);
      const messages: ConsumerMessages = await consumer.consume({ max_messages: pullBatch });
      let stopped = false;
      const loop = (async () => {
        for await (const m of messages) {
          if (stopped) break; // buffered messages stay unacked and are redelivered after ack wait
          const msg: QueueMessage = { subject: m.subject, data: m.data, deliveryCount: m.info.deliveryCount };
          let verdict: QueueVerdict;
          try {
            verdict = await handler(msg);
          } catch (err) {
            counters.inc('queue.handler_error');
            log.warn({ err, subject: m.subject, durable }, 'queue handler threw; nak');
            verdict = 'nak';
          }
          if (verdict === 'ack') {
            // ackAck: wait until the server recorded the ack before taking the next message.
            const acked = await m.ackAck().catch(() => false);
            if (!acked) counters.inc('queue.ack_failed');
          } else {
            m.nak(verdict === 'nak' ? undefined : Math.max(0, verdict.nakDelayMs));
            counters.inc('queue.nak');
          }
        }
      })().catch((err: unknown) => log.error({ err, durable }, 'jetstream consume loop failed'));
      const handle = {
        async stop() {
          if (stopped) return;
          stopped = true;
          consumers.delete(handle);
          // close() resolves once the iterator is drained, i.e. after the in-flight handler. Wait
          // for it, but no longer than the ack wait: after that the message is redelivered anyway
          // (a hung handler must not hang shutdown).
          const drained = Promise.all([messages.close(), loop]);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, ackWaitMs)))]);
          clearTimeout(timer);
        },
      };
      consumers.add(handle);
      return handle;
    },
    async deleteStream() {
      await jsm.streams.delete(streamName);
    },
    close() {
      closed = true;
      closing ??= (async () => {
        await Promise.all([...consumers].map((c) => c.stop()));
        if (!nc.isClosed()) await nc.drain();
      })();
      return closing;
    },
  };
}

async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[], maxAgeMs: number): Promise<void> {
  let existing: string[] | undefined;
  try {
    existing = (await jsm.streams.info(name)).config.subjects;
  } catch (err) {
    // Only a missing stream is created here; any other failure (e.g. a permission violation for
    // a restricted edge user, config/nats/README.md) is reported as it is.
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    existing = undefined;
  }
  if (existing === undefined) {
    await jsm.streams.add({
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits, // keep every message so a new durable can start from the beginning
      max_age: maxAgeMs * NS_PER_MS,
    });
    return;
  }
  const missing = subjects.filter((s) => !existing.includes(s));
  if (missing.length > 0) await jsm.streams.update(name, { subjects: [...existing, ...missing] });
}
