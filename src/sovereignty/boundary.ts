// The two places data crosses a site's boundary, as one call each:
//   edge, before the outbox:  outbound.prepare(escalation, destination, object, { bind }) → policy, then seal
//   cloud, before diagnosis:  inbound.open(envelope, object, { bind }) → residency, then unwrap (under a grant), then decrypt
// `bind` names what travels beside the envelope (e.g. "escalation:ID", the id the outbox and the ack
// use); it is the payload's additional authenticated data, so it cannot be swapped between envelopes.
// Both count and audit what they did; refusals are values with a code the caller can show
// (a `grant-revoked` refusal's reason is the sentence the dashboard should display).
import { Counters } from '../core/index.ts';
import type { AuditSink } from './audit/record.ts';
import { openEnvelope, parseEnvelope, sealEnvelope, type KeyUnwrapper, type KeyWrapper } from './envelope/envelope.ts';
import type { SealedEnvelope } from './envelope/schema.ts';
import { assertResidency } from './jurisdiction.ts';
import { accept, refuse, type Outcome } from './outcome.ts';
import { createPolicyEnforcer } from './policy/enforcer.ts';
import { createStoredEvidence, type StoredEvidence } from './stored-evidence.ts';
import type { PolicyVerdict } from './policy/evaluate.ts';
import type { Destination, Policy } from './policy/schema.ts';

/** What a seal or open binds as additional authenticated data (see envelopeAad). */
export interface BindOptions {
  bind?: string;
}

/**
 * The values the edge binds and the cloud presents, one per kind of message crossing the boundary:
 * an escalation is bound to its id (carried in clear beside the envelope for the ack), a status to
 * its kind, so an envelope cannot be replayed as another escalation or as the other kind.
 */
export const sealedBinding = {
  escalation: (id: string): string => `escalation:${id}`,
  status: (): string => 'status',
  /** An incident's evidence update, bound to its own id (carried in clear beside the envelope, like an escalation's). */
  update: (id: string): string => `update:${id}`,
} as const;

export interface OutboundGuard {
  /** Applies the policy, then seals what may leave; `object` names the message in the audit log. */
  prepare<T>(message: T, destination: Destination, object?: string, opts?: BindOptions): Promise<Outcome<{ envelope: SealedEnvelope; verdict: PolicyVerdict<T>; plainBytes: number }>>;
  counters: Counters;
}

/** The edge's guard: policy → envelope sealed with the site's key → ready for the outbox. */
export function createOutboundGuard(cfg: { policy: Policy; keys: KeyWrapper; site: string; jurisdiction: string; audit?: AuditSink; actor?: string; counters?: Counters }): OutboundGuard {
  const counters = cfg.counters ?? new Counters();
  const actor = cfg.actor ?? `edge:${cfg.site}`;
  const enforcer = createPolicyEnforcer({ policy: cfg.policy, audit: cfg.audit, actor, counters });
  return {
    counters,
    async prepare(message, destination, object = 'message', opts = {}) {
      const verdict = await enforcer.apply(message, destination, object);
      if (verdict.outcome === 'blocked') return refuse('policy-blocked', verdict.reason);
      const plain = JSON.stringify(verdict.message);
      const sealed = await sealEnvelope(plain, { site: cfg.site, jurisdiction: cfg.jurisdiction, ...(opts.bind === undefined ? {} : { bind: opts.bind }) }, cfg.keys);
      if (!sealed.ok) {
        counters.inc(`seal.refused.${sealed.code}`);
        await cfg.audit?.append({ actor, action: 'transfer.seal', object, outcome: 'failed', detail: { code: sealed.code, reason: sealed.reason } });
        return sealed;
      }
      counters.inc('seal.ok');
      const env = sealed.value;
      await cfg.audit?.append({ actor, action: 'transfer.seal', object, outcome: 'ok', detail: { envelope: env.id, destination: destination.name, jurisdiction: env.jurisdiction, keyId: env.keyId, kekVersion: env.wrap.kekVersion } });
      return accept({ envelope: env, verdict, plainBytes: Buffer.byteLength(plain) });
    },
  };
}

export interface InboundGuard {
  /** Checks residency, unwraps under the grant and decrypts; `object` names the message in the audit log. */
  open(raw: unknown, object?: string, opts?: BindOptions): Promise<Outcome<{ envelope: SealedEnvelope; payload: Buffer }>>;
  /** The same access for evidence the cloud keeps at rest sealed (stored-evidence.ts): opened on read, data keys cached briefly. */
  stored: StoredEvidence;
  counters: Counters;
}

/** The cloud worker's guard for one jurisdiction and purpose (e.g. DE, diagnosis). */
export function createInboundGuard(cfg: {
  keys: KeyUnwrapper;
  workerJurisdiction: string;
  purpose: string;
  audit?: AuditSink;
  actor?: string;
  counters?: Counters;
  /** How long a data key of stored evidence stays in memory after an unwrap (ms; default 60 s). */
  storedKeyTtlMs?: number;
}): InboundGuard {
  const counters = cfg.counters ?? new Counters();
  const actor = cfg.actor ?? `cloud:${cfg.workerJurisdiction}`;
  const stored = createStoredEvidence({ keys: cfg.keys, workerJurisdiction: cfg.workerJurisdiction, purpose: cfg.purpose, ttlMs: cfg.storedKeyTtlMs, audit: cfg.audit, actor, counters });
  return {
    counters,
    stored,
    async open(raw, object, opts = {}) {
      const parsed = parseEnvelope(raw);
      const env = parsed.ok ? parsed.value : undefined;
      const name = object ?? `envelope:${env?.id ?? '?'}`;
      // Residency first: a worker must not even ask for the key of data it may not hold.
      const resident = parsed.ok ? assertResidency(cfg.workerJurisdiction, parsed.value) : parsed;
      const opened = resident.ok ? await openEnvelope(resident.value, cfg.purpose, cfg.keys, opts) : resident;
      if (!opened.ok || !env) {
        const r = opened.ok ? refuse('bad-envelope', 'not a sealed envelope') : opened;
        counters.inc(`open.refused.${r.code}`);
        // A refusal of the grant is the plant's notice: the site's cached data keys go at once.
        if (env && (r.code === 'grant-revoked' || r.code === 'grant-expired' || r.code === 'no-grant')) stored.forgetSite(env.site);
        await cfg.audit?.append({ actor, action: 'evidence.open', object: name, outcome: 'refused', detail: { code: r.code, reason: r.reason, site: env?.site ?? '' } });
        return r;
      }
      counters.inc('open.ok');
      await cfg.audit?.append({ actor, action: 'evidence.open', object: name, outcome: 'ok', detail: { site: env.site, purpose: cfg.purpose } });
      return accept({ envelope: env, payload: opened.value });
    },
  };
}
