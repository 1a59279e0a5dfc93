// The site's boundary for escalations, before the outbox: without a guard the escalation's JSON (as
// before sovereignty); with one, the data policy's verdict and the envelope sealed with the site's
// key, with the escalation id beside it so the cloud can ack by id even when it may not decrypt.
import { Counters, encodeJson, Escalation, type Logger } from '../core/index.ts';
import type { Destination, OutboundGuard } from '../sovereignty/index.ts';

/**
 * The clear-text field beside a sealed envelope on the link: the escalation id (the outbox key and
 * the id the cloud acks). The cloud checks it against the decrypted escalation whenever it can read.
 */
export const SEALED_ESCALATION_ID_FIELD = 'escalationId';

/** What leaves for one escalation: the bytes for the outbox, or why nothing does. */
export type OutboundResult = { ok: true; bytes: Uint8Array } | { ok: false; blocked: boolean };

/** Builds the boundary step; counts `edge.escalation_blocked`, `edge.escalation_policy_invalid`, `edge.escalation_seal_failed`. */
export function createSealedOutbound(cfg: { guard?: OutboundGuard; destination?: Destination; counters: Counters; log: Logger }): (escalation: Escalation) => Promise<OutboundResult> {
  const { guard, destination, counters, log } = cfg;
  return async (escalation) => {
    if (!guard || !destination) return { ok: true, bytes: encodeJson(escalation) };
    const prepared = await guard.prepare(escalation, destination, `escalation:${escalation.id}`);
    if (!prepared.ok) {
      if (prepared.code === 'policy-blocked') {
        // Audited by the guard; counted and logged here; never stored, never sent.
        counters.inc('edge.escalation_blocked');
        log.warn({ incidentId: escalation.id, reason: prepared.reason }, 'escalation kept on site by the data policy');
        return { ok: false, blocked: true };
      }
      counters.inc('edge.escalation_seal_failed');
      log.error({ incidentId: escalation.id, code: prepared.code, reason: prepared.reason }, 'escalation could not be sealed; not sent (the local action stands)');
      return { ok: false, blocked: false };
    }
    // What the policy lets leave must still be an escalation, or the cloud could only refuse it.
    const reduced = Escalation.safeParse(prepared.value.verdict.message);
    if (!reduced.success) {
      counters.inc('edge.escalation_blocked');
      counters.inc('edge.escalation_policy_invalid');
      log.warn({ incidentId: escalation.id, issues: reduced.error.issues.slice(0, 3).map((i) => i.path.join('.')) }, 'the data policy removed fields an escalation needs; kept on site');
      return { ok: false, blocked: true };
    }
    return { ok: true, bytes: encodeJson({ ...prepared.value.envelope, [SEALED_ESCALATION_ID_FIELD]: escalation.id }) };
  };
}
