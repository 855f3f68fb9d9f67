/**
 * Eigenvalues of a real symmetric matrix, in float64: Householder reduction to tridiagonal form
 * (Golub & Van Loan, Algorithm 8.3.1) followed by the implicit QL iteration with Wilkinson shifts
 * (EISPACK tql1, as in JAMA). No eigenvectors are formed, which makes this about 6x cheaper than a full
 * eigendecomposition: a 2,048 x 2,048 matrix takes seconds rather than the minute ml-matrix's
 * `EigenvalueDecomposition` needs (measured in bench/fid.ts).
 *
 * The matrix is given as its lower triangle, packed by rows: element (i, j), j <= i, at i*(i+1)/2 + j.
 * That halves the memory the O(n^3) reduction streams through, which is what bounds its speed in JS.
 *
 * @example
 * // [[2, 1], [1, 2]] → eigenvalues 1 and 3
 * symmetricEigenvalues(new Float64Array([2, 1, 2]), 2); // Float64Array [1, 3] (ascending)
 */
export function symmetricEigenvalues(packedLower: Float64Array, n: number): Float64Array {
  if (packedLower.length !== (n * (n + 1)) / 2) {
    throw new Error(`symmetricEigenvalues: expected ${(n * (n + 1)) / 2} packed elements for n = ${n}, got ${packedLower.length}`);
  }
  const a = Float64Array.from(packedLower);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(a, n, d, e);
  tridiagonalEigenvalues(d, e);
  return d.sort();
}

const rowStart = (i: number): number => (i * (i + 1)) / 2;

/**
 * Reduces the packed lower triangle `a` (destroyed) to tridiagonal form T = Q^T A Q:
 * diagonal in `d`, sub-diagonal in `e` (e[i] couples i and i+1; e[n-1] = 0).
 *
 * Step k reflects column k with H = I - tau v v^T, which turns the trailing block A22 into
 * A22 - v w^T - w v^T. That rank-2 update is applied lazily, in the same pass over memory as step k+1's
 * product A22 v: the reduction is bound by memory traffic, and one pass per step instead of two makes it
 * about twice as fast on 2,048 x 2,048.
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  // (v, w) of the current step, and of the previous one whose update is still pending; both indexed
  // relative to the first row of their trailing block. The pending block starts one row earlier.
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  let pv = new Float64Array(n);
  let pw = new Float64Array(n);
  const pendingAt = (g: number, h: number, k: number): number => pv[g - k]! * pw[h - k]! + pw[g - k]! * pv[h - k]!;
  for (let k = 0; k < n - 2; k++) {
    // Bring column k (rows k..n-1) up to date with step k-1's update; the pending block starts at row k.
    for (let g = k; g < n; g++) a[rowStart(g) + k] -= pendingAt(g, k, k);
    d[k] = a[rowStart(k) + k]!;
    // Column k below the diagonal, rows k+1..n-1, becomes the Householder vector v (length m).
    const m = n - k - 1;
    let sigma = 0;
    for (let i = 0; i < m; i++) {
      const x = a[rowStart(k + 1 + i) + k]!;
      v[i] = x;
      if (i > 0) sigma += x * x;
    }
    const x0 = v[0]!;
    let tau = 0;
    if (sigma === 0) {
      e[k] = x0; // column already reduced: H = I, but the pending update must still reach A22
      v.fill(0, 0, m);
    } else {
      const norm = Math.sqrt(x0 * x0 + sigma);
      const alpha = x0 > 0 ? -norm : norm; // H x = alpha e1, sign chosen to avoid cancellation in v0
      v[0] = x0 - alpha;
      tau = 2 / (v[0]! * v[0]! + sigma);
      e[k] = alpha;
    }
    // One pass over A22's lower triangle (rows/cols k+1..n-1): apply the pending update, then
    // accumulate w = A22 v. Pending vectors are offset by one (their block starts at row k).
    w.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const ro = rowStart(k + 1 + i) + k + 1;
      const vi = v[i]!;
      const pvi = pv[i + 1]!;
      const pwi = pw[i + 1]!;
      let s = 0;
      for (let j = 0; j < i; j++) {
        const aij = a[ro + j]! - (pvi * pw[j + 1]! + pwi * pv[j + 1]!);
        a[ro + j] = aij;
        s += aij * v[j]!;
        w[j] += aij * vi;
      }
      const aii = a[ro + i]! - 2 * pvi * pwi;
      a[ro + i] = aii;
      w[i] += s + aii * vi;
    }
    // w = tau A22 v - (tau^2/2)(v^T A22 v) v, so that H A22 H = A22 - v w^T - w v^T.
    let pvDot = 0;
    for (let i = 0; i < m; i++) {
      w[i] *= tau;
      pvDot += w[i]! * v[i]!;
    }
    const kk = (tau / 2) * pvDot;
    for (let i = 0; i < m; i++) w[i] -= kk * v[i]!;
    [pv, v] = [v, pv];
    [pw, w] = [w, pw];
    pv.fill(0, m);
    pw.fill(0, m);
  }
  // The last 2 x 2 block, with the final step's update (its block starts at row n-2).
  if (n >= 2) {
    const k = n - 2;
    d[k] = a[rowStart(k) + k]! - pendingAt(k, k, k);
    e[k] = a[rowStart(k + 1) + k]! - pendingAt(k + 1, k, k);
    d[k + 1] = a[rowStart(k + 1) + k + 1]! - pendingAt(k + 1, k + 1, k);
  } else if (n === 1) {
    d[0] = a[0]!;
  }
  e[n - 1] = 0;
}

/** Implicit QL on the tridiagonal (d, e); eigenvalues left in d (unsorted), e destroyed. */
function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error(`symmetricEigenvalues: QL iteration did not converge for eigenvalue ${l} of ${n}`);
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;

        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
