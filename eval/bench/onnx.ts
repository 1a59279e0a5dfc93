// Edge-model inference throughput through onnxruntime-node (one intra-op thread, as on the edge):
// rows per second at batch 1 (one window scored as it arrives) and batch 64 (windows of many
// machines coalesced by createBatcher), for each shipped default model.
//
//   node --import tsx eval/bench/onnx.ts [--runs 5] [--json]
import { parseArgs } from 'node:util';
import { benchOnnxScoring, loadShippedModels } from '../../src/edge/models/index.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
const shipped = await loadShippedModels();
if (!shipped.ok) throw new Error(shipped.reason);
const out: Record<string, unknown> = {};
for (const [type, model] of shipped.value.models) {
  const r = await benchOnnxScoring(model, { batches: [1, 64], runs: Number(values.runs) });
  out[type] = { bytes: model.onnx.byteLength, features: model.manifest.featureNames.length, results: r };
  if (!values.json) {
    console.log(`${type.padEnd(17)} ${String(model.onnx.byteLength).padStart(6)} B, ${model.manifest.featureNames.length} features: ` +
      r.map((x) => `batch ${x.batch}: ${Math.round(x.rowsPerSecond).toLocaleString('en')} rows/s (${x.callMicros.toFixed(0)} µs/call)`).join('; '));
  }
}
if (values.json) console.log(JSON.stringify(out));
