// The site's boundary for incident updates (the same path as escalations, sealed-outbound.ts):
// without a guard the update's JSON; with one, the data policy's verdict and the envelope sealed
// with the site's key, the update id beside it in clear (the outbox key and the id the cloud acks)
// and bound into the envelope's AAD so it cannot be swapped or replayed as an escalation.
import { Counters, encodeJson, IncidentUpdate, type Logger } from '../core/index.ts';
import { sealedBinding, type Destination, type OutboundGuard } from '../sovereignty/index.ts';
import type { OutboundResult } from './sealed-outbound.ts';

/** The clear-text field beside a sealed update's envelope: its id. */
export const SEALED_UPDATE_ID_FIELD = 'updateId';

/** Builds the boundary step for updates; counts `edge.update_blocked`, `edge.update_seal_failed`. */
export function createSealedUpdate(cfg: { guard?: OutboundGuard; destination?: Destination; counters: Counters; log: Logger }): (update: IncidentUpdate) => Promise<OutboundResult> {
  const { guard, destination, counters, log } = cfg;
  return async (update) => {
    if (!guard || !destination) return { ok: true, bytes: encodeJson(update) };
    const prepared = await guard.prepare(update, destination, `update:${update.id}`, { bind: sealedBinding.update(update.id) });
    if (!prepared.ok) {
      const blocked = prepared.code === 'policy-blocked';
      counters.inc(blocked ? 'edge.update_blocked' : 'edge.update_seal_failed');
      log.warn({ updateId: update.id, code: prepared.code, reason: prepared.reason }, blocked ? 'incident update kept on site by the data policy' : 'incident update could not be sealed; not sent');
      return { ok: false, blocked };
    }
    // What the policy lets leave must still be an update, or the cloud could only refuse it.
    if (!IncidentUpdate.safeParse(prepared.value.verdict.message).success) {
      counters.inc('edge.update_blocked');
      counters.inc('edge.update_policy_invalid');
      log.warn({ updateId: update.id }, 'the data policy removed fields an incident update needs; kept on site');
      return { ok: false, blocked: true };
    }
    return { ok: true, bytes: encodeJson({ ...prepared.value.envelope, [SEALED_UPDATE_ID_FIELD]: update.id }) };
  };
}
