import { pivotedCholesky } from './linalg/pivoted-cholesky.js';
import { accumulateRows4, weights4 } from './linalg/rows4.js';
import { symmetricEigenvalues } from './linalg/symmetric-eigenvalues.js';

/**
 * Tr sqrtm(S1 S2) for symmetric positive semi-definite S1 and S2: the term of the Fréchet distance that
 * needs a matrix square root.
 *
 * S1 S2 is not symmetric, but with S1 = B B^T (pivoted Cholesky) it has the same nonzero eigenvalues as
 * the symmetric PSD matrix M = B^T S2 B (eig(XY) = eig(YX) apart from zeros, with X = B, Y = B^T S2).
 * The principal square root of S1 S2 therefore has trace sum_i sqrt(lambda_i(M)); tiny negative
 * eigenvalues from rounding count as 0, which is what taking the real part of scipy's `sqrtm` does.
 * Only symmetric, backward-stable steps are used, so no complex arithmetic and no eps*I retry
 * (TTUR's fallback for sqrtm failing on a singular product) is needed.
 *
 * @param s1 n x n row-major
 * @param s2 n x n row-major
 * @example
 * traceSqrtProduct(new Float64Array([4, 0, 0, 1]), new Float64Array([1, 0, 0, 9]), 2); // sqrt(4) + sqrt(9) = 5
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, n: number): number {
  const { l, perm, rank } = pivotedCholesky(s1, n);
  if (rank === 0) return 0;
  const eig = symmetricEigenvalues(congruence(l, perm, rank, s2, n), rank);
  let sum = 0;
  for (const x of eig) if (x > 0) sum += Math.sqrt(x);
  return sum;
}

/**
 * M = B^T S2 B as a packed lower triangle (rank x rank), where row perm[t] of B is row t of L.
 *
 * Written as (L^T)(S L) with S = P^T S2 P, both products skipping L's zeros: about n^3/2 + n^3/6
 * multiply-adds. Every inner loop updates 4 outputs from 4 inputs (16 multiply-adds per 8 loads) and the
 * first product walks L in column panels that stay in cache: streaming whole matrices per output row made
 * this step memory-bound and 3x slower at n = 2,048. Sizes are padded to multiples of 4 with zeros so
 * the blocked loops need no edge cases.
 */
function congruence(l: Float64Array, perm: Int32Array, r: number, s2: Float64Array, n: number): Float64Array {
  const np = roundUp4(n);
  const rp = roundUp4(r);
  const lp = new Float64Array(np * rp); // [np, rp], lp[t, a] = L[t, a], zero for a > t
  for (let t = 0; t < n; t++) lp.set(l.subarray(t * n, t * n + Math.min(t + 1, r)), t * rp);
  const s = new Float64Array(np * np); // [np, np], S = P^T S2 P
  for (let i = 0; i < n; i++) {
    const src = perm[i]! * n;
    for (let t = 0; t < n; t++) s[i * np + t] = s2[src + perm[t]!]!;
  }

  // C = S Lp, [np, rp]: C[i, a] = sum_{t >= a} S[i, t] Lp[t, a].
  const c = new Float64Array(np * rp);
  const panel = 256;
  const w = new Float64Array(16);
  for (let a0 = 0; a0 < rp; a0 += panel) {
    const a1 = Math.min(a0 + panel, rp);
    for (let i = 0; i < np; i += 4) {
      // w[q][u] = S[i + q, t + u]; Lp[t + u, a] is zero for a > t + 3.
      for (let t = a0; t < np; t += 4) accumulateRows4(c, i * rp, rp, weights4(w, s, i * np + t, np, 1), lp, t * rp, rp, a0, Math.min(a1, t + 4));
    }
  }

  // M[a, b] = sum_{t >= a} Lp[t, a] C[t, b] for b <= a: four rows of M at a time, then packed.
  const m = new Float64Array((r * (r + 1)) / 2);
  const rows = new Float64Array(4 * rp);
  for (let a = 0; a < rp; a += 4) {
    rows.fill(0);
    // w[q][u] = Lp[t + u, a + q]
    for (let t = a; t < np; t += 4) accumulateRows4(rows, 0, rp, weights4(w, lp, t * rp + a, 1, rp), c, t * rp, rp, 0, a + 4);
    for (let q = 0; q < 4 && a + q < r; q++) {
      m.set(rows.subarray(q * rp, q * rp + a + q + 1), ((a + q) * (a + q + 1)) / 2);
    }
  }
  return m;
}

const roundUp4 = (x: number): number => Math.ceil(x / 4) * 4;
