// Median by selection instead of sorting (Floyd & Rivest's refinement of Hoare's FIND, CACM 4(7),
// 1961), O(n) on average, on a reused scratch buffer so the hot path allocates nothing.
// Exact: returns the same value as sorting and reading the middle.

let buffer = new Float64Array(4096);

/** Above this many values a sample first narrows the range (Floyd–Rivest); below, plain partitioning is cheaper. */
const SAMPLE_ABOVE = 600;

/**
 * k-th smallest (0-based) of a[lo..hi] in place: Floyd & Rivest's SELECT ("Algorithm 489", CACM
 * 18(3), 1975). On large ranges it first selects within a small sample around where the k-th
 * value should fall, so the pivot lands within a few positions of k and each pass discards
 * nearly the whole range: ~1.5n comparisons against ~3.4n for median-of-three quickselect.
 * Afterwards a[lo..k−1] ≤ a[k] ≤ a[k+1..hi].
 */
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    if (hi - lo > SAMPLE_ABOVE) {
      const n = hi - lo + 1;
      const i = k - lo + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * Math.sign(i - n / 2);
      select(a, Math.max(lo, Math.floor(k - (i * s) / n + sd)), Math.min(hi, Math.floor(k + ((n - i) * s) / n + sd)), k);
    }
    const t = a[k]!;
    let i = lo;
    let j = hi;
    swap(a, lo, k);
    if (a[hi]! > t) swap(a, hi, lo);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    if (a[lo] === t) swap(a, lo, j);
    else {
      j++;
      swap(a, j, hi);
    }
    if (j <= k) lo = j + 1;
    if (k <= j) hi = j - 1;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median of `v` (0 when empty; NaN-free input assumed), without modifying `v`. */
export function fastMedian(v: ArrayLike<number>): number {
  const n = v.length;
  if (n === 0) return 0;
  if (buffer.length < n) buffer = new Float64Array(n);
  const a = buffer;
  for (let i = 0; i < n; i++) a[i] = v[i]!;
  const h = n >> 1;
  const upper = select(a, 0, n - 1, h);
  if (n % 2) return upper;
  // After selection every value left of h is ≤ a[h]: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** k-th smallest (0-based) of the first n values of `a`, reordering them in place. */
export function selectInPlace(a: Float64Array, n: number, k: number): number {
  return select(a, 0, n - 1, k);
}
