// The two places data crosses a site's boundary, as one call each:
//   edge, before the outbox:  outbound.prepare(escalation, destination) → policy, then seal
//   cloud, before diagnosis:  inbound.open(envelope) → residency, then unwrap (under a grant), then decrypt
// Both count and audit what they did; refusals are values with a code the caller can show
// (a `grant-revoked` refusal's reason is the sentence the dashboard should display).
import { Counters } from '../core/index.ts';
import type { AuditSink } from './audit/record.ts';
import { openEnvelope, parseEnvelope, sealEnvelope, type KeyUnwrapper, type KeyWrapper } from './envelope/envelope.ts';
import type { SealedEnvelope } from './envelope/schema.ts';
import { assertResidency } from './jurisdiction.ts';
import { accept, refuse, type Outcome } from './outcome.ts';
import { createPolicyEnforcer } from './policy/enforcer.ts';
import type { PolicyVerdict } from './policy/evaluate.ts';
import type { Destination, Policy } from './policy/schema.ts';

export interface OutboundGuard {
  /** Applies the policy, then seals what may leave; `object` names the message in the audit log. */
  prepare<T>(message: T, destination: Destination, object?: string): Promise<Outcome<{ envelope: SealedEnvelope; verdict: PolicyVerdict<T>; plainBytes: number }>>;
  counters: Counters;
}

/** The edge's guard: policy → envelope sealed with the site's key → ready for the outbox. */
export function createOutboundGuard(cfg: { policy: Policy; keys: KeyWrapper; site: string; jurisdiction: string; audit?: AuditSink; actor?: string; counters?: Counters }): OutboundGuard {
  const counters = cfg.counters ?? new Counters();
  const actor = cfg.actor ?? `edge:${cfg.site}`;
  const enforcer = createPolicyEnforcer({ policy: cfg.policy, audit: cfg.audit, actor, counters });
  return {
    counters,
    async prepare(message, destination, object = 'message') {
      const verdict = await enforcer.apply(message, destination, object);
      if (verdict.outcome === 'blocked') return refuse('policy-blocked', verdict.reason);
      const plain = JSON.stringify(verdict.message);
      const sealed = await sealEnvelope(plain, { site: cfg.site, jurisdiction: cfg.jurisdiction }, cfg.keys);
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
  open(raw: unknown, object?: string): Promise<Outcome<{ envelope: SealedEnvelope; payload: Buffer }>>;
  counters: Counters;
}

/** The cloud worker's guard for one jurisdiction and purpose (e.g. DE, diagnosis). */
export function createInboundGuard(cfg: { keys: KeyUnwrapper; workerJurisdiction: string; purpose: string; audit?: AuditSink; actor?: string; counters?: Counters }): InboundGuard {
  const counters = cfg.counters ?? new Counters();
  const actor = cfg.actor ?? `cloud:${cfg.workerJurisdiction}`;
  return {
    counters,
    async open(raw, object) {
      const parsed = parseEnvelope(raw);
      const env = parsed.ok ? parsed.value : undefined;
      const name = object ?? `envelope:${env?.id ?? '?'}`;
      // Residency first: a worker must not even ask for the key of data it may not hold.
      const resident = parsed.ok ? assertResidency(cfg.workerJurisdiction, parsed.value) : parsed;
      const opened = resident.ok ? await openEnvelope(resident.value, cfg.purpose, cfg.keys) : resident;
      if (!opened.ok || !env) {
        const r = opened.ok ? refuse('bad-envelope', 'not a sealed envelope') : opened;
        counters.inc(`open.refused.${r.code}`);
        await cfg.audit?.append({ actor, action: 'evidence.open', object: name, outcome: 'refused', detail: { code: r.code, reason: r.reason, site: env?.site ?? '' } });
        return r;
      }
      counters.inc('open.ok');
      await cfg.audit?.append({ actor, action: 'evidence.open', object: name, outcome: 'ok', detail: { site: env.site, purpose: cfg.purpose } });
      return accept({ envelope: env, payload: opened.value });
    },
  };
}
