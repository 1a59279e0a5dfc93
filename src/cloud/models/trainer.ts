// Where the cloud trains an edge model: in a worker thread (default: the main thread keeps serving
// intake and acks while Adam runs for seconds), or inline (tests, benchmarks).
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { buildEdgeModel, type EdgeModelConfig, type HealthyRow } from './edge-model.ts';
import type { TrainReport } from './autoencoder.ts';
import type { ModelManifest } from '../../core/index.ts';

/** A trained, exported model and what training did (without the held-out scores). */
export interface TrainedEdgeModel {
  onnx: Uint8Array;
  manifest: ModelManifest;
  report: Omit<TrainReport, 'validationScores'>;
  /** Wall time of training and export, ms. */
  trainMs: number;
}

export interface EdgeModelTrainer {
  train(rows: HealthyRow[], config: EdgeModelConfig): Promise<TrainedEdgeModel>;
  /** Stops any training still running (its promise rejects). */
  close(): Promise<void>;
}

/** Trains on the calling thread (blocks it for the whole training). */
export function inlineTrainer(): EdgeModelTrainer {
  return {
    async train(rows, config) {
      const t0 = performance.now();
      const m = buildEdgeModel(rows, config);
      const { epochs, bestEpoch, trainLoss, validationLoss } = m.report;
      return { onnx: m.onnx, manifest: m.manifest, report: { epochs, bestEpoch, trainLoss, validationLoss }, trainMs: performance.now() - t0 };
    },
    async close() {},
  };
}

/**
 * Trains each job in a fresh worker thread. The project runs from TypeScript source (tsx), and a
 * worker does not inherit the parent's loader hooks on Node 20, so the worker first registers tsx
 * and then imports the entry (resolved here, so it works from any working directory).
 */
export function workerTrainer(): EdgeModelTrainer {
  const live = new Set<Worker>();
  const entry = new URL('./train-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return {
    train(rows, config) {
      return new Promise<TrainedEdgeModel>((resolve, reject) => {
        const w = new Worker(boot, { eval: true });
        live.add(w);
        let settled = false;
        const done = (f: () => void) => {
          if (settled) return;
          settled = true;
          live.delete(w);
          void w.terminate();
          f();
        };
        w.once('message', (r: { ok: true; onnx: Uint8Array; manifest: ModelManifest; report: TrainedEdgeModel['report']; trainMs: number } | { ok: false; error: string }) =>
          done(() => (r.ok ? resolve({ onnx: new Uint8Array(r.onnx), manifest: r.manifest, report: r.report, trainMs: r.trainMs }) : reject(new Error(r.error)))));
        w.once('error', (err) => done(() => reject(err)));
        w.once('exit', (code) => done(() => reject(new Error(`model training worker exited (code ${code}) before answering`))));
        w.postMessage({ rows, config });
      });
    },
    async close() {
      await Promise.all([...live].map((w) => w.terminate()));
      live.clear();
    },
  };
}
