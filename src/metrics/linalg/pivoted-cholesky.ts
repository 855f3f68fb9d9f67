/**
 * Cholesky factorization with diagonal pivoting of a symmetric positive semi-definite matrix
 * (LAPACK dpstrf's algorithm, unblocked): P^T S P = L L^T with L lower trapezoidal, n x rank.
 * It stops when the largest remaining pivot is at most `n * eps * max(diag S)`, so rank-deficient
 * covariances (fewer samples than dimensions, constant features) factor without failing.
 */
export interface PivotedCholesky {
  readonly n: number;
  readonly rank: number;
  /** Row t of L (row-major, n x n storage, columns 0..min(t, rank-1) used) belongs to original index perm[t]. */
  readonly l: Float64Array;
  readonly perm: Int32Array;
}

/**
 * @param s symmetric n x n, row-major (only entries (perm[t], perm[j]) with t >= j are read)
 * @example
 * const { l, perm, rank } = pivotedCholesky(new Float64Array([4, 2, 2, 2]), 2); // rank 2, perm [0, 1]
 */
export function pivotedCholesky(s: Float64Array, n: number): PivotedCholesky {
  if (s.length !== n * n) throw new Error(`pivotedCholesky: expected ${n * n} elements for n = ${n}, got ${s.length}`);
  const l = new Float64Array(n * n);
  const perm = new Int32Array(n);
  const d = new Float64Array(n); // diagonal of the remaining Schur complement, by position
  let maxDiag = 0;
  for (let i = 0; i < n; i++) {
    perm[i] = i;
    d[i] = s[i * n + i]!;
    maxDiag = Math.max(maxDiag, d[i]!);
  }
  const tol = n * 2 ** -52 * maxDiag;
  let rank = n;
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let t = j + 1; t < n; t++) if (d[t]! > d[p]!) p = t;
    if (!(d[p]! > tol)) {
      rank = j;
      break;
    }
    if (p !== j) {
      swap(perm, p, j);
      swap(d, p, j);
      for (let a = 0; a < j; a++) swap(l, p * n + a, j * n + a);
    }
    const ljj = Math.sqrt(d[j]!);
    l[j * n + j] = ljj;
    const rowJ = j * n;
    const colJ = perm[j]!;
    for (let t = j + 1; t < n; t++) {
      const rowT = t * n;
      // Four accumulators: V8 does not vectorize, and independent sums let the CPU overlap the multiplies.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let a = 0;
      for (; a + 3 < j; a += 4) {
        s0 += l[rowT + a]! * l[rowJ + a]!;
        s1 += l[rowT + a + 1]! * l[rowJ + a + 1]!;
        s2 += l[rowT + a + 2]! * l[rowJ + a + 2]!;
        s3 += l[rowT + a + 3]! * l[rowJ + a + 3]!;
      }
      for (; a < j; a++) s0 += l[rowT + a]! * l[rowJ + a]!;
      const lt = (s[perm[t]! * n + colJ]! - (s0 + s1 + s2 + s3)) / ljj;
      l[rowT + j] = lt;
      d[t] -= lt * lt;
    }
  }
  return { n, rank, l, perm };
}

function swap(x: Float64Array | Int32Array, i: number, j: number): void {
  const t = x[i]!;
  x[i] = x[j]!;
  x[j] = t;
}
