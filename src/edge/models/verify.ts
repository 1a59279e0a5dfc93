// Verification before a model is loaded: a cloud release by its Ed25519 signature (against the
// public keys this edge trusts, by keyId) and the SHA-256 its manifest pins; a shipped model by the
// committed manifest's SHA-256. Every rejection is a value whose reason says what failed.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeJson, describeIssues, fail, ok, type Result } from '../../core/index.ts';
import { canonicalJson, ModelManifest, ModelRelease, sha256Hex, MAX_MODEL_BYTES } from './release-contract.ts';

/** Public keys this edge trusts, by keyId: PEM (SPKI) strings or key objects. */
export type TrustedKeys = Readonly<Record<string, string | KeyObject>>;

/** A release that passed verification: its manifest and the ONNX bytes it pins. */
export interface VerifiedModel {
  manifest: ModelManifest;
  onnx: Uint8Array;
}

function toKey(k: string | KeyObject): KeyObject {
  return typeof k === 'string' ? createPublicKey(k) : k;
}

/** Checks that `onnx` is what `manifest` describes (size and SHA-256). */
export function verifyModelBytes(manifest: ModelManifest, onnx: Uint8Array): Result<VerifiedModel> {
  if (onnx.byteLength !== manifest.sizeBytes) return fail(`model ${manifest.name} v${manifest.version}: ${onnx.byteLength} bytes, manifest says ${manifest.sizeBytes}`);
  const hash = sha256Hex(onnx);
  if (hash !== manifest.sha256) return fail(`model ${manifest.name} v${manifest.version}: SHA-256 ${hash.slice(0, 12)}… does not match the manifest's ${manifest.sha256.slice(0, 12)}… (model bytes altered)`);
  return ok({ manifest, onnx });
}

/** Verifies a release (parsed object or wire bytes): schema, trusted key, signature, then the model's hash. */
export function verifyRelease(release: unknown, trusted: TrustedKeys): Result<VerifiedModel> {
  const parsed = release instanceof Uint8Array || typeof release === 'string'
    ? decodeJson(ModelRelease, release)
    : ((r) => (r.success ? ok(r.data) : fail<ModelRelease>(`schema: ${describeIssues(r.error)}`)))(ModelRelease.safeParse(release));
  if (!parsed.ok) return fail(`release rejected: ${parsed.reason}`);
  const { manifest, signature } = parsed.value;
  const id = `model ${manifest.name} v${manifest.version}`;
  if (manifest.keyId === null) return fail(`${id}: release is unsigned (keyId null); only shipped models may be unsigned`);
  const key = trusted[manifest.keyId];
  if (key === undefined) return fail(`${id}: signed with untrusted key "${manifest.keyId}"`);
  let good: boolean;
  try {
    good = verify(null, Buffer.from(canonicalJson(manifest), 'utf8'), toKey(key), Buffer.from(signature, 'base64'));
  } catch (e) {
    return fail(`${id}: signature check failed: ${(e as Error).message}`);
  }
  if (!good) return fail(`${id}: signature does not match the manifest (manifest altered or wrong key)`);
  const onnx = new Uint8Array(Buffer.from(parsed.value.onnx, 'base64'));
  if (onnx.byteLength > MAX_MODEL_BYTES) return fail(`${id}: ${onnx.byteLength} bytes exceeds ${MAX_MODEL_BYTES}`);
  return verifyModelBytes(manifest, onnx);
}

/** Parses a manifest object (e.g. one entry of models/manifest.json). */
export function parseManifest(raw: unknown): Result<ModelManifest> {
  const r = ModelManifest.safeParse(raw);
  return r.success ? ok(r.data) : fail(`manifest: ${describeIssues(r.error)}`);
}
