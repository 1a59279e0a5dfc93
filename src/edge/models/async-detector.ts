// The asynchronous detector contract. The Detector contract (detector.ts) is synchronous, which
// suits streaming statistics; an ONNX session runs off the event loop (session.run returns a
// promise), and is cheapest when it scores many rows per call. Hence a second, batched contract.

/** A batched, asynchronous anomaly scorer over named features. */
export interface AsyncDetector {
  /** The features the detector reads, in its input order; other keys of a row are ignored. */
  readonly featureNames: readonly string[];
  /**
   * Scores each row (same order, same length): ≥ 0, higher is more anomalous. A feature that is
   * absent or not finite is MISSING: it is imputed at the model's healthy median (it then adds no
   * evidence); a row missing more than the detector's allowed share of features scores 0 (no
   * evidence, as a warming-up Detector does) and is counted in stats().rowsUnscored.
   */
  scoreMany(rows: readonly Record<string, number>[]): Promise<number[]>;
  /** Counters since creation. */
  stats(): AsyncDetectorStats;
  /** Releases the native session. */
  close(): Promise<void>;
}

export interface AsyncDetectorStats {
  rowsScored: number;
  /** Rows that scored 0 because too many of their features were missing. */
  rowsUnscored: number;
  /** Feature values imputed (absent or non-finite). */
  valuesImputed: number;
  /** session.run calls made. */
  runs: number;
}
