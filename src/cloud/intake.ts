// The diagnosis service: consumes escalations from the cloud link (a durable consumer group),
// stores each under its stable id, diagnoses, decides, asks the enterprise for the maintenance,
// commits, and only then sends the application ack to the edge (DESIGN.md: ack after durability).
// Effects are exactly once: the decisions table is checked first, a lease keeps competing workers
// from deciding the same incident at once, and the enterprise's idempotency on incidentId is the
// backstop for a crash between its call and our commit. An enterprise that refuses the request for
// good (a final 4xx, enterprise-refusal.ts) is a decision too: "refused by ERP" with its reason,
// committed and acked like any other; transient failures are redelivered with backoff.
// Evidence updates of open incidents (pdm.update.*, their own durable) refit the remaining life and
// extend the incident's RUL history (update-intake.ts), acked after their commit the same way.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  Counters,
  DeadLetterQueue,
  Escalation,
  MachineStatus,
  decodeJson,
  encodeJson,
  isSegment,
  newId,
  silentLogger,
  subjects,
  type DashboardEvent,
  type DashboardState,
  type EnterpriseApi,
  type Evidence,
  type FaultType,
  type EscalationAck,
  type FleetMachine,
  type Incident,
  type Logger,
  type MaintenanceOutcome,
  type MaintenanceRefusal,
  type MaintenanceRequest,
  type QueueMessage,
  type QueueVerdict,
  type RulHistoryPoint,
  type SqlStore,
  type WorkQueue,
} from '../core/index.ts';
import type { AuditSink, InboundGuard } from '../sovereignty/index.ts';
import type { EconomicsConfig } from './economics.ts';
import { refusalOf, refusedDetail } from './enterprise-refusal.ts';
import { analyseIncident, confirmCase, updateRul, type ConfirmResult, type RulUpdate } from './fleet/incident-analysis.ts';
import { FleetView } from './fleet-view.ts';
import { claimIncident, commitDecision, findDecision, leaseLeftMs, pinPending, recentIncidents, recordEscalation, releaseIncident } from './repository.ts';
import { createEvidenceKeeper, type EvidenceKeeper } from './sealed-evidence.ts';
import { createStatusUnsealer, unsealEscalation, type Unsealed } from './sealed-intake.ts';
import { createUpdateHandler, UPDATE_COUNTERS } from './update-intake.ts';
import { rulHistories } from './update-store.ts';

/** Options of the diagnosis service (its collaborators are passed beside them). */
export const DiagnosisServiceOptions = z.object({
  durable: z.string().min(1).default('diagnosis').describe('durable consumer of escalations, shared by all workers'),
  statusDurable: z
    .string()
    .min(1)
    .default('fleet-status')
    .describe('durable consumer of machine statuses; give each instance its own name if every one must see all statuses'),
  updateDurable: z.string().min(1).default('rul-updates').describe('durable consumer of incident evidence updates, shared by all workers'),
  updateMaxUndecidedDeliveries: z
    .number()
    .int()
    .positive()
    .default(20)
    .describe('deliveries an evidence update may wait for its incident to be decided before it is acked as rejected'),
  claimLeaseMs: z.number().int().positive().default(30_000).describe('how long a worker may take to decide one incident before another may'),
  busyRetryMs: z
    .number()
    .int()
    .nonnegative()
    .default(250)
    .describe('first wait before redelivering an incident another worker is deciding or that failed; doubles per delivery'),
  retryMaxMs: z.number().int().positive().default(5000).describe('longest wait before redelivering an incident whose attempt failed (e.g. the database is down)'),
  incidentCacheSize: z.number().int().positive().default(500).describe('incidents kept in memory for the dashboard'),
  workerId: z.string().min(1).optional().describe('this worker in the lease column; random by default'),
  evidenceCheckMs: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('with a guard: how often a site whose evidence is shown is asked for again at its key service, so a revocation is seen even when the site sends nothing (0 = never)'),
});
export type DiagnosisServiceOptions = z.input<typeof DiagnosisServiceOptions>;

/** What the service needs: its store, the cloud link, the enterprise, and optional logging/counters. */
export interface DiagnosisServiceConfig extends DiagnosisServiceOptions {
  store: SqlStore;
  queue: WorkQueue;
  enterprise: EnterpriseApi;
  logger?: Logger;
  counters?: Counters;
  /** Costs, lead times and downtime windows weighed in each decision (economics.ts; defaults explained there). */
  economics?: EconomicsConfig;
  /**
   * The sites' boundary on the cloud side (src/sovereignty): when set, escalations must arrive
   * sealed and are opened under the plant's grant before diagnosis; plain ones are refused.
   */
  inboundGuard?: InboundGuard;
  /** Audit log for committed decisions (actor `cloud:<workerId>`, action `decision.commit`). */
  audit?: AuditSink;
}

/** Redelivery after a lease runs out comes this long (ms) after its end: the claim then succeeds. */
const LEASE_MARGIN_MS = 50;

/**
 * Counter names of the service (all under `cloud.`). `cloud.intake.decided` counts every committed
 * decision, those refused by the enterprise included; `cloud.decisions.refused` counts the latter.
 * (`cloud.intake.refused` is the inbound guard refusing a sealed envelope, sealed-intake.ts.)
 */
export const CLOUD_COUNTERS = [
  'cloud.intake.received',
  'cloud.intake.invalid',
  'cloud.intake.decided',
  'cloud.decisions.refused',
  'cloud.intake.duplicate',
  'cloud.intake.busy',
  'cloud.intake.failed',
  'cloud.intake.unsealed',
  'cloud.intake.revoked',
  'cloud.intake.residency',
  'cloud.intake.refused',
  'cloud.intake.unavailable',
  'cloud.status.received',
  'cloud.status.invalid',
  'cloud.evidence.read',
  'cloud.evidence.refused',
  'cloud.evidence.revoked_sites',
  'cloud.evidence.unavailable',
  'cloud.evidence.details_unsealed',
] as const;

/** The running diagnosis service; it is also a DashboardSource (snapshot + subscribe). */
export interface DiagnosisService {
  /** Counters of the service, by name (see CLOUD_COUNTERS), plus dead letters. */
  stats(): Record<string, number>;
  /** Invalid escalations and statuses, with their reasons. */
  readonly deadLetters: DeadLetterQueue;
  /** Machines with their last status and open incidents. */
  fleet(): FleetMachine[];
  /** Incidents (escalation, diagnosis, decision, outcome), newest first. */
  incidents(): Incident[];
  /** Calls `listener` on every status, escalation, diagnosis and decision; returns an unsubscribe. */
  onEvent(listener: (e: DashboardEvent) => void): () => void;
  /** DashboardSource: the whole state at once. */
  snapshot(): DashboardState;
  /** DashboardSource: same as onEvent. */
  subscribe(listener: (e: DashboardEvent) => void): () => void;
  /** A repair confirmed the incident's fault (call on work-order completion): adds it to the case library. */
  confirmCase(incidentId: string, faultType: FaultType, atMs?: number): Promise<ConfirmResult>;
  /** New evidence for an incident at event time `atMs`: refits and stores its remaining life. */
  updateRul(incidentId: string, evidence: Evidence, atMs: number): Promise<RulUpdate>;
  /**
   * A site revoked the cloud's grant (a notice, e.g. from the plant's tooling): its stored evidence
   * leaves memory now (cached keys and opened incidents) instead of at the next refused read.
   */
  evidenceRevoked(site: string, reason?: string): void;
  /** Asks the key service, per site with evidence in memory, whether it is still readable; site → 'readable' or the refusal. */
  checkEvidence(): Promise<Record<string, string>>;
  /** Stops consuming (in-flight messages finish or are redelivered); does not close the store or queue. */
  close(): Promise<void>;
}

/** Starts the diagnosis service: consumes escalations and statuses until close(). */
export async function createDiagnosisService(cfg: DiagnosisServiceConfig): Promise<DiagnosisService> {
  const opts = DiagnosisServiceOptions.parse(cfg);
  const { store, queue, enterprise } = cfg;
  const log = cfg.logger ?? silentLogger();
  const counters = cfg.counters ?? new Counters();
  const deadLetters = new DeadLetterQueue(counters);
  const workerId = opts.workerId ?? newId('diagnosis');
  const view = new FleetView(opts.incidentCacheSize);
  const listeners = new Set<(e: DashboardEvent) => void>();
  let closing = false;

  // With a guard evidence is stored sealed and read back through it (sealed-evidence.ts).
  const keeper: EvidenceKeeper | undefined = cfg.inboundGuard
    ? createEvidenceKeeper({
        store,
        guard: cfg.inboundGuard,
        counters,
        log,
        incidentLimit: opts.incidentCacheSize,
        view: { incidents: () => view.incidents(), replace: (inc) => emitIncident('escalation', inc) },
      })
    : undefined;
  const onGrantRefused = keeper ? (site: string, code: string, reason: string) => keeper.refused(site, code, reason) : undefined;

  const recent = await recentIncidents(store, opts.incidentCacheSize, keeper?.read);
  const histories = await rulHistories(store, recent.map((i) => i.escalation.id));
  for (const inc of recent) {
    let withHistory = inc;
    for (const p of histories.get(inc.escalation.id) ?? []) withHistory = withRulPoint(withHistory, p);
    view.upsertIncident(withHistory);
  }

  const emit = (e: DashboardEvent): void => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn({ err }, 'dashboard listener failed');
      }
    }
  };

  const emitIncident = (type: 'escalation' | 'diagnosis' | 'decision', inc: Incident): void => {
    const machine = view.upsertIncident(inc);
    emit({ type, incident: inc });
    emit({ type: 'status', machine });
  };

  const publishAck = async (a: Pick<EscalationAck, 'escalationId' | 'site' | 'outcome' | 'detail'>): Promise<void> => {
    const ack: EscalationAck = { v: 1, escalationId: a.escalationId, site: a.site, outcome: a.outcome, ...(a.detail ? { detail: a.detail.slice(0, 500) } : {}) };
    await queue.publish(subjects.ack(a.site), encodeJson(ack));
  };
  const sendAck = (esc: Escalation, outcome: EscalationAck['outcome'], detail?: string): Promise<void> =>
    publishAck({ escalationId: esc.id, site: esc.site, outcome, detail });

  /** The escalation in a message: opened under the guard when there is one, else read as plain JSON. */
  async function readEscalation(m: QueueMessage): Promise<Unsealed> {
    if (cfg.inboundGuard) {
      return unsealEscalation(m, { guard: cfg.inboundGuard, counters, deadLetters, log, sendAck: publishAck, onGrantRefused });
    }
    const decoded = decodeJson(Escalation, m.data);
    if (!decoded.ok) {
      // A poison message is acked after dead-lettering: redelivering it would only loop.
      counters.inc('cloud.intake.invalid');
      deadLetters.add('cloud.intake', decoded.reason, m.subject, m.data);
      log.warn({ subject: m.subject, reason: decoded.reason }, 'invalid escalation dead-lettered');
      return { ok: false, verdict: 'ack' };
    }
    return { ok: true, escalation: decoded.value, jurisdiction: null, sealed: null };
  }

  async function handleEscalation(m: QueueMessage): Promise<QueueVerdict> {
    const read = await readEscalation(m);
    if (!read.ok) {
      // An unreachable key service: wait a little before the redelivery, so it is not hammered.
      if (read.verdict === 'nak' && opts.busyRetryMs > 0) await sleep(opts.busyRetryMs);
      return read.verdict;
    }
    const esc = read.escalation;
    if (!isSegment(esc.site)) {
      // The ack subject is built from the site: a site that is no subject segment cannot be answered.
      counters.inc('cloud.intake.invalid');
      deadLetters.add('cloud.intake', `site "${esc.site.slice(0, 64)}" is not a valid subject segment`, m.subject, m.data);
      return 'ack';
    }
    counters.inc('cloud.intake.received');
    let claimed = false;
    try {
      const now = Date.now();
      // Sealed: the envelope as it arrived is stored, never the decrypted evidence (crypto-shredding).
      const { deliveryCount, receivedAtMs } = await recordEscalation(store, esc, now, read.jurisdiction, read.sealed);
      keeper?.readable(esc.site);
      const known = view.incident(esc.id);
      if (deliveryCount === 1 || !known) {
        emitIncident('escalation', known ?? { escalation: esc, receivedAtMs, diagnosis: null, request: null, outcome: null, decidedAtMs: null });
      }

      if (await answerIfDecided(esc)) return 'ack';
      claimed = await claimIncident(store, esc.id, workerId, opts.claimLeaseMs);
      if (!claimed) {
        if (await answerIfDecided(esc)) return 'ack';
        // Another worker holds the lease: it commits soon, or it died and the lease runs out.
        // Come back with backoff, never later than the lease's end (the database's clock), and
        // without holding up this consumer's other messages meanwhile.
        counters.inc('cloud.intake.busy');
        const leftMs = await leaseLeftMs(store, esc.id);
        return { nakDelayMs: Math.min(backoffMs(m.deliveryCount, opts.claimLeaseMs), leftMs + LEASE_MARGIN_MS) };
      }

      // Diagnosis against the fleet and the library, remaining life and the costed decision; its
      // writes are keyed, so a retry after a failure below repeats them harmlessly. What the first
      // attempt sends the enterprise is pinned: a retry sends the same request (same body under
      // the same Idempotency-Key), not one recomputed from a fleet that has moved on.
      const analysed = await analyseIncident(store, esc, { economics: cfg.economics });
      // The details carry the evidence's feature values: sealed beside the envelope, never in clear.
      const mine = keeper && read.sealed != null ? { ...analysed, details: await keeper.sealDetails(esc.id, read.sealed, analysed.details) } : analysed;
      const { diagnosis, request, details } = await pinPending(store, esc.id, mine);
      const pending: Incident = { ...(view.incident(esc.id) ?? { escalation: esc, receivedAtMs, outcome: null, decidedAtMs: null, request: null }), diagnosis };
      emitIncident('diagnosis', pending);
      const { outcome, refusal } = await askEnterprise(request);
      const decidedAtMs = Date.now();
      const inserted = await commitDecision(store, diagnosis, request, outcome ?? refusal, decidedAtMs, details);
      claimed = false;
      if (inserted) {
        counters.inc('cloud.intake.decided');
        if (refusal) {
          // Decided all the same: the edge is acked and its outbox drains; people see the reason.
          counters.inc('cloud.decisions.refused');
          emitIncident('decision', { ...pending, request, outcome: null, refusal, decidedAtMs });
          log.warn({ incidentId: esc.id, site: esc.site, machine: esc.machine, faultType: diagnosis.faultType, component: request.component, status: refusal.status, reason: refusal.reason }, 'incident decided as refused by ERP');
        } else {
          emitIncident('decision', { ...pending, request, outcome, decidedAtMs });
          log.info({ incidentId: esc.id, faultType: diagnosis.faultType, confidence: diagnosis.confidence, priority: request.priority }, 'incident decided');
        }
        await cfg.audit
          ?.append({
            actor: `cloud:${workerId}`, action: 'decision.commit', object: `escalation:${esc.id}`, outcome: refusal ? 'refused' : 'ok',
            detail: {
              site: esc.site, jurisdiction: read.jurisdiction, faultType: diagnosis.faultType, priority: request.priority, workOrderId: outcome?.workOrderId ?? null,
              ...(refusal ? { refusedStatus: refusal.status, refusedReason: refusal.reason } : {}),
            },
          })
          .catch((err: unknown) => {
            counters.inc('cloud.audit_failed');
            log.error({ err, incidentId: esc.id }, 'decision committed but its audit record failed');
          });
        await sendAck(esc, 'decided', refusal ? refusedDetail(refusal) : undefined);
      } else {
        // Committed by another worker whose lease had expired while we worked: the effect exists once.
        counters.inc('cloud.intake.duplicate');
        await sendAck(esc, 'duplicate');
      }
      return 'ack';
    } catch (err) {
      counters.inc('cloud.intake.failed');
      log.error({ err, incidentId: esc.id, deliveryCount: m.deliveryCount }, 'escalation not decided; will be redelivered');
      if (claimed) await releaseIncident(store, esc.id, workerId).catch(() => undefined);
      // Backoff, so a database or enterprise that is down is not hammered by a redelivery loop.
      return { nakDelayMs: backoffMs(m.deliveryCount, opts.retryMaxMs) };
    }
  }

  /**
   * The enterprise's answer: what it created, or its final refusal (a 4xx no retry changes,
   * enterprise-refusal.ts). A transient failure (5xx, no answer, 409/429...) throws: redelivered with backoff.
   */
  async function askEnterprise(request: MaintenanceRequest): Promise<{ outcome: MaintenanceOutcome; refusal: null } | { outcome: null; refusal: MaintenanceRefusal }> {
    try {
      return { outcome: await enterprise.requestMaintenance(request), refusal: null };
    } catch (err) {
      const refusal = refusalOf(err, request.incidentId);
      if (!refusal) throw err;
      return { outcome: null, refusal };
    }
  }

  /** busyRetryMs doubled per earlier delivery, at most `capMs`. */
  function backoffMs(deliveryCount: number, capMs: number): number {
    return Math.min(capMs, opts.busyRetryMs * 2 ** Math.min(16, Math.max(0, deliveryCount - 1)));
  }

  /** If a decision is committed, acks it to the edge as a duplicate and returns true. */
  async function answerIfDecided(esc: Escalation): Promise<boolean> {
    const stored = await findDecision(store, esc.id);
    if (!stored) return false;
    counters.inc('cloud.intake.duplicate');
    const known = view.incident(esc.id);
    if (!known?.request) {
      // Decided by another worker: learn it, so this worker's dashboard shows it too.
      emitIncident('decision', {
        escalation: esc,
        receivedAtMs: known?.receivedAtMs ?? Date.now(),
        diagnosis: stored.diagnosis,
        request: stored.request,
        outcome: stored.outcome,
        decidedAtMs: stored.decidedAtMs,
        ...(stored.refusal ? { refusal: stored.refusal } : {}),
      });
    }
    await sendAck(esc, 'duplicate', stored.refusal ? refusedDetail(stored.refusal) : undefined);
    return true;
  }

  // With a guard statuses arrive sealed like escalations; a refusal counts as an invalid status.
  const unsealStatus = cfg.inboundGuard ? createStatusUnsealer({ guard: cfg.inboundGuard, counters, log, onGrantRefused }) : undefined;
  async function handleStatus(m: QueueMessage): Promise<QueueVerdict> {
    const decoded = unsealStatus ? await unsealStatus(m) : decodeJson(MachineStatus, m.data);
    if (!decoded.ok) {
      counters.inc('cloud.status.invalid');
      deadLetters.add('cloud.status', decoded.reason, m.subject, m.data);
      return 'ack';
    }
    counters.inc('cloud.status.received');
    keeper?.readable(decoded.value.site);
    emit({ type: 'status', machine: view.applyStatus(decoded.value, Date.now()) });
    return 'ack';
  }

  /** New evidence for an incident: its remaining life refitted (the stored escalation opened under the grant when sealed). */
  async function refitRul(incidentId: string, evidence: Evidence, atMs: number): Promise<RulUpdate> {
    const opened = await keeper?.escalation(incidentId);
    if (opened && !opened.ok) return { ok: false, reason: opened.refusal.reason };
    return updateRul(store, incidentId, evidence, atMs, cfg.economics, opened?.escalation);
  }

  // Evidence updates of open incidents: the remaining life refitted and kept as the incident's history.
  const handleUpdate = createUpdateHandler({
    store, counters, deadLetters, log, publishAck, onGrantRefused,
    ...(cfg.inboundGuard ? { guard: cfg.inboundGuard } : {}),
    refit: refitRul,
    onHistory: (incidentId, point) => {
      const inc = view.incident(incidentId);
      if (inc) emitIncident('diagnosis', withRulPoint(inc, point));
    },
    retryMs: Math.max(1, opts.busyRetryMs), retryMaxMs: opts.retryMaxMs, maxUndecidedDeliveries: opts.updateMaxUndecidedDeliveries,
  });

  const escalations = await queue.consume(subjects.escalationsAll, opts.durable, (m) =>
    closing ? Promise.resolve('nak' as const) : handleEscalation(m),
  );
  const statuses = await queue.consume(subjects.statusAll, opts.statusDurable, handleStatus);
  const updates = await queue.consume(subjects.updatesAll, opts.updateDurable, (m) => (closing ? Promise.resolve('nak' as const) : handleUpdate(m)));

  // A site that sends nothing is still asked now and then, so its revocation reaches memory too.
  const checkTimer =
    keeper && opts.evidenceCheckMs > 0
      ? setInterval(() => void keeper.check().catch((err: unknown) => log.warn({ err }, 'checking stored evidence failed')), opts.evidenceCheckMs)
      : undefined;
  checkTimer?.unref();

  const stats = (): Record<string, number> => {
    const all = counters.snapshot();
    const out: Record<string, number> = {};
    for (const name of CLOUD_COUNTERS) out[name] = all[name] ?? 0;
    for (const name of UPDATE_COUNTERS) out[name] = all[name] ?? 0;
    out['cloud.deadletters'] = (all['deadletter.cloud.intake'] ?? 0) + (all['deadletter.cloud.status'] ?? 0) + (all['deadletter.cloud.update'] ?? 0);
    return out;
  };
  const onEvent = (listener: (e: DashboardEvent) => void): (() => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    stats,
    deadLetters,
    fleet: () => view.machines(),
    incidents: () => view.incidents(),
    onEvent,
    subscribe: onEvent,
    async confirmCase(incidentId, faultType, atMs) {
      const opened = await keeper?.escalation(incidentId);
      if (opened && !opened.ok) return { ok: false, reason: opened.refusal.reason };
      return confirmCase(store, incidentId, faultType, atMs, opened?.escalation);
    },
    updateRul: refitRul,
    evidenceRevoked(site, reason) {
      keeper?.refused(site, 'grant-revoked', reason ?? `site ${site} revoked the cloud's grant at ${new Date().toISOString()}: evidence from ${site} cannot be decrypted`);
    },
    checkEvidence: () => keeper?.check() ?? Promise.resolve({}),
    snapshot: () => ({ generatedAtMs: Date.now(), machines: view.machines(), incidents: view.incidents(), stats: stats() }),
    async close() {
      if (closing) return;
      closing = true;
      if (checkTimer) clearInterval(checkTimer);
      await escalations.stop();
      await statuses.stop();
      await updates.stop();
      listeners.clear();
    },
  };
}

/**
 * The incident with one more point of its remaining-life history (the estimate at the alarm first,
 * from its diagnosis), oldest first; a point already there (a redelivery) changes nothing.
 */
export function withRulPoint(inc: Incident, point: RulHistoryPoint): Incident {
  const rul = inc.diagnosis?.rul;
  const start: RulHistoryPoint[] = inc.rulHistory ?? (rul
    ? [{ updateId: inc.escalation.id, asOfMs: rul.asOfMs, failureAtMs: rul.failureAtMs, healthIndicator: rul.healthIndicator, option: inc.request?.economics?.option ?? null, moreUrgent: false }]
    : []);
  if (start.some((p) => p.updateId === point.updateId)) return inc;
  const all = [...start, point].sort((a, b) => a.asOfMs - b.asOfMs);
  return { ...inc, rulHistory: all.length > 500 ? [all[0]!, ...all.slice(-499)] : all };
}
