// The release contract, shared with the cloud. TEMPORARY sideways import: the schemas live in
// src/cloud/models/release.ts until the lead moves them to src/core/schemas/ (they import only zod
// and core); then this file's import path is the only edge line that changes.
export { ModelManifest, ModelRelease, ShippedModels, canonicalJson, sha256Hex, MAX_MODEL_BYTES } from '../../core/index.ts';
