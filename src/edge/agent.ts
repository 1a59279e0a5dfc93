// The edge agent of one site: births and telemetry from the site broker → per-machine monitor →
// on a raise, local action at once (alarm + command on the broker), then the evidence goes into
// the durable outbox and over the cloud link; an entry leaves the outbox only on the cloud's
// application ack. While the incident stays open, evidence updates follow at a bounded cadence of
// event time (incident-updates.ts), through the same boundary and outbox, below alarms.
// Logic runs on event time; wall time only measures latency and paces resends.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import {
  AlarmEvent, ConfigError, Counters, DataQualityEvent, FleetPrior, DeadLetterQueue, decodeJson, decodeWindow, encodeJson, Escalation, EscalationAck, incidentId, incidentOfUpdateId, IncidentUpdate, isIncidentUpdateId,
  MachineBirth, machineTopic, OutboxFullError, parseMachineTopic, siteFilter, silentLogger, subjects,
  type Logger, type MachineCommand, type MachineStatus, type TelemetryWindow, type Transport, type WorkQueue,
} from '../core/index.ts';
import { createOutbox, type Outbox, type OutboxStats } from './outbox/outbox.ts';
import { createIncidentRecorder } from './features/incident-recording.ts';
import { createMachineMonitor, MonitorConfig, type MachineMonitor, type Observation } from './machine-monitor.ts';
import type { AlarmTransition } from './alarm.ts';
import type { QualityTransition } from './quality/checker.ts';
import type { Destination, OutboundGuard } from '../sovereignty/index.ts';
import { createSealedOutbound, createSealedStatus } from './sealed-outbound.ts';
import { createSiteModels, SiteModelsConfig, type SiteModels } from './models/site-models.ts';
import type { ModelSlot } from './models/model-slot.ts';
import type { TrustedKeys } from './models/verify.ts';
import { createIngestShedder, IngestConfig, type IngestPriority, type IngestStats } from './ingest-shedder.ts';
import { createFeatureTrends, FeatureTrendConfig, type FeatureTrends } from './feature-trends.ts';
import { createFeatureForests } from './feature-forest.ts';
import { buildIncidentUpdate, createIncidentUpdates, IncidentUpdateConfig, trendsSince, type UpdateReason } from './incident-updates.ts';
import { createSealedUpdate } from './sealed-update.ts';

export const EdgeAgentConfig = MonitorConfig.extend({
  site: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  dataDir: z.string().min(1).describe('the outbox lives in <dataDir>/outbox'),
  resendAfterMs: z.number().int().positive().default(10_000).describe('resend an unacked escalation after this long (wall clock)'),
  statusEveryWindows: z.number().int().positive().default(10).describe('MachineStatus on the link every N windows of a machine'),
  outboxMaxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  models: SiteModelsConfig.prefault({}),
  ingest: IngestConfig.prefault({}).describe('the bounded ingest queue and its shedding rules (ingest-shedder.ts)'),
  preAlarmHoldWindows: z.number().int().min(0).default(20).describe('windows a machine stays protected from shedding after one scored at or above alarm.high (its alarm on-delay has started: a pre-alarm)'),
  trends: FeatureTrendConfig.prefault({}).describe('the history of the features that track fault progress, sent with an escalation (feature-trends.ts)'),
  updates: IncidentUpdateConfig.prefault({}).describe('evidence updates of open incidents for the cloud\'s remaining-life refit (incident-updates.ts)'),
  modelInflightBatches: z.number().int().min(1).default(4).describe('edge-model batches (of models.maxBatch windows) awaiting onnxruntime; beyond, a window is not model-scored (edge.model.skipped_busy)'),
});

export type EdgeAgentOptions = z.input<typeof EdgeAgentConfig> & {
  transport: Transport;
  link: WorkQueue;
  logger?: Logger;
  counters?: Counters;
  /**
   * The site's boundary (src/sovereignty): when set, every escalation passes the data policy and is
   * sealed with the site's key before the outbox; the outbox then holds and sends only the envelope.
   */
  guard?: OutboundGuard;
  /** Where escalations go, as the policy sees it (required with `guard`), e.g. { name: 'cloud-diagnosis', jurisdiction: 'DE' }. */
  destination?: Destination;
  /** Public keys (by keyId) that signed edge-model releases must verify against; none = every release is rejected and counted. */
  modelKeys?: TrustedKeys;
};

export type EdgeAgentEvent =
  | { type: 'alarm'; alarm: AlarmEvent; command?: MachineCommand; latency?: { windowToAlarmMs: number; windowToCommandMs: number } }
  | { type: 'escalated'; escalation: Escalation; published: boolean }
  | { type: 'updated'; update: IncidentUpdate; reason: UpdateReason; bytes: number; published: boolean }
  | { type: 'acked'; ack: EscalationAck; deleted: boolean }
  | { type: 'status'; status: MachineStatus }
  | { type: 'quality'; event: DataQualityEvent };

export interface EdgeAgentStats {
  machines: number;
  windows: number;
  /** Incidents raised (each escalated once). */
  alarms: number;
  /** Raises that reopened a recently cleared incident (local action again, no new escalation). */
  reopened: number;
  cleared: number;
  /** Data-quality (sensor fault) events raised and cleared; they never open an incident. */
  qualityRaised: number;
  qualityCleared: number;
  /** Windows of stopped machines (neither learned nor scored). */
  stoppedWindows: number;
  escalations: number;
  /** Evidence updates of open incidents stored in the outbox (class 'status': dropped before alarms). */
  updates: number;
  /** Updates that were due but not stored (outbox full of alarms, sealing failed or kept on site by policy). */
  updatesDropped: number;
  /** Updates the cloud acked. */
  updatesAcked: number;
  /** Escalations the site's policy kept on site (never stored, never sent). */
  escalationsBlocked: number;
  /** Bytes and messages handed to the cloud link (escalations and updates with resends, and statuses). */
  linkBytesOut: number;
  linkMessagesOut: number;
  acked: number;
  resent: number;
  pendingOutbox: number;
  /** Bytes the outbox holds (all classes). */
  outboxBytes: number;
  /** Local commands handed to the broker. */
  commands: number;
  deadLetters: number;
  /** Windows the edge model scored (asynchronously, in batches). */
  modelScored: number;
  /** Windows not model-scored because modelInflightBatches were already waiting (the fusion goes on without). */
  modelSkippedBusy: number;
  /** Telemetry windows shed under pressure (all reasons; by reason in `ingest.shed` and counters `edge.shed.<reason>`). */
  shed: number;
  /** The ingest queue: its depth, its peak, and what it shed by reason. */
  ingest: IngestStats;
  /** Fleet priors accepted (machine types). */
  priors: number;
  /** Wall time from a window's arrival to its command being handed to the broker (ms). */
  commandLatencyMsP50: number;
  commandLatencyMsP99: number;
  commandLatencyMsMax: number;
}

export interface EdgeAgent {
  stats(): EdgeAgentStats;
  /** The outbox's entries and bytes by class and its drops by reason (for /metrics). */
  outboxStats(): OutboxStats;
  readonly counters: Counters;
  readonly deadLetters: DeadLetterQueue;
  /** The edge-model slot of a machine type (an operator's promote / rollback), if the type has one. */
  modelSlot(machineType: string): ModelSlot | undefined;
  /** Calls `listener` on alarms, escalations, acks and status; returns an unsubscribe. */
  onEvent(listener: (e: EdgeAgentEvent) => void): () => void;
  close(): Promise<void>;
}

interface MachineEntry {
  monitor: MachineMonitor;
  /** History of the progress-tracking features, for the evidence (remaining useful life). */
  trends: FeatureTrends;
  lastSeq?: number;
  /** Protected from shedding until the monitor has seen this many windows (a recent pre-alarm score). */
  hotUntil?: number;
  /** Id of the machine's open incident (evidence updates go out for it). */
  incident?: string;
}

/** A telemetry message waiting in the ingest queue, still undecoded (a shed one costs no decode). */
interface IngestItem {
  topic: string;
  payload: Uint8Array;
  arrivedMs: number;
}

const LATENCY_SAMPLES = 1024;

function percentile(v: number[], q: number): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Starts an edge agent: subscribes to the site's births and telemetry and to its acks on the link. */
export async function createEdgeAgent(options: EdgeAgentOptions): Promise<EdgeAgent> {
  const { transport, link } = options;
  const cfg = EdgeAgentConfig.parse(options);
  const { site } = cfg;
  const log = options.logger ?? silentLogger();
  const counters = options.counters ?? new Counters();
  const deadLetters = new DeadLetterQueue(counters, 1000, (d) => log.warn({ stage: d.stage, topic: d.topic, reason: d.reason }, 'dead letter'));
  const outbox: Outbox = await createOutbox({ dir: `${cfg.dataDir}/outbox`, maxBytes: cfg.outboxMaxBytes }, { counters });
  if (outbox.recoveredTornBytes > 0) log.warn({ bytes: outbox.recoveredTornBytes }, 'outbox: the imported legacy log had a torn tail (cut)');
  if (outbox.importedLegacy > 0) log.info({ entries: outbox.importedLegacy }, 'outbox: imported the entries of a legacy outbox.log');
  const machines = new Map<string, MachineEntry>();
  const listeners = new Set<(e: EdgeAgentEvent) => void>();
  const latencies: number[] = [];
  const n = { modelScored: 0, modelSkippedBusy: 0, priors: 0, windows: 0, alarms: 0, reopened: 0, cleared: 0, qualityRaised: 0, qualityCleared: 0, stoppedWindows: 0, escalations: 0, updates: 0, updatesDropped: 0, updatesAcked: 0, escalationsBlocked: 0, linkBytesOut: 0, linkMessagesOut: 0, acked: 0, resent: 0, commands: 0, deadLetters: 0 };
  if (options.guard && !options.destination) throw new ConfigError('edge agent: a guard needs a destination ({ name, jurisdiction }) for its policy');
  const outbound = createSealedOutbound({ guard: options.guard, destination: options.destination, counters, log });
  const sealStatus = createSealedStatus({ guard: options.guard, destination: options.destination, counters, log });
  const sealUpdate = createSealedUpdate({ guard: options.guard, destination: options.destination, counters, log });
  // Open incidents' evidence updates: their cadence, and whether their escalation was acked yet.
  const updates = createIncidentUpdates(cfg.updates);
  const inflight = new Set<Promise<void>>();
  let closed = false;
  const priors = new Map<string, FleetPrior>();
  // One Half-Space Trees forest per machine type on this site, shared by its machines' monitors.
  const forests = createFeatureForests(cfg.forest);
  let models: SiteModels | undefined;
  let modelInflight = 0; // windows handed to the model scorer, not yet scored
  const modelInflightMax = cfg.modelInflightBatches * (cfg.models.maxBatch ?? 64);
  // A window at or above alarm.high starts the alarm's on-delay (raiseAfter windows): from then on the
  // machine's windows are evidence. alarm.low would protect healthy machines too often (a healthy
  // window exceeds it now and then), leaving nothing to shed.
  const preAlarmScore = cfg.alarm.high ?? 6;
  // Vibration windows of machines whose incident is opening or open, for the incident's envelope and
  // shaft diagnostics (one window is too short on slow machines; see incident-recording.ts).
  const recorder = createIncidentRecorder();

  const emit = (e: EdgeAgentEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.error({ err }, 'event listener threw');
      }
    }
  };
  const dead = (stage: string, reason: string, topic: string, payload: Uint8Array) => {
    n.deadLetters++;
    deadLetters.add(stage, reason, topic, payload);
  };
  /** Runs async work off the message handler (which must not throw) and lets close() wait for it. */
  const track = (what: string, p: Promise<unknown>) => {
    const q = p.then(
      () => undefined,
      (err) => {
        counters.inc(`edge.error.${what}`);
        log.error({ err }, `edge: ${what} failed`);
      },
    );
    inflight.add(q);
    void q.finally(() => inflight.delete(q));
  };

  function onBirth(topic: string, payload: Uint8Array): void {
    if (closed) return;
    const addr = parseMachineTopic(topic);
    if (!addr.ok) return dead('edge.topic', addr.reason, topic, payload);
    const key = `${addr.value.line}/${addr.value.machine}`;
    if (payload.byteLength === 0) {
      machines.delete(key); // a cleared retained birth: the machine left the site
      return;
    }
    const b = decodeJson(MachineBirth, payload);
    if (!b.ok) return dead('edge.birth', b.reason, topic, payload);
    if (b.value.site !== addr.value.site || b.value.line !== addr.value.line || b.value.machine !== addr.value.machine) {
      return dead('edge.mismatch', `birth names ${b.value.site}/${b.value.line}/${b.value.machine}, topic ${topic}`, topic, payload);
    }
    const known = machines.get(key);
    if (known && JSON.stringify(known.monitor.birth.bearing) === JSON.stringify(b.value.bearing) && known.monitor.birth.machineType === b.value.machineType) {
      // A rebirth (e.g. the machine's gateway restarted): keep what was learned, restart the sequence.
      known.monitor.birth = b.value;
      known.lastSeq = undefined;
    } else {
      const monitor = createMachineMonitor(b.value, cfg, { forests });
      // A new machine of a type the fleet knows starts from the fleet's healthy baseline.
      monitor.setPrior(priors.get(b.value.machineType)?.regimes);
      machines.set(key, { monitor, trends: createFeatureTrends(cfg.trends) });
    }
    counters.inc('edge.births');
  }

  /**
   * How a machine's windows rank when the agent is behind (README, "What we promise"): an open
   * incident or a pre-alarm score in its last preAlarmHoldWindows windows carries evidence and is
   * never shed; a machine scoring steadily normal is thinned first; learning, stopped and unknown
   * machines are coalesced.
   */
  function classify(key: string): IngestPriority {
    const m = machines.get(key);
    if (!m) return 'other';
    const state = m.monitor.state();
    if (state === 'alarm' || (m.hotUntil !== undefined && m.monitor.windows <= m.hotUntil)) return 'protected';
    return state === 'normal' ? 'steady' : 'other';
  }

  const ingest = createIngestShedder<IngestItem>({
    config: cfg.ingest,
    classify,
    process: (it) => processTelemetry(it.topic, it.payload, it.arrivedMs),
    onShed: (reason) => counters.inc(`edge.shed.${reason}`),
    onShedding: (on, st) => {
      if (on) log.warn({ queued: st.queued, queuedBytes: st.queuedBytes, shed: st.shed }, 'ingest: behind, shedding telemetry by priority');
      else log.info({ queued: st.queued, shed: st.shed }, 'ingest: caught up, shedding stopped');
    },
    onError: (err) => {
      counters.inc('edge.error.ingest');
      log.error({ err }, 'edge: processing a window failed');
    },
  });

  /** The broker's handler: only the topic is read here; the window waits, is processed or is shed by the ingest stage. */
  function onTelemetry(topic: string, payload: Uint8Array): void {
    const arrivedMs = performance.now();
    if (closed) return;
    const addr = parseMachineTopic(topic);
    if (!addr.ok) return dead('edge.topic', addr.reason, topic, payload);
    ingest.offer(`${addr.value.line}/${addr.value.machine}`, { topic, payload, arrivedMs }, payload.byteLength);
  }

  function processTelemetry(topic: string, payload: Uint8Array, arrivedMs: number): void {
    const addr = parseMachineTopic(topic);
    if (!addr.ok) return dead('edge.topic', addr.reason, topic, payload);
    const w = decodeWindow(payload);
    if (!w.ok) return dead('edge.decode', w.reason, topic, payload);
    const { line, machine } = addr.value;
    if (w.value.site !== addr.value.site || w.value.line !== line || w.value.machine !== machine) {
      return dead('edge.mismatch', `payload names ${w.value.site}/${w.value.line}/${w.value.machine}, topic ${topic}`, topic, payload);
    }
    const m = machines.get(`${line}/${machine}`);
    if (!m) return dead('edge.unknown-machine', `no birth certificate for ${line}/${machine}`, topic, payload);
    if (m.lastSeq !== undefined && w.value.seq <= m.lastSeq) {
      return dead('edge.stale', `seq ${w.value.seq} not after ${m.lastSeq} (duplicate or out of order)`, topic, payload);
    }
    if (m.lastSeq !== undefined && w.value.seq > m.lastSeq + 1) counters.inc('edge.seq_gap', w.value.seq - m.lastSeq - 1);
    m.lastSeq = w.value.seq;
    const r = m.monitor.observe(w.value);
    if (!r.ok) return dead('edge.features', r.reason, topic, payload);
    n.windows++;
    counters.inc('edge.windows');
    const reg = r.value.regime;
    if (reg.running && !reg.transient) {
      // Faulty channels' levels stay out of the history, as they stay out of scoring.
      const all = { ...r.value.features.features, ...r.value.features.evidence.features };
      for (const ch of r.value.excluded) delete all[`scalar.${ch}`];
      m.trends.update(w.value.ts, reg.key, all);
    }
    if (r.value.state === 'alarm' || r.value.score >= preAlarmScore) m.hotUntil = m.monitor.windows + cfg.preAlarmHoldWindows;
    recorder.offer(`${line}/${machine}`, w.value, m.monitor.birth, r.value.state === 'alarm' || r.value.score >= preAlarmScore);
    if (r.value.state === 'stopped') {
      n.stoppedWindows++;
      counters.inc('edge.windows_stopped');
    }
    for (const q of r.value.quality) track('quality', sendQuality(m, q));
    // The edge model scores the window off the hot path: its score joins the next windows' fusion.
    // Bounded: when the scorer is behind, this window goes without a model score (the fusion
    // already takes the latest recent one, or none) rather than queueing without bound.
    const mr = r.value.modelRow;
    const busy = mr !== undefined && models !== undefined && modelInflight >= modelInflightMax;
    if (busy) {
      n.modelSkippedBusy++;
      counters.inc('edge.model.skipped_busy');
    }
    const pending = mr && !busy ? models?.score(m.monitor.birth.machineType, mr.row) : undefined;
    if (mr && pending) {
      modelInflight++;
      track('model', pending.then((ws) => {
        n.modelScored++;
        m.monitor.noteModelScore(mr.ticket, ws.score);
        ws.judge(mr.ticket.learned);
      }).finally(() => modelInflight--));
    }
    const t = r.value.transition;
    if (t?.kind === 'raised') {
      m.incident = incidentId(site, m.monitor.birth.machine, t.openedAtMs);
      if (t.reopened) updates.reopened(m.incident);
      track('raise', raise(m, w.value, r.value, t, arrivedMs));
    } else if (t?.kind === 'cleared') {
      if (m.incident) updates.closed(m.incident);
      m.incident = undefined;
      track('clear', clear(m, w.value, t));
    } else if (m.incident && reg.running && !reg.transient) {
      const open = m.monitor.incident();
      const due = open && updates.due(m.incident, w.value.ts, open.severity);
      if (open && due) track('update', sendUpdate(m, m.incident, open.openedAtMs, w.value, r.value, due));
    }
    if (m.monitor.windows % cfg.statusEveryWindows === 0) track('status', sendStatus(m, w.value, r.value));
  }

  function alarmEvent(m: MachineEntry, state: AlarmEvent['state'], id: string, severity: AlarmEvent['severity'], score: number, ts: number): AlarmEvent {
    const { line, machine } = m.monitor.birth;
    return { v: 1, incidentId: id, site, line, machine, state, severity, score, ts };
  }

  async function raise(m: MachineEntry, w: TelemetryWindow, obs: Observation, t: Extract<AlarmTransition, { kind: 'raised' }>, arrivedMs: number): Promise<void> {
    if (t.reopened) n.reopened++;
    else n.alarms++;
    const birth = m.monitor.birth;
    const id = incidentId(site, birth.machine, t.openedAtMs);
    const alarm = alarmEvent(m, 'raised', id, t.severity, t.score, w.ts);
    const command: MachineCommand = { v: 1, incidentId: id, action: 'reduce-load', reason: `${t.severity} anomaly, score ${t.score.toFixed(1)}`, ts: w.ts };
    // Local action first and concurrently: it must not wait for the cloud or the disk.
    const commandSent = transport.publish(machineTopic(birth, 'command'), encodeJson(command), { qos: 1 }).then(() => {
      const ms = performance.now() - arrivedMs;
      latencies.push(ms);
      if (latencies.length > LATENCY_SAMPLES) latencies.shift();
      n.commands++;
      return ms;
    });
    const alarmSent = transport.publish(machineTopic(birth, 'alarm'), encodeJson(alarm), { qos: 1 }).then(() => performance.now() - arrivedMs);
    const [c, a] = await Promise.allSettled([commandSent, alarmSent]);
    if (c.status === 'rejected') {
      counters.inc('edge.command_failed');
      log.error({ err: c.reason, incidentId: id }, 'command publish failed');
    }
    if (a.status === 'rejected') counters.inc('edge.alarm_publish_failed');
    const latency = c.status === 'fulfilled' && a.status === 'fulfilled' ? { windowToAlarmMs: a.value, windowToCommandMs: c.value } : undefined;
    emit({ type: 'alarm', alarm, command, latency });
    log.info({ incidentId: id, severity: t.severity, score: t.score }, t.reopened ? 'alarm reopened' : 'alarm raised');
    // A reopened incident was escalated when it first opened: the cloud already decided on it.
    if (t.reopened) return;

    const escalation: Escalation = {
      v: 1, id, site, line: birth.line, machine: birth.machine, machineType: birth.machineType,
      openedAt: t.openedAtMs, severity: t.severity, score: t.score,
      evidence: { ...obs.features.evidence, baseline: obs.baseline ?? {}, ...recorder.diagnose(`${birth.line}/${birth.machine}`, w, birth), trends: m.trends.summary(obs.regime.key, t.openedAtMs) },
      sentAtMs: Date.now(),
    };
    const valid = Escalation.safeParse(escalation);
    if (!valid.success) {
      counters.inc('edge.escalation_invalid');
      log.error({ incidentId: id, issues: valid.error.issues.slice(0, 3) }, 'escalation failed its own schema; not sent');
      return;
    }
    const out = await outbound(escalation);
    if (!out.ok) {
      if (out.blocked) n.escalationsBlocked++;
      return;
    }
    const { bytes } = out;
    let stored: 'stored' | 'duplicate';
    try {
      stored = await outbox.put(id, bytes);
    } catch (err) {
      counters.inc(err instanceof OutboxFullError ? 'edge.outbox_full' : 'edge.outbox_error');
      log.error({ err, incidentId: id }, 'escalation could not be stored; the local action stands');
      return;
    }
    updates.opened(id, t.openedAtMs, t.severity, escalation.evidence);
    if (stored === 'duplicate') return; // already pending: the resend timer carries it
    n.escalations++;
    emit({ type: 'escalated', escalation, published: await send(id, bytes) });
  }

  async function clear(m: MachineEntry, w: TelemetryWindow, t: Extract<AlarmTransition, { kind: 'cleared' }>): Promise<void> {
    n.cleared++;
    // No automatic 'resume' command: if reduced load is what quietened the machine, resuming would
    // re-raise, and the cycle would be an alarm storm spread over incidents. People resume.
    const alarm = alarmEvent(m, 'cleared', incidentId(site, m.monitor.birth.machine, t.openedAtMs), t.severity, t.score, w.ts);
    await transport.publish(machineTopic(m.monitor.birth, 'alarm'), encodeJson(alarm), { qos: 1 });
    emit({ type: 'alarm', alarm });
  }

  /**
   * An evidence update of an open incident: this window's evidence without its spectra (the
   * escalation showed them), the history points since the last evidence sent, and the healthy
   * levels the escalation's history implied. Queued below alarms (outbox class 'status').
   */
  async function sendUpdate(m: MachineEntry, id: string, openedAtMs: number, w: TelemetryWindow, obs: Observation, due: { reason: UpdateReason; sinceMs: number }): Promise<void> {
    const birth = m.monitor.birth;
    const { spectra: _spectra, ...evidence } = obs.features.evidence;
    const update = buildIncidentUpdate({
      incidentId: id, site, line: birth.line, machine: birth.machine, machineType: birth.machineType, openedAtMs, tsMs: w.ts,
      severity: m.monitor.incident()?.severity ?? 'warning', score: obs.score,
      evidence: { ...evidence, baseline: updates.healthy(id), trends: trendsSince(m.trends.summary(obs.regime.key, w.ts), due.sinceMs, w.ts) },
      sentAtMs: Date.now(),
    });
    const dropped = (counter: string) => {
      n.updatesDropped++;
      counters.inc(counter);
    };
    if (!IncidentUpdate.safeParse(update).success) return dropped('edge.update_invalid');
    const out = await sealUpdate(update);
    if (!out.ok) return dropped('edge.update_dropped.sealing');
    try {
      if ((await outbox.put(update.id, out.bytes, { class: 'status' })) === 'duplicate') return;
    } catch (err) {
      // Full of alarms (an update never evicts one): this update is lost, the next one supersedes it.
      dropped(err instanceof OutboxFullError ? 'edge.update_dropped.outbox_full' : 'edge.update_dropped.outbox_error');
      log.warn({ err, updateId: update.id }, 'incident update not stored');
      return;
    }
    n.updates++;
    counters.inc(`edge.update.${due.reason}`);
    emit({ type: 'updated', update, reason: due.reason, bytes: out.bytes.byteLength, published: await send(update.id, out.bytes, 'update') });
  }

  /** Counts what left over the link (for the sovereignty view: bytes per machine-hour). */
  const countOut = (kind: 'escalation' | 'status' | 'update', bytes: Uint8Array) => {
    n.linkBytesOut += bytes.byteLength;
    n.linkMessagesOut++;
    counters.inc('edge.link.bytes_out', bytes.byteLength);
    counters.inc(`edge.link.bytes_out.${kind}`, bytes.byteLength);
    counters.inc('edge.link.messages_out');
  };

  /** One attempt to hand an escalation (or an update) to the link; failures leave it in the outbox for the timer. */
  async function send(id: string, bytes: Uint8Array, kind: 'escalation' | 'update' = 'escalation'): Promise<boolean> {
    outbox.markAttempt(id, Date.now());
    try {
      await link.publish(kind === 'update' ? subjects.update(site) : subjects.escalation(site), bytes);
      countOut(kind, bytes);
      return true;
    } catch (err) {
      counters.inc('edge.link_publish_failed');
      log.debug({ err, id }, 'link publish failed; will resend');
      return false;
    }
  }

  /** Publishes a data-quality event on the machine's quality topic (site broker): a sensor fault, not an incident. */
  async function sendQuality(m: MachineEntry, q: QualityTransition): Promise<void> {
    const b = m.monitor.birth;
    if (q.state === 'raised') n.qualityRaised++;
    else n.qualityCleared++;
    counters.inc(`edge.quality.${q.state}.${q.kind}`);
    const event: DataQualityEvent = { v: 1, site, line: b.line, machine: b.machine, channel: q.channel, kind: q.kind, state: q.state, ts: q.tsMs, detail: q.detail.slice(0, 500) };
    log.info({ machine: b.machine, channel: q.channel, kind: q.kind, state: q.state }, 'data quality');
    emit({ type: 'quality', event });
    try {
      await transport.publish(machineTopic(b, 'quality'), encodeJson(event), { qos: 1 });
    } catch {
      counters.inc('edge.quality_publish_failed');
    }
  }

  async function sendStatus(m: MachineEntry, w: TelemetryWindow, obs: Observation): Promise<void> {
    const b = m.monitor.birth;
    const status: MachineStatus = { v: 1, site, line: b.line, machine: b.machine, machineType: b.machineType, ts: w.ts,
      // The core enum has no 'stopped' yet: a stopped machine with no open incident reports 'normal'.
      state: obs.state, score: obs.score, windows: m.monitor.windows };
    const modelVersion = models?.version(b.machineType);
    if (modelVersion) status.modelVersion = modelVersion;
    // The window's model features (derived, never raw) and its regime: the cloud trains the next
    // edge model and the fleet prior on the healthy ones.
    if (obs.modelRow) {
      status.features = obs.modelRow.row;
      status.regime = obs.regime.key;
    }
    try {
      // Sealed like an escalation when the site has a guard; undefined when the policy keeps it on site.
      const bytes = await sealStatus(status);
      if (bytes) {
        await link.publish(subjects.status(site), bytes);
        countOut('status', bytes);
        counters.inc('edge.status_sent');
      }
    } catch {
      counters.inc('edge.status_failed'); // status is periodic and superseded by the next: count, do not retry
    }
    emit({ type: 'status', status });
  }

  let resending = false;
  /** Resends what is due, oldest first, with per-entry exponential backoff; stops at the first failure so order holds and a dead link is not hammered. */
  async function resendDue(): Promise<void> {
    if (resending || closed) return;
    resending = true;
    try {
      for (const e of outbox.due(Date.now(), { baseMs: cfg.resendAfterMs, maxMs: 16 * cfg.resendAfterMs })) {
        if (closed) break;
        n.resent++;
        counters.inc('edge.resent');
        if (!(await send(e.id, e.payload, e.class === 'alarm' ? 'escalation' : 'update'))) break;
      }
    } finally {
      resending = false;
    }
  }
  const tickMs = Math.max(10, Math.min(1000, Math.floor(cfg.resendAfterMs / 4)));
  const timer = setInterval(() => track('resend', resendDue()), tickMs);
  timer.unref();

  async function onAck(data: Uint8Array, subject: string): Promise<'ack' | 'nak'> {
    const r = decodeJson(EscalationAck, data);
    if (!r.ok) {
      dead('edge.ack', r.reason, subject, data);
      return 'ack'; // a malformed ack will not improve on redelivery
    }
    if (r.value.site !== site) {
      dead('edge.ack', `ack for site ${r.value.site} on ${subject}`, subject, data);
      return 'ack';
    }
    const isUpdate = isIncidentUpdateId(r.value.escalationId);
    // Refused (the incident is closed at the cloud, e.g. repaired, or unknown there): send no more for
    // it, from now on: a window processed while the delete commits would otherwise queue one more.
    if (isUpdate && r.value.outcome === 'rejected') updates.escalation(incidentOfUpdateId(r.value.escalationId), 'refused');
    const deleted = await outbox.delete(r.value.escalationId); // throws → nak → redelivered
    if (isUpdate) {
      // An update's ack (same subject and message): counted apart, it says nothing of the escalation.
      if (deleted) {
        n.updatesAcked++;
        counters.inc(`edge.update_acked.${r.value.outcome}`);
      }
      emit({ type: 'acked', ack: r.value, deleted });
      return 'ack';
    }
    // Updates of an incident flow once the cloud has decided on it (an update it cannot place is refused).
    updates.escalation(r.value.escalationId, r.value.outcome === 'rejected' ? 'refused' : 'acked');
    if (deleted) {
      n.acked++;
      counters.inc(`edge.acked.${r.value.outcome}`);
      if (r.value.outcome === 'rejected') log.warn({ id: r.value.escalationId, detail: r.value.detail }, 'cloud rejected an escalation');
    } else {
      counters.inc('edge.ack_unknown'); // a repeated ack, or one for an entry acked before a restart
    }
    emit({ type: 'acked', ack: r.value, deleted });
    return 'ack';
  }

  /** A fleet prior for a machine type: kept for machines born later, and given to those still learning. */
  async function onPrior(data: Uint8Array, subject: string): Promise<'ack'> {
    const r = decodeJson(FleetPrior, data);
    if (!r.ok) {
      dead('edge.prior', r.reason, subject, data);
      return 'ack';
    }
    priors.set(r.value.machineType, r.value);
    n.priors++;
    counters.inc('edge.prior.accepted');
    for (const m of machines.values()) if (m.monitor.birth.machineType === r.value.machineType) m.monitor.setPrior(r.value.regimes);
    log.info({ machineType: r.value.machineType, machines: r.value.machines }, 'fleet prior accepted');
    return 'ack';
  }

  const unsubs: (() => Promise<void>)[] = [];
  const consumers: { stop(): Promise<void> }[] = [];
  try {
    models = await createSiteModels({ site, link, trusted: options.modelKeys, config: cfg.models, counters, logger: log });
    consumers.push(await link.consume(subjects.prior(site), `priors-${site}`, (msg) => onPrior(msg.data, msg.subject)));
    unsubs.push(await transport.subscribe(siteFilter(site, 'birth'), onBirth, { qos: 1 }));
    unsubs.push(await transport.subscribe(siteFilter(site, 'telemetry'), onTelemetry, { qos: 1 }));
    consumers.push(await link.consume(subjects.ack(site), `edge-${site}`, (msg) => onAck(msg.data, msg.subject)));
  } catch (err) {
    clearInterval(timer);
    for (const u of unsubs) await u().catch(() => undefined);
    for (const c of consumers) await c.stop().catch(() => undefined);
    await models?.close();
    await outbox.close();
    throw err;
  }

  return {
    counters,
    deadLetters,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    outboxStats: () => outbox.stats(),
    modelSlot: (machineType) => models?.slot(machineType),
    stats() {
      return {
        machines: machines.size,
        ...n,
        shed: ingest.stats().shedTotal,
        ingest: ingest.stats(),
        pendingOutbox: outbox.size,
        outboxBytes: outbox.bytes,
        commandLatencyMsP50: percentile(latencies, 0.5),
        commandLatencyMsP99: percentile(latencies, 0.99),
        commandLatencyMsMax: latencies.length ? Math.max(...latencies) : 0,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const u of unsubs) await u().catch(() => undefined);
      for (const c of consumers) await c.stop().catch(() => undefined);
      ingest.close(); // queued evidence is processed; the rest is counted as shed (closed)
      while (inflight.size > 0) await Promise.all([...inflight]);
      await models?.close();
      await outbox.close();
    },
  };
}
