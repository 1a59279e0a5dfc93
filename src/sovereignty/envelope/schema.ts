// The sealed envelope: what leaves a site. Versioned; the payload's AAD binds the envelope id,
// site, jurisdiction, KEK id and the KEK version it was sealed under, so none of them can be
// changed without decryption failing. The wrapped data key sits apart (`wrap`): key rotation
// re-wraps it under a new KEK version without touching the payload.
import { z } from 'zod';
import { Jurisdiction } from '../jurisdiction.ts';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** The data key wrapped by the site's KEK, as the key service returned it. */
export const WrappedKey = z.object({
  keyId: z.string().min(1).max(200).describe('the KEK id at the key service, e.g. kek:site-a'),
  kekVersion: z.number().int().min(1).describe('KEK version that wrapped the data key (changes on rewrap)'),
  wrappedKey: b64.describe('key service format: IV(12) | AES-256-GCM ciphertext(32) | tag(16)'),
});
export type WrappedKey = z.infer<typeof WrappedKey>;

export const SealedEnvelope = z.object({
  v: z.literal(1),
  kind: z.literal('edge-pdm.sealed'),
  alg: z.literal('A256GCM'),
  id: z.string().min(1).max(200).describe('batch id, unique per data key'),
  site: z.string().min(1).max(64),
  jurisdiction: Jurisdiction,
  keyId: z.string().min(1).max(200),
  keyVersion: z.number().int().min(1).describe('KEK version at sealing time; bound into the AAD'),
  contentType: z.string().max(100).default('application/json'),
  iv: b64.describe('96-bit IV (NIST SP 800-38D sec. 8.2)'),
  tag: b64.describe('128-bit GCM tag'),
  ciphertext: b64,
  wrap: WrappedKey,
});
export type SealedEnvelope = z.infer<typeof SealedEnvelope>;
export type SealedEnvelopeInput = z.input<typeof SealedEnvelope>;

/** The header fields the payload's AAD binds. */
export type EnvelopeHeader = Pick<SealedEnvelope, 'v' | 'id' | 'site' | 'jurisdiction' | 'keyId' | 'keyVersion' | 'contentType'>;
