// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
// Matrix Computations, §8.5): unconditionally stable and exact enough for the d ≤ ~50 covariance
// matrices of sensor channels, with no dependency. The PCA monitor refits every few dozen rows, so
// the rotations work on flat row-major Float64Arrays (no per-row arrays, no element-kind checks);
// the arithmetic, and so every bit of the result, is that of the plain nested-array form.

/** Eigenvalues (descending) and unit eigenvectors (vectors[k] belongs to values[k]) of symmetric `a`. */
export function symmetricEigen(a: number[][], maxSweeps = 100): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = a[i]![j]!;
  const { values, vectors } = symmetricEigenFlat(m, n, maxSweeps);
  return { values: [...values], vectors: Array.from({ length: n }, (_, k) => [...vectors.subarray(k * n, k * n + n)]) };
}

/**
 * symmetricEigen on a flat row-major n × n matrix `m`, which is overwritten: eigenvalues
 * descending, and the eigenvector of values[k] at vectors[k·n … k·n + n).
 */
export function symmetricEigenFlat(m: Float64Array, n: number, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-22 * Math.max(1e-300, trace2(m, n))) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // Columns p and q of m, then rows p and q, then columns p and q of v.
        for (let k = 0; k < n; k++) {
          const kp = k * n + p;
          const kq = k * n + q;
          const mkp = m[kp]!;
          const mkq = m[kq]!;
          m[kp] = c * mkp - s * mkq;
          m[kq] = s * mkp + c * mkq;
        }
        const pn = p * n;
        const qn = q * n;
        for (let k = 0; k < n; k++) {
          const mpk = m[pn + k]!;
          const mqk = m[qn + k]!;
          m[pn + k] = c * mpk - s * mqk;
          m[qn + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const kp = k * n + p;
          const kq = k * n + q;
          const vkp = v[kp]!;
          const vkq = v[kq]!;
          v[kp] = c * vkp - s * vkq;
          v[kq] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    values[k] = m[i * n + i]!;
    for (let r = 0; r < n; r++) vectors[k * n + r] = v[r * n + i]!;
  }
  return { values, vectors };
}

function trace2(m: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += m[i * n + i]! ** 2;
  return s;
}
