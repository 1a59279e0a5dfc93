// Prometheus metrics of one edge agent: a registry per agent (never prom-client's global one, so
// two agents in a process or a test do not collide), fed by pulling the agent's stats() and
// Counters at scrape time and by listening to its events for the latency histograms.
import Fastify from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Counters } from '../core/index.ts';

/**
 * Latency buckets in ms, sub-millisecond to seconds: the in-process target is p99 < 2 ms and the
 * broker path < 10 ms (issue 4); the tail up to 5 s shows a stalled event loop or broker.
 */
export const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** Dead-letter stages that mean the message itself was malformed or inconsistent (vs. stale or unknown). */
const INVALID_STAGES = new Set(['edge.topic', 'edge.decode', 'edge.birth', 'edge.mismatch', 'edge.ack']);

/** What the metrics read from an agent; EdgeAgent satisfies it. Optional parts are used when present. */
export interface EdgeMetricsSource {
  stats(): {
    machines: number; windows: number; alarms: number; reopened: number; cleared: number; escalations: number; acked: number; resent: number; pendingOutbox: number; commands?: number; outboxBytes?: number;
    /** The ingest queue (agent.ts / ingest-shedder.ts), when the source has one. */
    ingest?: { queued: number; queuedBytes: number };
  };
  readonly counters: Counters;
  onEvent?(listener: (e: EdgeMetricsEvent) => void): () => void;
}

/** The part of an agent event the metrics use; `latency` on the alarm event is a proposed agent addition. */
export interface EdgeMetricsEvent {
  type: string;
  alarm?: { state: string; severity?: string };
  command?: unknown;
  latency?: { windowToAlarmMs?: number; windowToCommandMs?: number };
}

export interface EdgeMetrics {
  readonly registry: Registry;
  /** Records a window-arrival → alarm-published latency (ms). */
  observeWindowToAlarmMs(ms: number): void;
  /** Records a window-arrival → command-published latency (ms). */
  observeWindowToCommandMs(ms: number): void;
  /** Pulls from `source` on every scrape and listens to its events; returns an unbind. */
  bind(source: EdgeMetricsSource, extra?: { outboxStats?: () => { entries: number; bytes: number; byClass: Record<string, { entries: number; bytes: number }> } }): () => void;
}

/** Creates the metrics of one agent on a fresh registry (with `labels` as default labels, e.g. { site }). */
export function createEdgeMetrics(options: { labels?: Record<string, string> } = {}): EdgeMetrics {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  const registers = [registry];
  let refresh: () => void = () => undefined;
  const collect = () => refresh();

  const windows = new Counter({ name: 'edge_windows_total', help: 'Telemetry windows processed', registers, collect });
  const machines = new Gauge({ name: 'edge_machines', help: 'Machines with a birth certificate', registers, collect });
  const invalid = new Counter({ name: 'edge_invalid_messages_total', help: 'Messages rejected as malformed or inconsistent, by stage', labelNames: ['stage'], registers, collect });
  const deadLetters = new Counter({ name: 'edge_dead_letters_total', help: 'Dead-lettered messages, by stage', labelNames: ['stage'], registers, collect });
  const alarms = new Counter({ name: 'edge_alarms_total', help: 'Alarm transitions (raised = new incident)', labelNames: ['transition'], registers, collect });
  const commands = new Counter({ name: 'edge_commands_total', help: 'Local commands published to machines', registers, collect });
  const escalations = new Counter({ name: 'edge_escalations_total', help: 'Escalations stored and sent, acked or resent', labelNames: ['event'], registers, collect });
  const quality = new Counter({ name: 'edge_data_quality_events_total', help: 'Data-quality (sensor fault) events', labelNames: ['kind', 'state'], registers, collect });
  const outboxDrops = new Counter({ name: 'edge_outbox_dropped_total', help: 'Outbox entries dropped without an ack, by class and reason', labelNames: ['class', 'reason'], registers, collect });
  const outboxEntries = new Gauge({ name: 'edge_outbox_entries', help: 'Entries waiting in the outbox', labelNames: ['class'], registers, collect });
  const outboxBytes = new Gauge({ name: 'edge_outbox_bytes', help: 'Bytes waiting in the outbox', labelNames: ['class'], registers, collect });
  const shed = new Counter({ name: 'edge_shed_total', help: 'Telemetry windows shed under pressure, by priority rule (README, What we promise)', labelNames: ['reason'], registers, collect });
  const ingestWindows = new Gauge({ name: 'edge_ingest_queue_windows', help: 'Telemetry windows waiting in the ingest queue', registers, collect });
  const ingestBytes = new Gauge({ name: 'edge_ingest_queue_bytes', help: 'Payload bytes waiting in the ingest queue', registers, collect });
  const other = new Counter({ name: 'edge_counter_total', help: 'Every named agent counter (core Counters), by name', labelNames: ['name'], registers, collect });
  const toAlarm = new Histogram({ name: 'edge_window_to_alarm_ms', help: 'Window arrival to alarm published, ms', buckets: LATENCY_BUCKETS_MS, registers });
  const toCommand = new Histogram({ name: 'edge_window_to_command_ms', help: 'Window arrival to command published, ms', buckets: LATENCY_BUCKETS_MS, registers });

  // Sources report running totals; Prometheus counters only go up, so add the increase since the
  // last scrape (a total that went down means a new source: start over from it).
  const seen = new Map<string, number>();
  const feed = (key: string, total: number, add: (by: number) => void) => {
    const before = seen.get(key) ?? 0;
    seen.set(key, total);
    if (total > before) add(total - before);
  };
  let commandEvents = 0;

  return {
    registry,
    observeWindowToAlarmMs: (ms) => toAlarm.observe(ms),
    observeWindowToCommandMs: (ms) => toCommand.observe(ms),
    bind(source, extra) {
      let lastMs = -Infinity;
      refresh = () => {
        const now = performance.now();
        if (now - lastMs < 20) return; // one pull per scrape, not one per metric
        lastMs = now;
        const s = source.stats();
        feed('windows', s.windows, (by) => windows.inc(by));
        machines.set(s.machines);
        feed('alarms.raised', s.alarms, (by) => alarms.inc({ transition: 'raised' }, by));
        feed('alarms.reopened', s.reopened, (by) => alarms.inc({ transition: 'reopened' }, by));
        feed('alarms.cleared', s.cleared, (by) => alarms.inc({ transition: 'cleared' }, by));
        feed('commands', s.commands ?? commandEvents, (by) => commands.inc(by));
        feed('esc.stored', s.escalations, (by) => escalations.inc({ event: 'stored' }, by));
        feed('esc.acked', s.acked, (by) => escalations.inc({ event: 'acked' }, by));
        feed('esc.resent', s.resent, (by) => escalations.inc({ event: 'resent' }, by));
        for (const [name, total] of Object.entries(source.counters.snapshot())) {
          feed(`c.${name}`, total, (by) => other.inc({ name }, by));
          if (name.startsWith('deadletter.')) {
            const stage = name.slice('deadletter.'.length);
            feed(`dl.${stage}`, total, (by) => deadLetters.inc({ stage }, by));
            if (INVALID_STAGES.has(stage)) feed(`inv.${stage}`, total, (by) => invalid.inc({ stage }, by));
          } else if (name.startsWith('edge.outbox_dropped.')) {
            const [cls = 'unknown', reason = 'unknown'] = name.slice('edge.outbox_dropped.'.length).split('.');
            feed(`drop.${name}`, total, (by) => outboxDrops.inc({ class: cls, reason }, by));
          } else if (name.startsWith('edge.shed.')) {
            const reason = name.slice('edge.shed.'.length);
            feed(`shed.${reason}`, total, (by) => shed.inc({ reason }, by));
          } else if (name.startsWith('edge.quality.')) {
            // The agent counts data-quality events as `edge.quality.<state>.<kind>`.
            const [state = 'unknown', kind = 'unknown'] = name.slice('edge.quality.'.length).split('.');
            feed(`dq.${name}`, total, (by) => quality.inc({ kind, state }, by));
          }
        }
        if (s.ingest) {
          ingestWindows.set(s.ingest.queued);
          ingestBytes.set(s.ingest.queuedBytes);
        }
        const ob = extra?.outboxStats?.();
        if (ob) {
          outboxEntries.set({ class: 'all' }, ob.entries);
          outboxBytes.set({ class: 'all' }, ob.bytes);
          for (const [cls, v] of Object.entries(ob.byClass)) {
            outboxEntries.set({ class: cls }, v.entries);
            outboxBytes.set({ class: cls }, v.bytes);
          }
        } else {
          outboxEntries.set({ class: 'all' }, s.pendingOutbox);
          if (s.outboxBytes !== undefined) outboxBytes.set({ class: 'all' }, s.outboxBytes);
        }
      };
      const off = source.onEvent?.((e) => {
        if (e.type === 'alarm' && e.alarm?.state === 'raised' && e.command !== undefined) commandEvents++;
        if (e.latency?.windowToAlarmMs !== undefined) toAlarm.observe(e.latency.windowToAlarmMs);
        if (e.latency?.windowToCommandMs !== undefined) toCommand.observe(e.latency.windowToCommandMs);
      });
      return () => {
        off?.();
        refresh = () => undefined;
      };
    },
  };
}

export interface MetricsServer {
  /** Base URL, e.g. http://127.0.0.1:9464 (the port the OS chose when `port` was 0). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` (Prometheus text format) for `registry` on host:port (port 0 = any free port). */
export async function startMetricsServer(options: { host?: string; port: number; registry: Registry }): Promise<MetricsServer> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => app.close(),
  };
}
