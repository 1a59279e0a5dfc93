// The SKAB outlier-detection protocol (Katser & Kozitsin 2020, waico/SKAB README): in each of the
// 34 labelled files the first 400 rows train and the rest test; TP/FP/FN/TN are counted over all
// test rows of all files together, then F1 = TP / (TP + (FP + FN) / 2), FAR = FP / (FP + TN) and
// MAR = FN / (FN + TP), both in %.

/** Rows of each file used for training (the published protocol). */
export const SKAB_TRAIN_ROWS = 400;

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface SkabMetrics extends Confusion {
  f1: number;
  farPct: number;
  marPct: number;
}

/** Counts one file's test rows: predictions and labels are per row of the whole file. */
export function confusion(predicted: ArrayLike<number | boolean>, labels: ArrayLike<number>, trainRows = SKAB_TRAIN_ROWS): Confusion {
  if (predicted.length !== labels.length) throw new RangeError(`predictions (${predicted.length}) and labels (${labels.length}) differ in length`);
  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = trainRows; i < labels.length; i++) {
    const p = Boolean(predicted[i]);
    const y = labels[i]! >= 0.5;
    if (p && y) c.tp++;
    else if (p) c.fp++;
    else if (y) c.fn++;
    else c.tn++;
  }
  return c;
}

/** Sums confusion counts over files. */
export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

/** F1, FAR % and MAR % of pooled counts (0 where a denominator is 0). */
export function metrics(c: Confusion): SkabMetrics {
  const div = (a: number, b: number) => (b > 0 ? a / b : 0);
  return { ...c, f1: div(c.tp, c.tp + (c.fp + c.fn) / 2), farPct: 100 * div(c.fp, c.fp + c.tn), marPct: 100 * div(c.fn, c.fn + c.tp) };
}

/** Published results on this protocol (README of /work/shared/data/skab, from the SKAB leaderboard): F1, FAR %, MAR %. */
export const SKAB_LEADERBOARD: { name: string; f1: number; farPct: number; marPct: number }[] = [
  { name: 'Conv-AE', f1: 0.78, farPct: 13.55, marPct: 28.02 },
  { name: 'MSET', f1: 0.78, farPct: 39.73, marPct: 14.13 },
  { name: 'T²+Q (PCA)', f1: 0.76, farPct: 26.62, marPct: 24.92 },
  { name: 'LSTM-AE', f1: 0.74, farPct: 29.96, marPct: 25.92 },
  { name: 'T²', f1: 0.66, farPct: 19.21, marPct: 42.6 },
  { name: 'LSTM-VAE', f1: 0.56, farPct: 9.13, marPct: 55.03 },
  { name: 'Vanilla LSTM', f1: 0.54, farPct: 12.54, marPct: 59.53 },
  { name: 'Vanilla AE', f1: 0.39, farPct: 2.59, marPct: 75.15 },
  { name: 'MSCRED', f1: 0.36, farPct: 49.94, marPct: 69.88 },
  { name: 'Isolation forest', f1: 0.29, farPct: 2.56, marPct: 82.89 },
];
