// Envelope encryption (NIST SP 800-57 pt. 1 sec. 6.1.1 key-wrapping keys): each batch gets a fresh
// AES-256-GCM data key; the payload is encrypted under it, and the data key is wrapped by the
// site's KEK at the plant's key service. The data key never leaves this function in clear except
// to the key service; the cloud gets it back only through an unwrap under an active grant.
import { randomBytes, randomUUID } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { accept, refuse, type Outcome } from '../outcome.ts';
import { gcmDecrypt, gcmEncrypt, KEY_BYTES } from './aes-gcm.ts';
import { SealedEnvelope, type EnvelopeHeader, type WrappedKey } from './schema.ts';

/** What sealing and opening need from the key service (the HTTP client, or an in-process service). */
export interface KeyWrapper {
  wrap(req: { site: string; jurisdiction: string; dataKey: Uint8Array }): Promise<Outcome<WrappedKey>>;
}
export interface KeyUnwrapper {
  unwrap(req: { site: string; jurisdiction: string; purpose: string } & WrappedKey): Promise<Outcome<Uint8Array>>;
}

/**
 * The AAD of a payload: canonical JSON of the header fields it binds, plus `bound`, a value that
 * travels beside the envelope rather than in it (e.g. "escalation:ID", the id the edge's outbox and
 * the cloud's ack use). Bound, it cannot be swapped between envelopes: the opener must present the
 * same value or the payload fails authentication (RFC 5116 sec. 2.1, associated data). Without one
 * the AAD is the header alone.
 */
export function envelopeAad(h: EnvelopeHeader, bound?: string): Buffer {
  const fields = { v: h.v, id: h.id, site: h.site, jurisdiction: h.jurisdiction, keyId: h.keyId, keyVersion: h.keyVersion, contentType: h.contentType };
  return Buffer.from(canonicalJson(bound === undefined ? fields : { ...fields, bound }), 'utf8');
}

/** Seals `payload` for `site` in `jurisdiction` with a fresh data key wrapped by the key service. */
export async function sealEnvelope(
  payload: Uint8Array | string,
  ctx: { site: string; jurisdiction: string; contentType?: string; id?: string; bind?: string },
  keys: KeyWrapper,
): Promise<Outcome<SealedEnvelope>> {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const wrapped = await keys.wrap({ site: ctx.site, jurisdiction: ctx.jurisdiction, dataKey });
    if (!wrapped.ok) return wrapped;
    const header: EnvelopeHeader = {
      v: 1,
      id: ctx.id ?? randomUUID(),
      site: ctx.site,
      jurisdiction: ctx.jurisdiction,
      keyId: wrapped.value.keyId,
      keyVersion: wrapped.value.kekVersion,
      contentType: ctx.contentType ?? 'application/json',
    };
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const { iv, ciphertext, tag } = gcmEncrypt(dataKey, bytes, envelopeAad(header, ctx.bind));
    const env = { ...header, kind: 'edge-pdm.sealed' as const, alg: 'A256GCM' as const, iv: iv.toString('base64'), tag: tag.toString('base64'), ciphertext: ciphertext.toString('base64'), wrap: wrapped.value };
    const checked = SealedEnvelope.safeParse(env);
    return checked.success ? accept(checked.data) : refuse('bad-request', `sealed envelope invalid: ${checked.error.issues[0]?.message}`);
  } finally {
    dataKey.fill(0);
  }
}

/** Validates an envelope received from elsewhere (a value, never a throw). */
export function parseEnvelope(raw: unknown): Outcome<SealedEnvelope> {
  const r = SealedEnvelope.safeParse(raw);
  if (!r.success) return refuse('bad-envelope', `not a sealed envelope: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return accept(r.data);
}

/**
 * Opens an envelope: asks the key service to unwrap its data key for `purpose` (refused with
 * `grant-revoked`, `no-grant`, ... when the plant says no), then decrypts and authenticates the
 * payload. Any change to ciphertext, IV, tag or a bound header field, or a `bind` other than the
 * one it was sealed with, is refused as `tampered`.
 */
export async function openEnvelope(raw: unknown, purpose: string, keys: KeyUnwrapper, opts: { bind?: string } = {}): Promise<Outcome<Buffer>> {
  const parsed = parseEnvelope(raw);
  if (!parsed.ok) return parsed;
  const env = parsed.value;
  const dataKey = await keys.unwrap({ site: env.site, jurisdiction: env.jurisdiction, purpose, ...env.wrap });
  if (!dataKey.ok) return dataKey;
  try {
    const plain = gcmDecrypt(dataKey.value, Buffer.from(env.iv, 'base64'), Buffer.from(env.ciphertext, 'base64'), Buffer.from(env.tag, 'base64'), envelopeAad(env, opts.bind));
    if (!plain) {
      const beside = opts.bind === undefined ? '' : ` or it was not sealed for "${opts.bind}"`;
      return refuse('tampered', `envelope ${env.id} from site ${env.site}: the payload failed authentication (ciphertext, IV, tag or header altered${beside}); refused`);
    }
    return accept(plain);
  } finally {
    if (dataKey.value instanceof Buffer || dataKey.value instanceof Uint8Array) dataKey.value.fill(0);
  }
}

/** Replaces an envelope's wrapped key (after a KEK rotation); the payload and its AAD stay as they were. */
export function withWrap(env: SealedEnvelope, wrap: WrappedKey): SealedEnvelope {
  return { ...env, wrap };
}
