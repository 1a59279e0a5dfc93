// Ed25519 signing of model manifests (RFC 8032, via node:crypto). The cloud holds the private key;
// edges hold the public keys they trust, by keyId. No private key is ever committed: the keys are
// generated at deployment (or per test).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson, sha256Hex, type ModelManifest, type ModelRelease } from '../../core/index.ts';

/** A signing key with its id; `publicKeyPem` is what edges are configured to trust. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
}

/** keyId = first 16 hex digits of SHA-256 over the public key's SPKI DER (a fingerprint, as SSH and TUF do). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** Generates a fresh Ed25519 signing key. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyId: keyIdOf(publicKey), privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Loads a signing key from a PKCS#8 PEM (e.g. from a secret store or MODEL_SIGNING_KEY). */
export function signingKeyFromPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new RangeError(`model signing key must be ed25519, got ${publicKey.asymmetricKeyType}`);
  return { keyId: keyIdOf(publicKey), privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/**
 * Builds a signed release: stamps the manifest with the bytes' hash and size and the key's id,
 * then signs its canonical JSON. Ed25519 signs the message itself (no separate digest: RFC 8032).
 */
export function signRelease(onnx: Uint8Array, manifest: Omit<ModelManifest, 'sha256' | 'keyId' | 'sizeBytes'>, key: SigningKey): ModelRelease {
  const full: ModelManifest = { ...manifest, sizeBytes: onnx.byteLength, sha256: sha256Hex(onnx), keyId: key.keyId };
  const signature = sign(null, Buffer.from(canonicalJson(full), 'utf8'), key.privateKey).toString('base64');
  return { v: 1, manifest: full, signature, onnx: Buffer.from(onnx).toString('base64') };
}
