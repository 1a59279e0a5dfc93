// The site's boundary for everything that goes to the cloud: without a guard the message's JSON (as
// before sovereignty); with one, the data policy's verdict and the envelope sealed with the site's
// key. An escalation carries its id beside the envelope (so the cloud can ack by id even when it may
// not decrypt), bound into the envelope's AAD so it cannot be swapped; a status carries nothing.
import { Counters, encodeJson, Escalation, MachineStatus, type Logger } from '../core/index.ts';
import { sealedBinding, type Destination, type OutboundGuard } from '../sovereignty/index.ts';

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
    const prepared = await guard.prepare(escalation, destination, `escalation:${escalation.id}`, { bind: sealedBinding.escalation(escalation.id) });
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

/**
 * Builds the boundary step for machine statuses: their bytes for the link, or undefined when the
 * policy keeps them on site or sealing failed (a status is periodic and superseded by the next, so
 * it is counted, never retried). Counts `edge.status_blocked`, `edge.status_seal_failed`.
 */
export function createSealedStatus(cfg: { guard?: OutboundGuard; destination?: Destination; counters: Counters; log: Logger }): (status: MachineStatus) => Promise<Uint8Array | undefined> {
  const { guard, destination, counters, log } = cfg;
  const warned = new Set<string>();
  /** Once per reason: a status every few windows per machine would flood the log. */
  const warnOnce = (key: string, fields: Record<string, unknown>, msg: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(fields, msg);
  };
  return async (status) => {
    if (!guard || !destination) return encodeJson(status);
    const prepared = await guard.prepare(status, destination, `status:${status.site}/${status.machine}`, { bind: sealedBinding.status() });
    if (!prepared.ok) {
      if (prepared.code === 'policy-blocked') {
        counters.inc('edge.status_blocked');
        warnOnce('blocked', { machine: status.machine, reason: prepared.reason }, 'machine statuses kept on site by the data policy');
      } else {
        counters.inc('edge.status_seal_failed');
        warnOnce(`seal:${prepared.code}`, { machine: status.machine, code: prepared.code, reason: prepared.reason }, 'a machine status could not be sealed; not sent');
      }
      return undefined;
    }
    // What leaves must still be a status, or the cloud could only refuse it.
    if (!MachineStatus.safeParse(prepared.value.verdict.message).success) {
      counters.inc('edge.status_blocked');
      counters.inc('edge.status_policy_invalid');
      warnOnce('invalid', { machine: status.machine }, 'the data policy removed fields a machine status needs; kept on site');
      return undefined;
    }
    return encodeJson(prepared.value.envelope);
  };
}
