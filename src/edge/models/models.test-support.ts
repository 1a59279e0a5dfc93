// Test helpers: the shipped pump model as a fixture, and a test signing key that re-signs its
// manifest with changes (a cloud release without importing cloud code).
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { loadShippedModels } from './shipped-models.ts';
import { canonicalJson, type ModelManifest, type ModelRelease } from './release-contract.ts';
import type { VerifiedModel } from './verify.ts';

/** A test signing key and the trusted-key map that accepts it. */
export function testKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  return { keyId, privateKey, trusted: { [keyId]: publicKey.export({ type: 'spki', format: 'pem' }).toString() } };
}

/** A signed release of `model`'s bytes with its manifest changed by `patch`. */
export function releaseOf(model: VerifiedModel, patch: Partial<ModelManifest>, key: ReturnType<typeof testKey>): ModelRelease {
  const manifest: ModelManifest = { ...model.manifest, ...patch, keyId: key.keyId };
  return {
    v: 1,
    manifest,
    signature: sign(null, Buffer.from(canonicalJson(manifest)), key.privateKey).toString('base64'),
    onnx: Buffer.from(model.onnx).toString('base64'),
  };
}

/** The shipped model of one machine type (models/ must hold it: scripts/build-default-models.ts). */
export async function shippedModel(type = 'centrifugal-pump'): Promise<VerifiedModel> {
  const r = await loadShippedModels();
  if (!r.ok) throw new Error(r.reason);
  const m = r.value.models.get(type);
  if (!m) throw new Error(`no shipped model for ${type}: run scripts/build-default-models.ts`);
  return m;
}
