// Median and median absolute deviation over the last `size` values, kept sorted so that both are
// O(size) to read: robust location and scale (Hampel 1974; Rousseeuw & Croux, JASA 1993).
import type { StreamingStat } from './detector.ts';

/** Location and spread of a window: `mad` is the raw median absolute deviation (× 1.4826 ≈ σ for Gaussian data). */
export interface MedianMad {
  median: number;
  mad: number;
  n: number;
}

/** Rolling median and MAD over a bounded window of the most recent values. */
export class RollingMedianMad implements StreamingStat<MedianMad> {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private head = 0;
  private cached: MedianMad | undefined;

  constructor(readonly size = 500) {}

  /** Adds `x`, evicting the oldest value once the window is full; non-finite values are ignored. */
  update(x: number): void {
    if (!Number.isFinite(x)) return;
    if (this.ring.length < this.size) {
      this.ring.push(x);
    } else {
      const old = this.ring[this.head]!;
      this.ring[this.head] = x;
      this.head = (this.head + 1) % this.size;
      this.sorted.splice(lowerBound(this.sorted, old), 1);
    }
    this.sorted.splice(lowerBound(this.sorted, x), 0, x);
    this.cached = undefined;
  }

  /** Current median and MAD (0, 0 when empty). */
  get(): MedianMad {
    if (this.cached) return this.cached;
    const s = this.sorted;
    const n = s.length;
    if (n === 0) return { median: 0, mad: 0, n: 0 };
    const median = n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
    this.cached = { median, mad: medianDeviation(s, median), n };
    return this.cached;
  }
}

/** First index i with a[i] ≥ x in a sorted array. */
function lowerBound(a: number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Median of |s_i − m| for sorted `s`: the deviations left of m and right of m are two sorted
 * runs, so merging them from m outwards yields the deviations in order without sorting again.
 */
function medianDeviation(s: number[], m: number): number {
  const n = s.length;
  let r = lowerBound(s, m);
  let l = r - 1;
  const want = [(n - 1) >> 1, n >> 1];
  let prev = 0;
  let sum = 0;
  for (let k = 0; k <= want[1]!; k++) {
    const dl = l >= 0 ? m - s[l]! : Infinity;
    const dr = r < n ? s[r]! - m : Infinity;
    if (dl <= dr) {
      prev = dl;
      l--;
    } else {
      prev = dr;
      r++;
    }
    if (k === want[0]) sum += prev;
    if (k === want[1]) sum += prev;
  }
  return sum / 2;
}
