// The interfaces the pipeline's parts meet through. Implementations live in src/transport/ and
// src/store/; each interface has one shared contract test run against every implementation.
import type { MaintenanceOutcome, MaintenanceRequest } from './schemas/cloud.ts';
import type { PlantSyncRequest, PlantSyncResponse } from './schemas/enterprise.ts';

/** Handler for a pub/sub message; must not throw (errors are caught and counted by the transport). */
export type MessageHandler = (topic: string, payload: Uint8Array) => void;

/**
 * Pub/sub with MQTT semantics (`+` and `#` wildcards, retained messages): the site broker.
 * Implemented over MQTT.js (aedes in process, or Mosquitto) and in memory.
 */
export interface Transport {
  /** Resolves once the message is handed to the broker (QoS 1: once the broker acked it). */
  publish(topic: string, payload: Uint8Array | string, opts?: { retain?: boolean; qos?: 0 | 1 }): Promise<void>;
  /** Subscribes with an MQTT filter; resolves once the subscription is active. Returns an unsubscribe. */
  subscribe(filter: string, handler: MessageHandler, opts?: { qos?: 0 | 1 }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A message delivered by a durable queue. */
export interface QueueMessage {
  subject: string;
  data: Uint8Array;
  /** 1 on first delivery, more on redelivery. */
  deliveryCount: number;
}

/**
 * What a queue consumer's handler decided: `ack` removes the message, `nak` redelivers it at once,
 * `{ nakDelayMs }` redelivers it after that long (JetStream's delayed nak) while the consumer goes
 * on with other messages: the way to wait for a lease or a service without blocking the consumer.
 */
export type QueueVerdict = 'ack' | 'nak' | { nakDelayMs: number };

/**
 * A durable, at-least-once work queue with competing consumers: the edge-to-cloud link.
 * Implemented over NATS JetStream (durable pull consumer, explicit acks) and in memory.
 */
export interface WorkQueue {
  /** Resolves once the queue has stored the message durably (JetStream's PubAck). */
  publish(subject: string, data: Uint8Array): Promise<void>;
  /**
   * Consumes messages on `filter` (NATS wildcards `*`, `>`) as the durable consumer `durable`:
   * consumers sharing a durable name share the work. A message is redelivered if the handler
   * returns `nak`, throws, or does not answer within the ack wait.
   */
  consume(filter: string, durable: string, handler: (m: QueueMessage) => Promise<QueueVerdict>): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** A row-returning SQL executor with PostgreSQL syntax (`$1` parameters). */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows: number }>;
}

/** A SQL database: PGlite in process by default, PostgreSQL when DATABASE_URL is set. */
export interface SqlStore extends SqlExecutor {
  /** Runs `fn` in one transaction (BEGIN/COMMIT, ROLLBACK on throw) and returns its result. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** `pglite` or `postgres`, for logs and the dashboard. */
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** The enterprise (ERP + MES) as the cloud uses it. Implemented by an HTTP client of its REST API. */
export interface EnterpriseApi {
  /** Creates notification, purchase order, work order and moves production; idempotent per incidentId. */
  requestMaintenance(req: MaintenanceRequest): Promise<MaintenanceOutcome>;
}

/** The enterprise as the plant floor uses it (the simulator's connector): clock, breakdowns, and actions back. */
export interface PlantFloorApi {
  /** Advances the enterprise clock to the plant's event time, reports events, returns due actions. */
  syncPlant(req: PlantSyncRequest): Promise<PlantSyncResponse>;
}
