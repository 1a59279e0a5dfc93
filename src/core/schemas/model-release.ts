// The model release contract between cloud and edge: a manifest describing one ONNX edge model,
// an Ed25519 signature over the manifest's canonical JSON, and the ONNX bytes. The manifest pins
// the bytes by SHA-256, so the one signature covers both. Imports only zod and the vocabulary, so it can
// be shared by cloud and edge (the edge must not import cloud code).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MachineType } from '../vocabulary.ts';

/** Largest ONNX model a release may carry (bytes): edge models are small; this bounds a hostile release. */
export const MAX_MODEL_BYTES = 1024 * 1024;

/** What one edge model is, where it came from, and how to feed it. */
export const ModelManifest = z.object({
  v: z.literal(1),
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).describe('model family, e.g. "autoencoder-centrifugal-pump"; versions compare within a name'),
  version: z.number().int().positive().describe('monotonic per name: the edge refuses a version it has already seen or passed'),
  machineType: MachineType,
  featureNames: z.array(z.string().min(1)).min(1).max(256).describe('input order: column j of the input tensor is featureNames[j]'),
  createdAt: z.iso.datetime().describe('when the model was trained (UTC, ISO 8601)'),
  trainedOn: z.object({
    rows: z.number().int().positive().describe('healthy feature vectors (windows) trained on'),
    machines: z.number().int().positive().describe('distinct machines they came from'),
  }),
  format: z.object({
    opset: z.number().int().positive(),
    input: z.string().describe('graph input: float32 [N, featureNames.length] raw features, NaN = missing'),
    output: z.string().describe('graph output: float32 [N] score, higher = more anomalous'),
    score: z.literal('mse-robust-z').describe('mean squared reconstruction error in robust z units'),
  }),
  healthyScoreP99: z.number().positive().describe('0.99 quantile of the score on held-out healthy rows: the model\'s own alarm threshold'),
  sizeBytes: z.number().int().positive().max(MAX_MODEL_BYTES),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 (hex) of the ONNX bytes'),
  keyId: z.string().min(1).nullable().describe('signing key id (null for models shipped in the repository, verified by hash only)'),
});
export type ModelManifest = z.infer<typeof ModelManifest>;

/** A signed release on `pdm.model.{site}` (subjects.model). */
export const ModelRelease = z.object({
  v: z.literal(1),
  manifest: ModelManifest,
  signature: z.base64().describe('Ed25519 signature (base64) of canonicalJson(manifest)'),
  onnx: z.base64().max(Math.ceil(MAX_MODEL_BYTES / 3) * 4).describe('the ONNX model bytes, base64'),
});
export type ModelRelease = z.infer<typeof ModelRelease>;

/** The models shipped in the repository (models/manifest.json): verified by each manifest's sha256. */
export const ShippedModels = z.object({
  v: z.literal(1),
  models: z.array(ModelManifest),
});
export type ShippedModels = z.infer<typeof ShippedModels>;

/**
 * Canonical JSON (RFC 8785, JCS, for the values a manifest holds): object keys sorted by UTF-16
 * code units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them. Signer
 * and verifier must serialise identically, whatever order the keys arrived in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
