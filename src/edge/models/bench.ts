// Inference throughput of an edge model through onnxruntime-node, for `npm run bench`.
import { loadOnnxDetector } from './onnx-detector.ts';
import type { VerifiedModel } from './verify.ts';

export interface OnnxBenchResult {
  batch: number;
  rowsPerSecond: number;
  /** Median wall time of one scoreMany call, µs. */
  callMicros: number;
}

/** Scores random rows around the model's inputs in batches of each size; median over `runs` timed passes. */
export async function benchOnnxScoring(model: VerifiedModel, opts: { batches?: number[]; rowsPerRun?: number; runs?: number } = {}): Promise<OnnxBenchResult[]> {
  const loaded = await loadOnnxDetector(model.onnx, model.manifest, { threads: 1 });
  if (!loaded.ok) throw new Error(loaded.reason);
  const det = loaded.value;
  const names = model.manifest.featureNames;
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const rowsPerRun = opts.rowsPerRun ?? 6400;
  const rows = Array.from({ length: rowsPerRun }, () => Object.fromEntries(names.map((n) => [n, rnd() * 10])));
  const results: OnnxBenchResult[] = [];
  try {
    for (const batch of opts.batches ?? [1, 64]) {
      const times: number[] = [];
      for (let r = 0; r < (opts.runs ?? 5) + 1; r++) {
        const t0 = performance.now();
        for (let i = 0; i < rows.length; i += batch) await det.scoreMany(rows.slice(i, i + batch));
        if (r > 0) times.push(performance.now() - t0); // the first pass warms up
      }
      times.sort((a, b) => a - b);
      const ms = times[times.length >> 1]!;
      results.push({ batch, rowsPerSecond: (rows.length / ms) * 1000, callMicros: (ms * 1000) / Math.ceil(rows.length / batch) });
    }
  } finally {
    await det.close();
  }
  return results;
}
