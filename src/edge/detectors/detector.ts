// The detector contract (River, river/anomaly/base.py): learn from one observation, score one.

/** A streaming anomaly detector over named features. */
export interface Detector {
  /** Updates the model with one observation (features by name). */
  learnOne(x: Record<string, number>): void;
  /** Anomaly score of one observation: ≥ 0, higher is more anomalous, 0 while warming up. */
  scoreOne(x: Record<string, number>): number;
}

/** A streaming statistic (River's `stats` module): fed one value at a time, read at any time. */
export interface StreamingStat<T> {
  update(x: number): void;
  get(): T;
}
