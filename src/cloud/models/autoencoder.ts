// A small dense autoencoder (d → 16 → 4 → 16 → d, tanh hidden layers, linear output) on robustly
// standardised features, trained with Adam (Kingma & Ba, ICLR 2015) on mini-batches with early
// stopping on a held-out split. Healthy rows reconstruct well; a row unlike them does not, so the
// mean squared reconstruction error (in robust z units) is the anomaly score (Sakurada & Yairi,
// MLSDA 2014). Deterministic for a seed: same rows and seed, same weights.
import { z } from 'zod';
import { fitRobustScaling, standardize, type RobustScaling } from './robust-scaling.ts';
import { mulberry32 } from '../../core/prng.ts';

/** One dense layer: y = act(W x + b), W stored row-major as [out][in] (ONNX Gemm with transB = 1). */
export interface DenseLayer {
  inDim: number;
  outDim: number;
  /** out × in weights, row-major. */
  w: number[];
  b: number[];
  activation: 'tanh' | 'linear';
}

/** A trained autoencoder with the scaling it was trained under. */
export interface Autoencoder {
  scaling: RobustScaling;
  layers: DenseLayer[];
}

export const TrainConfig = z.object({
  hidden: z.array(z.number().int().positive()).min(1).default([16, 4, 16]).describe('hidden layer widths; the middle one is the bottleneck'),
  seed: z.number().int().default(1),
  learningRate: z.number().positive().default(0.003).describe('Adam step size'),
  batchSize: z.number().int().positive().default(32),
  maxEpochs: z.number().int().positive().default(300),
  patience: z.number().int().positive().default(25).describe('epochs without a better validation loss before stopping'),
  validationFraction: z.number().min(0.05).max(0.5).default(0.2).describe('share of rows held out for early stopping'),
  clipZ: z.number().positive().default(10).describe('standardised training inputs are clipped to ±clipZ so one wild row cannot dominate a batch'),
});
export type TrainConfig = z.input<typeof TrainConfig>;

/** What training did, for the manifest and logs. */
export interface TrainReport {
  epochs: number;
  bestEpoch: number;
  trainLoss: number;
  validationLoss: number;
  /** Reconstruction errors of the held-out rows (the healthy score distribution). */
  validationScores: number[];
}


function shuffle<T>(xs: T[], rnd: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Rounds every weight to float32: the TypeScript forward pass then uses exactly the exported weights. */
function toFloat32(layers: DenseLayer[]): DenseLayer[] {
  return layers.map((l) => ({ ...l, w: l.w.map(Math.fround), b: l.b.map(Math.fround) }));
}

/** Reconstruction of a standardised row through the layers. */
function reconstruct(layers: readonly DenseLayer[], zRow: readonly number[]): number[] {
  let a: readonly number[] = zRow;
  for (const l of layers) {
    const out = new Array<number>(l.outDim);
    for (let o = 0; o < l.outDim; o++) {
      let s = l.b[o]!;
      const base = o * l.inDim;
      for (let i = 0; i < l.inDim; i++) s += l.w[base + i]! * a[i]!;
      out[o] = l.activation === 'tanh' ? Math.tanh(s) : s;
    }
    a = out;
  }
  return a as number[];
}

/** The anomaly score of one raw row: mean squared reconstruction error in robust z units. */
export function scoreRow(model: Autoencoder, raw: readonly number[]): number {
  const zRow = standardize(raw, model.scaling);
  const y = reconstruct(model.layers, zRow);
  let s = 0;
  for (let j = 0; j < zRow.length; j++) s += (y[j]! - zRow[j]!) ** 2;
  return s / zRow.length;
}

/** Trains on healthy rows (rows × features, all finite); returns the model and what training did. */
export function trainAutoencoder(rows: readonly (readonly number[])[], config: TrainConfig = {}): { model: Autoencoder; report: TrainReport } {
  const cfg = TrainConfig.parse(config);
  if (rows.length < 10) throw new RangeError(`trainAutoencoder: need at least 10 rows, got ${rows.length}`);
  const d = rows[0]!.length;
  if (rows.some((r) => r.length !== d || r.some((v) => !Number.isFinite(v)))) throw new RangeError('trainAutoencoder: rows must be finite and of equal length');
  const rnd = mulberry32(cfg.seed);
  const scaling = fitRobustScaling(rows);
  const zRows = rows.map((r) => standardize(r, scaling).map((v) => Math.max(-cfg.clipZ, Math.min(cfg.clipZ, v))));
  const order = shuffle(zRows.map((_, i) => i), rnd);
  const nVal = Math.max(2, Math.round(cfg.validationFraction * rows.length));
  const valIdx = order.slice(0, nVal);
  const trainIdx = order.slice(nVal);

  // Xavier/Glorot uniform initialisation (Glorot & Bengio, AISTATS 2010) suits tanh layers.
  const dims = [d, ...cfg.hidden, d];
  let layers: DenseLayer[] = dims.slice(1).map((outDim, k) => {
    const inDim = dims[k]!;
    const lim = Math.sqrt(6 / (inDim + outDim));
    return {
      inDim,
      outDim,
      w: Array.from({ length: inDim * outDim }, () => (2 * rnd() - 1) * lim),
      b: new Array<number>(outDim).fill(0),
      activation: k === dims.length - 2 ? 'linear' : 'tanh',
    };
  });
  const adam = layers.map((l) => ({ mw: new Float64Array(l.w.length), vw: new Float64Array(l.w.length), mb: new Float64Array(l.b.length), vb: new Float64Array(l.b.length) }));
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8]; // Adam's published defaults
  let step = 0;

  const loss = (idx: number[], ls: DenseLayer[]) => {
    let s = 0;
    for (const i of idx) {
      const y = reconstruct(ls, zRows[i]!);
      for (let j = 0; j < d; j++) s += (y[j]! - zRows[i]![j]!) ** 2;
    }
    return s / (idx.length * d);
  };

  let best = { loss: loss(valIdx, layers), layers: structuredClone(layers), epoch: 0 };
  let epoch = 0;
  for (epoch = 1; epoch <= cfg.maxEpochs; epoch++) {
    shuffle(trainIdx, rnd);
    for (let start = 0; start < trainIdx.length; start += cfg.batchSize) {
      const batch = trainIdx.slice(start, start + cfg.batchSize);
      const gw = layers.map((l) => new Float64Array(l.w.length));
      const gb = layers.map((l) => new Float64Array(l.b.length));
      for (const i of batch) {
        // Forward, keeping every layer's activation.
        const acts: number[][] = [zRows[i]!];
        for (const l of layers) {
          const a = acts[acts.length - 1]!;
          const out = new Array<number>(l.outDim);
          for (let o = 0; o < l.outDim; o++) {
            let s = l.b[o]!;
            for (let q = 0; q < l.inDim; q++) s += l.w[o * l.inDim + q]! * a[q]!;
            out[o] = l.activation === 'tanh' ? Math.tanh(s) : s;
          }
          acts.push(out);
        }
        // Backward: d(mean squared error)/d(output), scaled by batch and width.
        const y = acts[acts.length - 1]!;
        let delta = y.map((v, j) => (2 * (v - zRows[i]![j]!)) / (batch.length * d));
        for (let k = layers.length - 1; k >= 0; k--) {
          const l = layers[k]!;
          const a = acts[k]!;
          const out = acts[k + 1]!;
          if (l.activation === 'tanh') delta = delta.map((g, o) => g * (1 - out[o]! ** 2));
          const prev = new Array<number>(l.inDim).fill(0);
          for (let o = 0; o < l.outDim; o++) {
            gb[k]![o]! += delta[o]!;
            for (let q = 0; q < l.inDim; q++) {
              gw[k]![o * l.inDim + q]! += delta[o]! * a[q]!;
              prev[q]! += l.w[o * l.inDim + q]! * delta[o]!;
            }
          }
          delta = prev;
        }
      }
      step++;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      layers.forEach((l, k) => {
        const s = adam[k]!;
        const upd = (p: number[], g: Float64Array, m: Float64Array, v: Float64Array) => {
          for (let j = 0; j < p.length; j++) {
            m[j] = beta1 * m[j]! + (1 - beta1) * g[j]!;
            v[j] = beta2 * v[j]! + (1 - beta2) * g[j]! ** 2;
            p[j]! -= (cfg.learningRate * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + eps);
          }
        };
        upd(l.w, gw[k]!, s.mw, s.vw);
        upd(l.b, gb[k]!, s.mb, s.vb);
      });
    }
    const v = loss(valIdx, layers);
    if (v < best.loss) best = { loss: v, layers: structuredClone(layers), epoch };
    else if (epoch - best.epoch >= cfg.patience) break;
  }
  layers = toFloat32(best.layers);
  const model: Autoencoder = { scaling: { center: scaling.center.map(Math.fround), scale: scaling.scale.map(Math.fround) }, layers };
  return {
    model,
    report: {
      epochs: Math.min(epoch, cfg.maxEpochs),
      bestEpoch: best.epoch,
      trainLoss: loss(trainIdx, layers),
      validationLoss: best.loss,
      validationScores: valIdx.map((i) => scoreRow(model, rows[i]!)),
    },
  };
}
