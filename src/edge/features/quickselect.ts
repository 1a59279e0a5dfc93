// Median by selection instead of sorting: Hoare's quickselect (Hoare, "Algorithm 65: Find",
// CACM 4(7), 1961), O(n) on average, on a reused scratch buffer so the hot path allocates nothing.
// Exact: returns the same value as sorting and reading the middle.

let buffer = new Float64Array(4096);

/** k-th smallest (0-based) of a[lo..hi] in place, median-of-three pivots. */
function select(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot guards against sorted and reversed input.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
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
