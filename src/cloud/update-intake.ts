// The cloud's side of evidence updates (issue 5): an IncidentUpdate on pdm.update.<site> is read
// (opened under the plant's grant when sealed, like an escalation, sealed-intake.ts), checked
// against the incident it names, the remaining life is refitted on it (updateRul) and the new
// estimate committed as the incident's RUL history; only then is the edge acked (DESIGN.md: ack
// after durability). Redelivery is idempotent: a stored update id is answered without a refit. An
// update for an unknown or repaired incident is acked and counted, never retried: nothing it could
// wait for will come. If the new estimate makes the committed decision look too late, that is
// recorded and counted (the ERP order is not changed here).
import {
  Counters,
  DeadLetterQueue,
  decodeJson,
  IncidentUpdate,
  isSegment,
  type EscalationAck,
  type Evidence,
  type Logger,
  type MaintenanceRequest,
  type QueueMessage,
  type QueueVerdict,
  type RulHistoryPoint,
  type SqlExecutor,
} from '../core/index.ts';
import { sealedBinding, type InboundGuard } from '../sovereignty/index.ts';
import type { RulUpdate } from './fleet/incident-analysis.ts';
import { findRulUpdate, recordRulUpdate, updateTarget } from './update-store.ts';

/** The clear-text field beside a sealed update's envelope (the edge's SEALED_UPDATE_ID_FIELD). */
export const SEALED_UPDATE_ID_FIELD = 'updateId';

/** Counter names of update intake (all under `cloud.update.`). */
export const UPDATE_COUNTERS = [
  'cloud.update.received',
  'cloud.update.invalid',
  'cloud.update.refused',
  'cloud.update.unavailable',
  'cloud.update.duplicate',
  'cloud.update.unknown',
  'cloud.update.closed',
  'cloud.update.undecided',
  'cloud.update.estimated',
  'cloud.update.no_estimate',
  'cloud.update.more_urgent',
  'cloud.update.failed',
] as const;

/** Ranks of the repair options by urgency (economics.ts): a later update choosing a higher one is more urgent. */
const OPTION_URGENCY: Record<string, number> = { 'run-to-failure': 0, 'next-window-standard': 1, 'next-window-expedited': 2, 'stop-when-part-arrives': 3 };

/** What the update step needs from the diagnosis service. */
export interface UpdateIntakeContext {
  store: SqlExecutor;
  guard?: InboundGuard;
  counters: Counters;
  deadLetters: DeadLetterQueue;
  log: Logger;
  publishAck(ack: Pick<EscalationAck, 'escalationId' | 'site' | 'outcome' | 'detail'>): Promise<void>;
  /** The service's updateRul (it opens a sealed stored escalation under the grant). */
  refit(incidentId: string, evidence: Evidence, atMs: number): Promise<RulUpdate>;
  /** A new point of an incident's RUL history was committed. */
  onHistory(incidentId: string, point: RulHistoryPoint): void;
  onGrantRefused?(site: string, code: string, reason: string): void;
  /** First wait before redelivering an update whose incident is not decided yet (doubles per delivery). */
  retryMs: number;
  retryMaxMs: number;
  /** Deliveries an update may wait for its incident's decision before it is given up (acked, counted). */
  maxUndecidedDeliveries: number;
}

/**
 * Why the new estimate makes the committed decision look too late, or null: failure is now
 * expected (10 % quantile) before the repair was due, or the re-weighed options now favour a more
 * urgent repair than the one committed (e.g. the part's lead time no longer fits before failure).
 */
export function moreUrgentThan(request: MaintenanceRequest | null, r: Extract<RulUpdate, { ok: true }>): string | null {
  if (!request) return null;
  if (r.rul.failureAtMs.p10 < request.dueBy) {
    return `failure now expected (10 % quantile) at ${new Date(r.rul.failureAtMs.p10).toISOString().slice(0, 16)}Z, before the repair due by ${new Date(request.dueBy).toISOString().slice(0, 16)}Z`;
  }
  const was = request.economics?.option;
  const now = r.economics.chosen.option;
  if (was && (OPTION_URGENCY[now] ?? 0) > (OPTION_URGENCY[was] ?? 0)) return `the options now favour ${now} over the committed ${was}`;
  return null;
}

const parseJson = (data: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
};
const str = (v: unknown, max = 230): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/** Builds the handler of pdm.update.* messages. */
export function createUpdateHandler(ctx: UpdateIntakeContext): (m: QueueMessage) => Promise<QueueVerdict> {
  const { store, guard, counters, deadLetters, log } = ctx;
  const backoff = (deliveryCount: number) => Math.min(ctx.retryMaxMs, ctx.retryMs * 2 ** Math.min(16, Math.max(0, deliveryCount - 1)));

  /** Dead-letters a message that is no usable update; answers the edge when it can tell who sent it, so its outbox lets go. */
  async function refuse(m: QueueMessage, counter: string, reason: string, who: { id?: string; site?: string }): Promise<QueueVerdict> {
    counters.inc(counter);
    deadLetters.add('cloud.update', reason, m.subject, m.data);
    if (who.id && who.site && isSegment(who.site)) await ctx.publishAck({ escalationId: who.id, site: who.site, outcome: 'rejected', detail: reason.slice(0, 500) });
    return 'ack';
  }

  /** The update in a message, or the verdict for the queue. */
  async function read(m: QueueMessage): Promise<{ ok: true; update: IncidentUpdate } | { ok: false; verdict: QueueVerdict }> {
    if (!guard) {
      const d = decodeJson(IncidentUpdate, m.data);
      if (d.ok) return { ok: true, update: d.value };
      const raw = parseJson(m.data) as Record<string, unknown> | undefined;
      return { ok: false, verdict: await refuse(m, 'cloud.update.invalid', `invalid update: ${d.reason}`, { id: str(raw?.['id']), site: str(raw?.['site'], 64) }) };
    }
    const raw = parseJson(m.data) as Record<string, unknown> | undefined;
    const obj = raw && typeof raw === 'object' ? raw : {};
    const site = str(obj['site'], 64);
    if (obj['kind'] !== 'edge-pdm.sealed') {
      return { ok: false, verdict: await refuse(m, 'cloud.update.refused', 'unsealed update refused: this cloud accepts only sealed envelopes', { id: str(obj['id']), site }) };
    }
    const id = str(obj[SEALED_UPDATE_ID_FIELD]);
    const opened = await guard.open(raw, `update:${id ?? '?'}`, { bind: sealedBinding.update(id ?? '') });
    if (!opened.ok) {
      if (opened.code === 'unavailable') {
        counters.inc('cloud.update.unavailable');
        return { ok: false, verdict: { nakDelayMs: ctx.retryMs } };
      }
      if (site && ['grant-revoked', 'grant-expired', 'no-grant'].includes(opened.code)) ctx.onGrantRefused?.(site, opened.code, opened.reason);
      return { ok: false, verdict: await refuse(m, 'cloud.update.refused', `${opened.code}: ${opened.reason}`, { id, site }) };
    }
    const d = decodeJson(IncidentUpdate, opened.value.payload);
    if (!d.ok) return { ok: false, verdict: await refuse(m, 'cloud.update.invalid', `sealed payload is no update: ${d.reason}`, { id, site }) };
    if (d.value.id !== id || d.value.site !== opened.value.envelope.site) {
      return { ok: false, verdict: await refuse(m, 'cloud.update.refused', `tampered: envelope claims ${id ?? '?'} from ${opened.value.envelope.site}, payload is ${d.value.id} from ${d.value.site}`, { id, site }) };
    }
    return { ok: true, update: d.value };
  }

  return async (m) => {
    const got = await read(m);
    if (!got.ok) return got.verdict;
    const u = got.update;
    if (!isSegment(u.site)) {
      counters.inc('cloud.update.invalid');
      deadLetters.add('cloud.update', `site "${u.site.slice(0, 64)}" is not a valid subject segment`, m.subject, m.data);
      return 'ack';
    }
    counters.inc('cloud.update.received');
    const answer = async (outcome: EscalationAck['outcome'], detail?: string): Promise<QueueVerdict> => {
      await ctx.publishAck({ escalationId: u.id, site: u.site, outcome, ...(detail ? { detail } : {}) });
      return 'ack';
    };
    try {
      if (await findRulUpdate(store, u.id)) {
        counters.inc('cloud.update.duplicate');
        return await answer('duplicate');
      }
      const target = await updateTarget(store, u.incidentId);
      if (target.state === 'unknown' || (target.state !== 'closed' && target.site !== u.site)) {
        const reason = target.state === 'unknown' ? `no incident ${u.incidentId}` : `incident ${u.incidentId} is not from site ${u.site}`;
        return await refuse(m, 'cloud.update.unknown', reason, { id: u.id, site: u.site });
      }
      if (target.state === 'closed') {
        counters.inc('cloud.update.closed');
        return await answer('rejected', `incident ${u.incidentId} is closed (repair confirmed)`);
      }
      if (target.state === 'undecided') {
        // The edge sends updates only after its escalation's ack, so this is another worker still
        // deciding (or an older edge): wait with backoff, a bounded number of times.
        counters.inc('cloud.update.undecided');
        if (m.deliveryCount >= ctx.maxUndecidedDeliveries) return await answer('rejected', `incident ${u.incidentId} not decided after ${m.deliveryCount} deliveries`);
        return { nakDelayMs: backoff(m.deliveryCount) };
      }
      const r = await ctx.refit(u.incidentId, u.evidence, u.ts);
      const urgent = r.ok ? moreUrgentThan(target.request, r) : null;
      const point: RulHistoryPoint = {
        updateId: u.id, asOfMs: u.ts,
        failureAtMs: r.ok ? r.rul.failureAtMs : null,
        healthIndicator: r.ok ? r.rul.healthIndicator : null,
        option: r.ok ? r.economics.chosen.option : null,
        moreUrgent: urgent !== null,
        ...(r.ok ? (urgent ? { note: urgent } : {}) : { note: r.reason.slice(0, 500) }),
      };
      const inserted = await recordRulUpdate(store, {
        id: u.id, incidentId: u.incidentId, atMs: u.ts, receivedAtMs: Date.now(),
        rul: r.ok ? r.rul : null, economics: r.ok ? r.economics : null, moreUrgent: urgent !== null, ...(point.note ? { note: point.note } : {}),
      });
      if (!inserted) {
        counters.inc('cloud.update.duplicate'); // another worker committed it meanwhile
        return await answer('duplicate');
      }
      counters.inc(r.ok ? 'cloud.update.estimated' : 'cloud.update.no_estimate');
      if (urgent) {
        counters.inc('cloud.update.more_urgent');
        log.warn({ incidentId: u.incidentId, updateId: u.id, reason: urgent }, 'an evidence update makes the committed decision look too late');
      } else log.info({ incidentId: u.incidentId, updateId: u.id, p50: r.ok ? new Date(r.rul.failureAtMs.p50).toISOString() : null }, r.ok ? 'remaining life updated' : `no remaining life from the update: ${r.ok ? '' : r.reason}`);
      ctx.onHistory(u.incidentId, point);
      return await answer('decided', r.ok ? r.explanation.slice(0, 500) : r.reason.slice(0, 500));
    } catch (err) {
      counters.inc('cloud.update.failed');
      log.error({ err, updateId: u.id, deliveryCount: m.deliveryCount }, 'incident update not committed; will be redelivered');
      return { nakDelayMs: backoff(m.deliveryCount) };
    }
  };
}
