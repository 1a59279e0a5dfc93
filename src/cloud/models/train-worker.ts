// Worker-thread entry of the edge-model trainer: training takes seconds of pure CPU (Adam over a
// few thousand rows, hundreds of epochs), which on the cloud's main thread would stall intake and
// acks for as long. One job per worker: { rows, config } in, the built model (or an error) out.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { buildEdgeModel, type EdgeModelConfig, type HealthyRow } from './edge-model.ts';

parentPort?.once('message', (job: { rows: HealthyRow[]; config: EdgeModelConfig }) => {
  try {
    const t0 = performance.now();
    const m = buildEdgeModel(job.rows, job.config);
    const { epochs, bestEpoch, trainLoss, validationLoss } = m.report;
    parentPort!.postMessage({ ok: true, onnx: m.onnx.slice(), manifest: m.manifest, report: { epochs, bestEpoch, trainLoss, validationLoss }, trainMs: performance.now() - t0 });
  } catch (err) {
    parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
