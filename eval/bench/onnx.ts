// Edge-model inference throughput through onnxruntime-node (one intra-op thread, as on the edge):
// rows per second at batch 1 (one window scored as it arrives) and batch 64 (windows of many
// machines coalesced by createBatcher), for each shipped default model.
//
//   node --import tsx eval/bench/onnx.ts [--runs 5] [--json] [--out FILE]
//   (--json prints the figures on stdout instead of the text; --out also writes them, with summary rows, to FILE)
import { parseArgs } from 'node:util';
import { benchOnnxScoring, loadShippedModels } from '../../src/edge/models/index.ts';
import { writeReport, type SummaryRow } from './harness.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, json: { type: 'boolean', default: false }, out: { type: 'string' } } });
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
if (values.out) {
  // One row per batch size: the slowest shipped model (what a mixed fleet must budget for) and the fastest in the note.
  const byBatch = new Map<number, { type: string; rowsPerSecond: number }[]>();
  for (const [type, v] of Object.entries(out) as [string, { results: { batch: number; rowsPerSecond: number }[] }][]) {
    for (const r of v.results) byBatch.set(r.batch, [...(byBatch.get(r.batch) ?? []), { type, rowsPerSecond: r.rowsPerSecond }]);
  }
  const summary: SummaryRow[] = [...byBatch].map(([batch, rs]) => {
    const sorted = [...rs].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
    const lo = sorted[0]!;
    const hi = sorted.at(-1)!;
    return { name: `ONNX inference, batch ${batch}, slowest model`, value: Math.round(lo.rowsPerSecond), unit: 'rows/s', note: `${lo.type}; fastest ${hi.type} ${Math.round(hi.rowsPerSecond).toLocaleString('en')}/s` };
  });
  await writeReport(values.out, { bench: 'onnx', models: out, summary });
}
if (values.json) console.log(JSON.stringify(out));
