// AES-256-GCM with node:crypto: a random 96-bit IV per message (NIST SP 800-38D sec. 8.2.2, the
// RBG construction: at most 2^32 messages per key, far above one message per fresh data key) and
// a 128-bit tag. No hand-written cryptography: this only frames node's cipher.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** Encrypts `plaintext` with `key` and `aad`; returns IV, ciphertext and tag. */
export function gcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, ciphertext, tag: c.getAuthTag() };
}

/** Decrypts and authenticates; returns undefined when the key, IV, AAD, ciphertext or tag do not match. */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer | undefined {
  if (key.length !== KEY_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    return undefined;
  }
}

/** Wraps a data key under a KEK: IV | ciphertext | tag, base64. */
export function wrapKey(kek: Uint8Array, dataKey: Uint8Array, aad: Uint8Array): string {
  const { iv, ciphertext, tag } = gcmEncrypt(kek, dataKey, aad);
  return Buffer.concat([iv, ciphertext, tag]).toString('base64');
}

/** Unwraps a data key wrapped by wrapKey; undefined when the KEK or AAD do not match or it was altered. */
export function unwrapKey(kek: Uint8Array, wrappedB64: string, aad: Uint8Array): Buffer | undefined {
  const raw = Buffer.from(wrappedB64, 'base64');
  if (raw.length !== IV_BYTES + KEY_BYTES + TAG_BYTES) return undefined;
  return gcmDecrypt(kek, raw.subarray(0, IV_BYTES), raw.subarray(IV_BYTES, IV_BYTES + KEY_BYTES), raw.subarray(IV_BYTES + KEY_BYTES), aad);
}
