// Damping of a score stream by its own recent typical level, before members are fused by max.
// A member that stays above its threshold for a long stretch (CUSUM on a trending or wandering
// series, a baseline after a lasting benign change) would otherwise dominate the max and hide what
// the other members see (a spike on top of the trend), and leave long stretches tied near 1. Each
// stream is divided by the median of its own last `window` scores whenever that median is above
// the threshold (1): a stretch shorter than half the window is untouched (the median is still a
// normal score), a longer one settles near the threshold instead of dominating, and a new
// excursion on top of it still ranks above it. A rank-style normalisation (Aggarwal & Sathe,
// "Outlier Ensembles", 2017, §3) that keeps magnitudes instead of saturating at the top rank.
import { RollingMedianMad } from '../detectors/rolling-median.ts';

export class LevelDamping {
  private readonly recent: RollingMedianMad;

  constructor(window = 2000) {
    // The MAD is never read: refresh it as rarely as possible.
    this.recent = new RollingMedianMad(window, 1e9);
  }

  /** The damped score of `s` (threshold units); then `s` joins the recent scores. */
  apply(s: number): number {
    const level = this.recent.n > 0 ? this.recent.get().median : 0;
    this.recent.update(Math.min(s, 1e6));
    return level > 1 ? s / level : s;
  }
}
