// The policy as the edge applies it before the outbox: evaluate, count, audit. A blocked transfer
// and every removed field are counted (Vector's FilterEventsDropped) and appended to the audit log.
import { Counters } from '../../core/index.ts';
import type { AuditSink } from '../audit/record.ts';
import { evaluatePolicy, type PolicyVerdict } from './evaluate.ts';
import type { Destination, Policy } from './schema.ts';

export interface PolicyEnforcer {
  /** Evaluates `message` for `destination`, counts and audits the outcome; `object` names it in the audit (e.g. escalation:ID). */
  apply<T>(message: T, destination: Destination, object?: string): Promise<PolicyVerdict<T>>;
  /** policy.allowed, policy.reduced, policy.blocked, policy.fields.removed, policy.fields.left. */
  counters: Counters;
}

/** Wraps a policy with counters and an optional audit sink; `actor` names the enforcing process (e.g. edge:site-a). */
export function createPolicyEnforcer(cfg: { policy: Policy; audit?: AuditSink; actor?: string; counters?: Counters }): PolicyEnforcer {
  const counters = cfg.counters ?? new Counters();
  return {
    counters,
    async apply(message, destination, object = 'message') {
      const v = evaluatePolicy(cfg.policy, message, destination);
      const removed = v.decisions.filter((d) => d.decision === 'stays');
      counters.inc(`policy.${v.outcome}`);
      counters.inc('policy.fields.removed', v.outcome === 'blocked' ? 0 : removed.length);
      counters.inc('policy.fields.left', v.decisions.length - removed.length);
      await cfg.audit?.append({
        actor: cfg.actor ?? 'edge',
        action: v.outcome === 'blocked' ? 'transfer.blocked' : 'transfer.policy',
        object,
        outcome: v.outcome === 'blocked' ? 'refused' : 'ok',
        detail: {
          destination: destination.name,
          jurisdiction: destination.jurisdiction,
          rule: v.rule,
          outcome: v.outcome,
          reason: v.reason,
          // The paths removed, not their values: the audit log must not become a copy of the secrets.
          removed: removed.slice(0, 50).map((d) => `${d.path} (${d.class})`),
          removedCount: removed.length,
        },
      });
      return v;
    },
  };
}
