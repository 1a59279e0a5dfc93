// Ed25519 signing of audit checkpoints (RFC 8032) with node:crypto. The key id is the first 16 hex
// characters of the SHA-256 of the public key's DER, so a verifier can pin the keys it trusts.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../core/index.ts';

/** Signs checkpoint messages; `publicKeyPem` is stored beside each checkpoint. */
export interface CheckpointSigner {
  keyId: string;
  publicKeyPem: string;
  sign(message: Buffer): string;
}

/** The key id of a public key: 16 hex characters of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

/** A signer from an Ed25519 private key (PEM). */
export function createSigner(privateKeyPem: string): CheckpointSigner {
  let priv: KeyObject;
  try {
    priv = createPrivateKey(privateKeyPem);
  } catch (err) {
    throw new ConfigError(`audit signing key: not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (priv.asymmetricKeyType !== 'ed25519') throw new ConfigError(`audit signing key: must be Ed25519, got ${priv.asymmetricKeyType}`);
  const pub = createPublicKey(priv);
  return {
    keyId: keyIdOf(pub),
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => sign(null, message, priv).toString('base64'),
  };
}

/** A fresh Ed25519 private key as PEM. */
export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Reads the private key at `file`, creating it (mode 0600) when missing. */
export function loadOrCreateSigner(file: string): CheckpointSigner {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, generateSigningKeyPem(), { mode: 0o600 });
  }
  return createSigner(readFileSync(file, 'utf8'));
}

/** Verifies a checkpoint signature with a public key (PEM); false on any malformed input. */
export function verifySignature(publicKeyPem: string, message: Buffer, signatureB64: string): boolean {
  try {
    return verify(null, message, createPublicKey(publicKeyPem), Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}
