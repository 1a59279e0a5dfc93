// Thresholding as a wrapper (River's anomaly.ThresholdFilter / QuantileFilter): the wrapped
// detector learns only from observations it scores below the threshold, so an anomaly that lasts
// does not become the new normal.
import { z } from 'zod';
import type { Detector } from './detector.ts';

export const ThresholdFilterConfig = z.object({
  threshold: z.number().positive().default(5).describe('scores at or above this are anomalous and not learned'),
});
export type ThresholdFilterConfig = z.input<typeof ThresholdFilterConfig>;

/** A detector that refuses to learn anomalies, and says which scores are anomalous. */
export interface ThresholdFilter extends Detector {
  readonly threshold: number;
  /** True when `score` is at or above the threshold. */
  isAnomaly(score: number): boolean;
}

/** Wraps `detector` so that `learnOne` skips observations scoring at or above the threshold. */
export function createThresholdFilter(detector: Detector, config: ThresholdFilterConfig = {}): ThresholdFilter {
  const { threshold } = ThresholdFilterConfig.parse(config);
  // The agent scores a window and then offers it for learning: remember the last score so the
  // same observation is not scored twice.
  let last: { x: Record<string, number>; score: number } | undefined;
  const score = (x: Record<string, number>) => (last?.x === x ? last.score : detector.scoreOne(x));
  return {
    threshold,
    isAnomaly: (s) => !(s < threshold),
    scoreOne(x) {
      const s = detector.scoreOne(x);
      last = { x, score: s };
      return s;
    },
    learnOne(x) {
      const s = score(x);
      last = undefined;
      if (s < threshold) detector.learnOne(x);
    },
  };
}
