// The default models shipped in the repository (models/<machine-type>.onnx + models/manifest.json),
// built by scripts/build-default-models.ts. No private key is committed, so they carry no signature:
// each is checked against the committed manifest's SHA-256 before it is loaded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJson, fail, ok, type Result } from '../../core/index.ts';
import { ShippedModels } from './release-contract.ts';
import { verifyModelBytes, type VerifiedModel } from './verify.ts';

/** The repository's models/ folder. */
export const SHIPPED_MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

/** File name of the shipped model of a machine type. */
export const shippedModelFile = (machineType: string): string => `${machineType}.onnx`;

/**
 * Reads and verifies every shipped model, by machine type. A model whose bytes do not match the
 * manifest is left out and its reason returned in `rejected` (the others still load).
 */
export async function loadShippedModels(dir: string = SHIPPED_MODELS_DIR): Promise<Result<{ models: Map<string, VerifiedModel>; rejected: string[] }>> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch (e) {
    return fail(`shipped models: cannot read ${join(dir, 'manifest.json')}: ${(e as Error).message}`);
  }
  const parsed = decodeJson(ShippedModels, text);
  if (!parsed.ok) return fail(`shipped models: manifest.json: ${parsed.reason}`);
  const models = new Map<string, VerifiedModel>();
  const rejected: string[] = [];
  for (const manifest of parsed.value.models) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(dir, shippedModelFile(manifest.machineType))));
    } catch (e) {
      rejected.push(`${manifest.machineType}: ${(e as Error).message}`);
      continue;
    }
    const v = verifyModelBytes(manifest, bytes);
    if (v.ok) models.set(manifest.machineType, v.value);
    else rejected.push(v.reason);
  }
  return ok({ models, rejected });
}
