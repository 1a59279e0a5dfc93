// The detector contract (River, river/anomaly/base.py): learn from one observation, score one.

/** A streaming anomaly detector over named features. */
export interface Detector {
  /** Updates the model with one observation (features by name). */
  learnOne(x: Record<string, number>): void;
  /** Anomaly score of one observation: ≥ 0, higher is more anomalous, 0 while warming up. */
  scoreOne(x: Record<string, number>): number;
}

/**
 * The same contract on numeric rows over a ChannelLayout (channel-layout.ts: NaN = absent,
 * ±∞ = not a number): no per-observation allocation. A row may grow as the layout gains channels.
 * One instance is driven through one of the two APIs, not both.
 */
export interface VectorDetector extends Detector {
  /** Learns one row (as `learnOne`). */
  learnVector(x: Float64Array): void;
  /** Scores one new row (as `scoreOne` of a new observation: stateful detectors advance once per call). */
  scoreVector(x: Float64Array): number;
}

/** True when `d` has the numeric fast path. */
export const isVectorDetector = (d: Detector): d is VectorDetector => typeof (d as Partial<VectorDetector>).scoreVector === 'function';

/** A streaming statistic (River's `stats` module): fed one value at a time, read at any time. */
export interface StreamingStat<T> {
  update(x: number): void;
  get(): T;
}
