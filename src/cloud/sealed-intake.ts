// The cloud side of a site's boundary, before diagnosis: a message on pdm.escalation.* that is a
// sealed envelope is opened under the plant's grant (residency → unwrap → decrypt), and only then
// read as an Escalation. With a guard nothing bypasses encryption: a plain escalation is refused.
// Every refusal is answered to the edge ('rejected' with the reason) so it stops resending, except
// an unreachable key service, which is a 'nak' (the same envelope opens once it is back).
// Machine statuses on pdm.status.* are opened the same way (unsealStatus); a refused status is
// counted and dropped, never answered: the next one supersedes it.
import {
  Counters,
  DeadLetterQueue,
  Escalation,
  MachineStatus,
  decodeJson,
  isSegment,
  type EscalationAck,
  type Logger,
  type QueueMessage,
  type QueueVerdict,
} from '../core/index.ts';
import { sealedBinding, type InboundGuard } from '../sovereignty/index.ts';

/**
 * The clear-text field the edge adds beside a sealed envelope: the escalation id, so a refusal can
 * still be acked by id (the edge's outbox key) without decrypting. Checked against the decrypted id.
 */
export const SEALED_ESCALATION_ID_FIELD = 'escalationId';

/** Refusal codes that mean "the plant does not let us read this site's evidence" (crypto-shredding). */
const GRANT_REFUSALS = new Set(['grant-revoked', 'grant-expired', 'no-grant']);

/**
 * What the intake gets back: an escalation to decide (with its jurisdiction tag and, when it came
 * sealed, the envelope as it arrived, which is what the cloud stores), or the verdict for the queue.
 */
export type Unsealed = { ok: true; escalation: Escalation; jurisdiction: string | null; sealed: unknown } | { ok: false; verdict: QueueVerdict };

/** Everything the unsealing step needs from the diagnosis service. */
export interface UnsealContext {
  guard: InboundGuard;
  counters: Counters;
  deadLetters: DeadLetterQueue;
  log: Logger;
  sendAck(ack: Pick<EscalationAck, 'escalationId' | 'site' | 'outcome' | 'detail'>): Promise<void>;
  /** Told of every grant refusal, so stored evidence of the site is treated as revoked too. */
  onGrantRefused?(site: string, code: string, reason: string): void;
}

const parseJson = (data: Uint8Array): unknown => {
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
};

const str = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined);

/** Opens one message under the inbound guard; refusals are dead-lettered, counted, logged and answered. */
export async function unsealEscalation(m: QueueMessage, ctx: UnsealContext): Promise<Unsealed> {
  const { guard, counters, deadLetters, log } = ctx;
  const raw = parseJson(m.data) as Record<string, unknown> | undefined;
  const obj = raw && typeof raw === 'object' ? raw : {};
  const sealed = obj['kind'] === 'edge-pdm.sealed';
  // Who to answer, without decrypting: the envelope's site and the id carried beside it (or, for a
  // plain escalation, its own id and site).
  const id = str(sealed ? obj[SEALED_ESCALATION_ID_FIELD] : obj['id']);
  const site = str(obj['site'], 64);
  const refuse = async (counter: string, reason: string, detail: string): Promise<Unsealed> => {
    counters.inc(counter);
    deadLetters.add('cloud.intake', reason, m.subject, m.data);
    if (id && site && isSegment(site)) await ctx.sendAck({ escalationId: id, site, outcome: 'rejected', detail });
    return { ok: false, verdict: 'ack' };
  };

  if (!sealed) {
    log.warn({ subject: m.subject, escalationId: id, site }, 'unsealed escalation refused: this cloud accepts only sealed envelopes');
    return refuse('cloud.intake.unsealed', 'unsealed escalation refused: this cloud accepts only sealed envelopes', 'refused: not sealed; this cloud accepts only sealed envelopes');
  }
  // The id beside the envelope is its AAD: a swapped or stripped id fails authentication ('tampered').
  const opened = await guard.open(raw, `escalation:${id ?? '?'}`, { bind: sealedBinding.escalation(id ?? '') });
  if (!opened.ok) {
    if (opened.code === 'unavailable') {
      counters.inc('cloud.intake.unavailable');
      log.warn({ escalationId: id, site, reason: opened.reason }, 'key service unavailable; the escalation will be redelivered');
      return { ok: false, verdict: 'nak' };
    }
    if (GRANT_REFUSALS.has(opened.code)) {
      // Said plainly, once per message: the plant withdrew the key, this is not a fault of ours.
      log.warn({ escalationId: id, site, code: opened.code }, opened.reason);
      if (site) ctx.onGrantRefused?.(site, opened.code, opened.reason);
      return refuse('cloud.intake.revoked', opened.reason, `${opened.code}: ${opened.reason}`);
    }
    log.warn({ escalationId: id, site, code: opened.code, reason: opened.reason }, 'sealed escalation refused');
    return refuse(opened.code === 'residency' ? 'cloud.intake.residency' : 'cloud.intake.refused', `${opened.code}: ${opened.reason}`, `${opened.code}: ${opened.reason}`);
  }
  const decoded = decodeJson(Escalation, opened.value.payload);
  if (!decoded.ok) return refuse('cloud.intake.invalid', `sealed payload is no escalation: ${decoded.reason}`, 'invalid: the sealed payload is no escalation');
  const esc = decoded.value;
  const env = opened.value.envelope;
  if (esc.id !== id || esc.site !== env.site) {
    return refuse('cloud.intake.refused', `tampered: envelope claims ${id ?? '?'} from ${env.site}, payload is ${esc.id} from ${esc.site}`, 'tampered: the id beside the envelope does not match its payload');
  }
  return { ok: true, escalation: esc, jurisdiction: env.jurisdiction, sealed: raw };
}

/**
 * Opens a sealed machine status under the guard (residency → unwrap → decrypt → MachineStatus), with
 * the result shaped like decodeJson's so the status handler treats a refusal as an invalid status.
 * Counts `cloud.status.refused.<code>`; a grant refusal is logged once per site and code.
 */
export function createStatusUnsealer(ctx: { guard: InboundGuard; counters: Counters; log: Logger; onGrantRefused?(site: string, code: string, reason: string): void }): (m: QueueMessage) => Promise<{ ok: true; value: MachineStatus } | { ok: false; reason: string }> {
  const { guard, counters, log } = ctx;
  const told = new Set<string>();
  const refuse = (code: string, reason: string, site?: string) => {
    counters.inc(`cloud.status.refused.${code}`);
    const key = `${site ?? '?'}:${code}`;
    if (!told.has(key)) {
      told.add(key);
      if (GRANT_REFUSALS.has(code)) log.warn({ site, code }, reason);
      else log.warn({ site, code, reason }, 'machine status refused');
    }
    return { ok: false as const, reason: `${code}: ${reason}` };
  };
  return async (m) => {
    const raw = parseJson(m.data) as Record<string, unknown> | undefined;
    const site = str(raw?.['site'], 64);
    if (!raw || raw['kind'] !== 'edge-pdm.sealed') return refuse('unsealed', 'unsealed status refused: this cloud accepts only sealed envelopes', site);
    const opened = await guard.open(raw, `status:${site ?? '?'}`, { bind: sealedBinding.status() });
    if (!opened.ok) {
      if (site && GRANT_REFUSALS.has(opened.code)) ctx.onGrantRefused?.(site, opened.code, opened.reason);
      return refuse(opened.code, opened.reason, site);
    }
    const decoded = decodeJson(MachineStatus, opened.value.payload);
    if (!decoded.ok) return refuse('invalid', `the sealed payload is no machine status: ${decoded.reason}`, site);
    if (decoded.value.site !== opened.value.envelope.site) return refuse('tampered', `envelope from ${opened.value.envelope.site} carries a status of ${decoded.value.site}`, site);
    return decoded;
  };
}
