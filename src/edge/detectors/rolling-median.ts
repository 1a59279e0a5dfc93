// Median and median absolute deviation over the last `size` values, kept sorted so that the median
// is O(1) and the MAD O(log size) to read: robust location and scale (Hampel 1974; Rousseeuw &
// Croux, JASA 1993).
import type { StreamingStat } from './detector.ts';

/** Location and spread of a window: `mad` is the raw median absolute deviation (× 1.4826 ≈ σ for Gaussian data). */
export interface MedianMad {
  median: number;
  mad: number;
  n: number;
}

/**
 * Rolling median and MAD over a bounded window of the most recent values. Storage is two
 * Float64Arrays (arrival ring and sorted copy) grown by doubling up to `size`, so a short-lived
 * stat costs little. The median is read from the sorted copy in O(1); the MAD costs O(log n) and is
 * refreshed only every `madRefresh·n` updates (default n/64: one new value moves the MAD of n
 * values by at most one order statistic, so the refreshed value lags by < 2% of the window).
 */
export class RollingMedianMad implements StreamingStat<MedianMad> {
  private ring: Float64Array | Float32Array;
  private sorted: Float64Array | Float32Array;
  private count = 0;
  private head = 0;
  private mad = 0;
  private staleUpdates = Infinity;
  private cached: MedianMad | undefined;
  // Where the last value was inserted and the last evicted one found: the searches for the next
  // ones start there (see lowerBoundNear).
  private lastAt = 0;
  private lastFrom = 0;

  constructor(
    readonly size = 500,
    /** Updates between MAD refreshes as a fraction of the values held (0 = refresh on every update). */
    readonly madRefresh = 1 / 64,
    /** Store values in single precision (7 significant digits, half the memory); values are rounded on entry. */
    readonly float32 = false,
  ) {
    const cap = Math.min(size, 16);
    this.ring = this.alloc(cap);
    this.sorted = this.alloc(cap);
  }

  private alloc(cap: number): Float64Array | Float32Array {
    return this.float32 ? new Float32Array(cap) : new Float64Array(cap);
  }

  /** Values held (≤ size). */
  get n(): number {
    return this.count;
  }

  /** Adds `x`, evicting the oldest value once the window is full; non-finite values are ignored. */
  update(value: number): void {
    // Rounded first, so that the value found again at eviction equals the stored one.
    const x = this.float32 ? Math.fround(value) : value;
    if (!Number.isFinite(x)) return;
    const n = this.count;
    const s = this.sorted;
    if (n < this.size) {
      if (n === this.ring.length) this.grow();
      this.ring[n] = x;
      this.count = n + 1;
      const at = lowerBoundNear(this.sorted, n, x, this.lastAt);
      this.sorted.copyWithin(at + 1, at, n);
      this.sorted[at] = x;
      this.lastAt = at;
    } else {
      const old = this.ring[this.head]!;
      this.ring[this.head] = x;
      this.head = (this.head + 1) % this.size;
      // Remove `old` and insert `x` with one shift of the values between them.
      const from = lowerBoundNear(s, n, old, this.lastFrom);
      const at = lowerBoundNear(s, n, x, this.lastAt);
      this.lastFrom = from;
      this.lastAt = at;
      if (at <= from) {
        s.copyWithin(at + 1, at, from);
        s[at] = x;
      } else {
        s.copyWithin(from, from + 1, at);
        s[at - 1] = x;
      }
    }
    this.staleUpdates++;
    this.cached = undefined;
  }

  private grow(): void {
    const cap = Math.min(this.size, this.ring.length * 2);
    const ring = this.alloc(cap);
    ring.set(this.ring);
    const sorted = this.alloc(cap);
    sorted.set(this.sorted);
    this.ring = ring;
    this.sorted = sorted;
  }

  /** The `p`-quantile of the values held (nearest rank; NaN when empty). */
  quantile(p: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    return this.sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  }

  /** Current median and MAD (0, 0 when empty). */
  get(): MedianMad {
    if (this.cached) return this.cached;
    const s = this.sorted;
    const n = this.count;
    if (n === 0) return { median: 0, mad: 0, n: 0 };
    const median = n % 2 ? s[n >> 1]! : (s[(n >> 1) - 1]! + s[n >> 1]!) / 2;
    if (this.staleUpdates > this.madRefresh * n) {
      this.mad = medianDeviation(s, n, median);
      this.staleUpdates = 0;
    }
    this.cached = { median, mad: this.mad, n };
    return this.cached;
  }
}

/** First index i < n with a[i] ≥ x in a sorted array (n when none). */
function lowerBound(a: Float64Array | Float32Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * lowerBound(a, n, x), searched outwards from `hint` (galloping, Bentley & Yao 1976) before
 * bisecting: O(log distance) instead of O(log n). Sensor values move little from one row to the
 * next, and the evicted values are consecutive rows too, so each lands near the last one (~18 of
 * 1,000 ranks on average on the edge benchmark's smoothed rows: about half the comparisons, and
 * the first ones predictable). The result is the same index as lowerBound's.
 */
function lowerBoundNear(a: Float64Array | Float32Array, n: number, x: number, hint: number): number {
  let lo: number;
  let hi: number;
  let step = 1;
  if (hint > n) hint = n;
  if (hint < n && a[hint]! < x) {
    // The answer is right of hint.
    lo = hint + 1;
    hi = n;
    for (;;) {
      const p = lo + step - 1;
      if (p >= n) break;
      if (a[p]! < x) {
        lo = p + 1;
        step *= 2;
      } else {
        hi = p;
        break;
      }
    }
  } else {
    // The answer is at or left of hint.
    hi = hint;
    lo = 0;
    for (;;) {
      const p = hi - step;
      if (p < 0) break;
      if (a[p]! < x) {
        lo = p + 1;
        break;
      }
      hi = p;
      step *= 2;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Median of |s_i − m| for sorted `s`. The deviations left of m (m − s_l, l going down) and right
 * of m (s_r − m, r going up) are two sorted runs (rounding is monotone, so they stay sorted in
 * floating point): the median is the order statistic of rank ⌊(n−1)/2⌋ (and the next one for
 * even n) of their union, found by bisecting how many of the smallest come from the left run
 * (the k-th smallest of two sorted arrays, O(log n)). The values are those a merge would yield,
 * and the sum is formed as in a merge, so the result is bit for bit the merge's.
 */
function medianDeviation(s: Float64Array | Float32Array, n: number, m: number): number {
  const r0 = lowerBound(s, n, m); // left run: m − s[r0 − 1 − j], j < r0; right run: s[r0 + j] − m, j < n − r0
  const nl = r0;
  const nr = n - r0;
  const k = (n - 1) >> 1;
  // i = how many of the k + 1 smallest deviations come from the left run: the first i with
  // left[i] ≥ right[k − i] (the predicate left[i] < right[k − i] is true, then false, as i grows).
  let lo = Math.max(0, k + 1 - nr);
  let hi = Math.min(k + 1, nl);
  while (lo < hi) {
    const i = (lo + hi) >> 1;
    if (m - s[r0 - 1 - i]! < s[r0 + k - i]! - m) lo = i + 1;
    else hi = i;
  }
  const i = lo;
  const j = k + 1 - i;
  const dl = i > 0 ? m - s[r0 - i]! : -Infinity; // largest taken from the left run
  const dr = j > 0 ? s[r0 + j - 1]! - m : -Infinity; // largest taken from the right run
  const low = dl > dr ? dl : dr;
  let sum = 0;
  sum += low;
  if (n % 2) {
    sum += low;
  } else {
    // The next order statistic: the smaller of the next value of either run.
    const nextL = i < nl ? m - s[r0 - 1 - i]! : Infinity;
    const nextR = j < nr ? s[r0 + j]! - m : Infinity;
    sum += nextL <= nextR ? nextL : nextR;
  }
  return sum / 2;
}
