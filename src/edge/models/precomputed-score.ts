// Bridge from the async model to the sync Detector contract: the agent awaits the model's score for
// a window, stores it in the window's feature row under a key, and the ensemble fuses it through
// this member like any other (its healthy-quantile calibration puts it on the others' scale).
import type { Detector } from '../detectors/detector.ts';

/** Feature key under which the agent stores the edge model's score (excluded from other detectors' inputs). */
export const MODEL_SCORE_KEY = 'model.score';

/** A Detector whose score is a value already computed for the row (0 when absent or not finite). */
export function createPrecomputedScoreDetector(key: string = MODEL_SCORE_KEY): Detector {
  return {
    learnOne() {
      // Nothing to learn: the model was trained elsewhere; the ensemble learns its scale.
    },
    scoreOne(x) {
      const s = x[key];
      return s !== undefined && Number.isFinite(s) && s > 0 ? s : 0;
    },
  };
}
