// Median, MAD and one upper-tail quantile of a stream in O(1) memory: the edge agent keeps a
// baseline per machine, operating regime and feature (hundreds of thousands of statistics per
// site), where a window of 500 values costs 4 KB each. Stochastic approximation (Robbins & Monro
// 1951; for quantiles Tierney 1983, and the exponentially weighted form of Chen, Lambert &
// Pinheiro, KDD 2000): each value moves an estimate q of the p-quantile by
//   q ← q + (p − 1[x ≤ q]) / (f·t)
// where f is the density at q and 1/t the gain. With t growing to W/2 and then held, the estimate
// has, on a stationary stream, the variance of the sample quantile of a W-value window
// (p(1−p)/(W·f²)) and forgets the past with a time constant of W/2 values, the mean age of a
// W-value window: it stands in for RollingMedianMad(W) where memory matters, not where exact
// order statistics do (rolling-median.ts stays the exact one).
import type { StreamingStat } from './detector.ts';
import { RollingMedianMad, type MedianMad } from './rolling-median.ts';

/**
 * 1/(2f) at the median in units of the raw MAD, for Gaussian data: f(median) = 1/(σ√(2π)) and
 * σ = 1.4826·MAD, so 1/(2f) = 1.2533σ = 1.858·MAD. Heavier or lighter tails change the best gain
 * by tens of percent, which changes the variance and the lag by as much, not the limit.
 */
const MEDIAN_GAIN = 1.858;
/** 1/(2f) of |x − median| at the MAD, Gaussian: f = 2φ(0.6745)/σ = 0.6356/σ, so 0.7867σ = 1.166·MAD. */
const MAD_GAIN = 1.166;
/**
 * 1/f at an upper quantile in units of its distance to the median, for Gaussian data at p = 0.99:
 * f = φ(2.326)/σ = 0.02665/σ and the distance is 2.326σ, so 1/f = 37.5σ = 16.1 distances. Scaling
 * the step by the distance keeps it in proportion for a heavy tail (impulsiveness features).
 */
const TAIL_GAIN = 16.1;
/** A tail's distance to the median is taken as at least its Gaussian value, 2.326σ = 3.45·MAD. */
const TAIL_MIN_GAP_MADS = 3.45;
/**
 * Least step scale as a fraction of |median|: a constant feature (MAD 0, e.g. a sideband on its
 * clamp) would otherwise freeze the estimates for good. 1e-3 is a tenth of the robust baseline's
 * least σ (1 % of |median|), so it never decides a score.
 */
const RELATIVE_STEP_FLOOR = 1e-3;
/**
 * Values kept exactly before the approximation takes over: a baseline scores from 24 values on
 * and reads its tail from 48 (robust-baseline.ts), where order statistics of the values
 * themselves are better than any estimate; the buffer is released when full.
 */
export const EXACT_VALUES = 64;

/** Streaming median, MAD and optionally one upper quantile: exact over the first values, then tracked. */
export class StreamingMedianMad implements StreamingStat<MedianMad> {
  private exact: RollingMedianMad | undefined;
  private count = 0;
  private median = 0;
  private mad = 0;
  private tail = NaN;

  constructor(
    /** The window length W the estimates stand in for (variance and mean age of a W-value window). */
    readonly size = 500,
    /** The upper quantile tracked besides the median (e.g. 0.99), if any. */
    readonly tailP?: number,
    /** Values kept exactly before tracking starts (at most `size`). */
    readonly exactValues = EXACT_VALUES,
    /** Keep those first values in single precision (as RollingMedianMad's `float32`). */
    float32 = false,
  ) {
    this.exact = new RollingMedianMad(Math.max(1, Math.min(size, exactValues)), 0, float32);
  }

  /** Values learned (not capped at `size`: the estimates weigh the last ~size/2 most). */
  get n(): number {
    return this.count;
  }

  /** Adds `x`; non-finite values are ignored. */
  update(x: number): void {
    if (!Number.isFinite(x)) return;
    this.count++;
    const exact = this.exact;
    if (exact) {
      exact.update(x);
      if (exact.n >= exact.size) {
        const s = exact.get();
        this.median = s.median;
        this.mad = s.mad;
        if (this.tailP !== undefined) this.tail = exact.quantile(this.tailP);
        this.exact = undefined;
      }
      return;
    }
    const t = Math.min(this.count, this.size / 2);
    const m = this.median;
    const scale = Math.max(this.mad, RELATIVE_STEP_FLOOR * Math.abs(m), Number.MIN_VALUE);
    // Steps never cross x, so every estimate stays within the range of the values seen.
    const dm = (MEDIAN_GAIN * scale) / t;
    if (x > m) this.median = Math.min(m + dm, x);
    else if (x < m) this.median = Math.max(m - dm, x);
    const d = Math.abs(x - m);
    const ds = (MAD_GAIN * scale) / t;
    if (d > this.mad) this.mad = Math.min(this.mad + ds, d);
    else if (d < this.mad) this.mad = Math.max(this.mad - ds, d);
    const p = this.tailP;
    if (p !== undefined) {
      const q = this.tail;
      const step = (TAIL_GAIN * Math.max(q - m, TAIL_MIN_GAP_MADS * scale)) / t;
      this.tail = x > q ? Math.min(q + p * step, x) : Math.max(q - (1 - p) * step, x);
    }
  }

  /**
   * The `p`-quantile: exact (nearest rank) while the first values are kept, afterwards the
   * tracked median (p = 0.5) or tail (p = tailP). NaN when empty or for a quantile not tracked.
   */
  quantile(p: number): number {
    if (this.exact) return this.exact.quantile(p);
    if (p === 0.5) return this.median;
    return p === this.tailP ? this.tail : NaN;
  }

  /** Current median and MAD (0, 0 when empty). Not cached: a cached object would cost more memory than reading costs time. */
  get(): MedianMad {
    return this.exact ? { ...this.exact.get(), n: this.count } : { median: this.median, mad: this.mad, n: this.count };
  }
}
