// The cloud's edge-model builder: healthy per-window feature vectors of one machine type in, an
// ONNX autoencoder and its (unsigned) manifest out. Signing and rollout are separate steps.
import { z } from 'zod';
import { MachineType } from '../../core/index.ts';
import { trainAutoencoder, TrainConfig, type Autoencoder, type TrainReport } from './autoencoder.ts';
import { exportAutoencoderOnnx, INPUT_NAME, ONNX_OPSET, OUTPUT_NAME } from './onnx-export.ts';
import { sha256Hex, type ModelManifest } from '../../core/index.ts';

export const EdgeModelConfig = z.object({
  machineType: MachineType,
  version: z.number().int().positive(),
  name: z.string().optional().describe('model family; default "autoencoder-{machineType}"'),
  featureNames: z.array(z.string()).optional().describe('input order; default: features finite in at least minCoverage of rows, sorted'),
  minCoverage: z.number().min(0.5).max(1).default(0.99).describe('share of rows a feature must be present in to become an input'),
  createdAt: z.iso.datetime().optional().describe('default: now (pass it for reproducible bytes)'),
  train: TrainConfig.prefault({}),
});
export type EdgeModelConfig = z.input<typeof EdgeModelConfig>;

/** One healthy window's features and the machine it came from. */
export interface HealthyRow {
  machine: string;
  features: Record<string, number>;
}

/** A trained, exported edge model: the bytes, the manifest (hash filled in, not signed), and training facts. */
export interface EdgeModel {
  onnx: Uint8Array;
  manifest: ModelManifest;
  model: Autoencoder;
  report: TrainReport;
}

/** The q-quantile of values (nearest rank on the sorted copy). */
function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * (s.length - 1)))]!;
}

/** Features present and finite in at least `minCoverage` of the rows, sorted by name (a stable input order). */
export function chooseFeatures(rows: readonly HealthyRow[], minCoverage: number): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) for (const [k, v] of Object.entries(r.features)) if (Number.isFinite(v)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].filter(([, n]) => n >= minCoverage * rows.length).map(([k]) => k).sort();
}

/** Trains and exports the edge model of one machine type from its fleet's healthy windows. */
export function buildEdgeModel(rows: readonly HealthyRow[], config: EdgeModelConfig): EdgeModel {
  const cfg = EdgeModelConfig.parse(config);
  const featureNames = cfg.featureNames ?? chooseFeatures(rows, cfg.minCoverage);
  if (featureNames.length === 0) throw new RangeError('buildEdgeModel: no feature is present in enough rows');
  // Training needs complete rows; the model imputes missing inputs only at scoring time.
  const complete = rows.filter((r) => featureNames.every((f) => Number.isFinite(r.features[f])));
  const matrix = complete.map((r) => featureNames.map((f) => r.features[f]!));
  const { model, report } = trainAutoencoder(matrix, cfg.train);
  const name = cfg.name ?? `autoencoder-${cfg.machineType}`;
  const onnx = exportAutoencoderOnnx(model, { name, version: String(cfg.version), featureNames: JSON.stringify(featureNames) });
  const manifest: ModelManifest = {
    v: 1,
    name,
    version: cfg.version,
    machineType: cfg.machineType,
    featureNames,
    createdAt: cfg.createdAt ?? new Date().toISOString(),
    trainedOn: { rows: complete.length, machines: new Set(complete.map((r) => r.machine)).size },
    format: { opset: ONNX_OPSET, input: INPUT_NAME, output: OUTPUT_NAME, score: 'mse-robust-z' },
    healthyScoreP99: Math.max(quantile(report.validationScores, 0.99), 1e-9),
    sizeBytes: onnx.byteLength,
    sha256: sha256Hex(onnx),
    keyId: null,
  };
  return { onnx, manifest, model, report };
}
