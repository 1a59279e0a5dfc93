// The cloud bus as an outsider sees it, for the sovereignty tests: every message a JetStream stream
// holds (limits retention keeps them all, so a fresh durable reads them from the beginning), and
// checks that what left a site is a sealed envelope and nothing else readable.
import { createJetStreamQueue, namespacedQueue } from '../../src/transport/index.ts';
import { silentLogger, subjects } from '../../src/core/index.ts';

export interface BusMessage {
  subject: string;
  data: Uint8Array;
}

/** Every message of the run's stream (namespace `ns`), read with a fresh durable until `quietMs` pass without one. */
export async function readWholeBus(url: string, ns: string, quietMs = 2000): Promise<BusMessage[]> {
  const q = await createJetStreamQueue({ url, logger: silentLogger(), stream: `PDM_${ns}`, subjects: [`${ns}.pdm.>`] });
  const bus = namespacedQueue(q, ns);
  const out: BusMessage[] = [];
  let last = Date.now();
  const sub = await bus.consume('pdm.>', `scan-${Date.now()}`, async (m) => {
    out.push({ subject: m.subject, data: m.data });
    last = Date.now();
    return 'ack';
  });
  while (Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 200));
  await sub.stop();
  await q.close();
  return out;
}

/** The fields a sealed envelope shows in clear (src/sovereignty/envelope/schema.ts), and the id an escalation carries beside it. */
const ENVELOPE_KEYS = ['v', 'kind', 'alg', 'id', 'site', 'jurisdiction', 'keyId', 'keyVersion', 'contentType', 'iv', 'tag', 'ciphertext', 'wrap'];

/** Whether a message is one of those that leave a site (escalations, statuses and incident evidence updates, any site). */
export const leavesSite = (m: BusMessage): boolean =>
  m.subject.startsWith(subjects.escalation('')) || m.subject.startsWith(subjects.status('')) || m.subject.startsWith(subjects.update(''));

/**
 * Why a message that left a site is not just a sealed envelope (undefined when it is): not JSON
 * (a raw binary frame), not an envelope, or carrying any field beyond the envelope's header (an
 * escalation may carry its id beside it, which the envelope's AAD binds).
 */
export function notSealed(m: BusMessage): string | undefined {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(Buffer.from(m.data).toString('utf8')) as Record<string, unknown>;
  } catch {
    return `${m.subject}: not JSON (${m.data.byteLength} B, a raw frame?)`;
  }
  if (obj['kind'] !== 'edge-pdm.sealed') return `${m.subject}: not a sealed envelope`;
  const beside = m.subject.startsWith(subjects.escalation('')) ? ['escalationId'] : m.subject.startsWith(subjects.update('')) ? ['updateId'] : [];
  const allowed = new Set([...ENVELOPE_KEYS, ...beside]);
  const extra = Object.keys(obj).filter((k) => !allowed.has(k));
  if (extra.length) return `${m.subject}: fields in clear beside the envelope: ${extra.join(', ')}`;
  const wrapKeys = Object.keys(obj['wrap'] as object).sort().join(',');
  if (wrapKeys !== 'kekVersion,keyId,wrappedKey') return `${m.subject}: unexpected wrap fields ${wrapKeys}`;
  return undefined;
}

/** Strings a plain MachineStatus would show (field names and machine ids); none may be readable on the bus. */
export function statusTells(machines: Iterable<string>): string[] {
  return ['"state"', '"score"', '"windows"', '"machineType"', '"baseline"', '"features"', '"line"', ...[...machines].map((m) => `"${m}"`)];
}
