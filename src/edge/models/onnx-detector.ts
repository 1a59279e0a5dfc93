// An AsyncDetector backed by onnxruntime-node: raw features → float32 tensor [N, d] (NaN for a
// missing value, which the graph imputes) → session.run → one score per row.
import ort from 'onnxruntime-node';
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/index.ts';
import type { AsyncDetector, AsyncDetectorStats } from './async-detector.ts';
import type { ModelManifest } from './release-contract.ts';

export const OnnxDetectorConfig = z.object({
  maxBatch: z.number().int().positive().default(256).describe('rows per session.run; larger batches are split'),
  maxMissingFraction: z.number().min(0).max(1).default(0.5).describe('a row missing more than this share of the features scores 0'),
  threads: z.number().int().min(1).default(1).describe('intra-op threads per session: 1 on the edge, where the agent needs the other cores'),
});
export type OnnxDetectorConfig = z.input<typeof OnnxDetectorConfig>;

/** An ONNX detector together with the manifest it was loaded from. */
export interface OnnxDetector extends AsyncDetector {
  readonly manifest: ModelManifest;
}

/**
 * Loads verified ONNX bytes into a session and checks that the graph has the manifest's input,
 * output and width. A failed Result (not a throw) for bytes onnxruntime cannot load.
 */
export async function loadOnnxDetector(onnx: Uint8Array, manifest: ModelManifest, config: OnnxDetectorConfig = {}): Promise<Result<OnnxDetector>> {
  const cfg = OnnxDetectorConfig.parse(config);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, {
      intraOpNumThreads: cfg.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  } catch (e) {
    return fail(`model ${manifest.name} v${manifest.version}: onnxruntime cannot load it: ${(e as Error).message}`);
  }
  const { input, output } = manifest.format;
  const d = manifest.featureNames.length;
  if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
    await session.release();
    return fail(`model ${manifest.name} v${manifest.version}: graph has inputs [${session.inputNames}] / outputs [${session.outputNames}], manifest names "${input}" / "${output}"`);
  }
  // A probe row checks the width: a graph built for another feature count fails here, not mid-stream.
  try {
    const probe = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(d).fill(Number.NaN), [1, d]) });
    if (probe[output]?.data.length !== 1) throw new Error(`expected 1 score for 1 row, got ${probe[output]?.data.length}`);
  } catch (e) {
    await session.release();
    return fail(`model ${manifest.name} v${manifest.version}: does not accept ${d} features: ${(e as Error).message}`);
  }

  const stats: AsyncDetectorStats = { rowsScored: 0, rowsUnscored: 0, valuesImputed: 0, runs: 0 };
  const names = manifest.featureNames;
  const maxMissing = Math.floor(cfg.maxMissingFraction * d);
  let closed = false;

  async function runChunk(rows: readonly Record<string, number>[]): Promise<number[]> {
    const n = rows.length;
    const data = new Float32Array(n * d);
    const unscored = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let missing = 0;
      for (let j = 0; j < d; j++) {
        const v = row[names[j]!];
        if (v === undefined || !Number.isFinite(v)) {
          data[i * d + j] = Number.NaN;
          missing++;
        } else data[i * d + j] = v;
      }
      stats.valuesImputed += missing;
      if (missing > maxMissing) unscored[i] = 1;
    }
    stats.runs++;
    const out = await session.run({ [input]: new ort.Tensor('float32', data, [n, d]) });
    const scores = out[output]!.data as Float32Array;
    const result = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const s = scores[i]!;
      if (unscored[i]) stats.rowsUnscored++;
      else stats.rowsScored++;
      // float32 overflow on an absurd input reads as "very anomalous", never as NaN.
      result[i] = unscored[i] ? 0 : Number.isNaN(s) ? Number.MAX_VALUE : Math.max(0, s);
    }
    return result;
  }

  return ok({
    manifest,
    featureNames: names,
    async scoreMany(rows) {
      if (closed) throw new Error(`model ${manifest.name} v${manifest.version}: scoreMany after close()`);
      if (rows.length === 0) return [];
      const out: number[] = [];
      for (let i = 0; i < rows.length; i += cfg.maxBatch) out.push(...(await runChunk(rows.slice(i, i + cfg.maxBatch))));
      return out;
    },
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      await session.release();
    },
  });
}
