import { pivotedCholesky } from './linalg/pivoted-cholesky.js';
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
  for (let a0 = 0; a0 < rp; a0 += panel) {
    const a1 = Math.min(a0 + panel, rp);
    for (let i = 0; i < np; i += 4) {
      const s0 = i * np;
      const s1 = s0 + np;
      const s2r = s1 + np;
      const s3 = s2r + np;
      const c0 = i * rp;
      const c1 = c0 + rp;
      const c2 = c1 + rp;
      const c3 = c2 + rp;
      for (let t = a0; t < np; t += 4) {
        const x00 = s[s0 + t]!, x01 = s[s0 + t + 1]!, x02 = s[s0 + t + 2]!, x03 = s[s0 + t + 3]!;
        const x10 = s[s1 + t]!, x11 = s[s1 + t + 1]!, x12 = s[s1 + t + 2]!, x13 = s[s1 + t + 3]!;
        const x20 = s[s2r + t]!, x21 = s[s2r + t + 1]!, x22 = s[s2r + t + 2]!, x23 = s[s2r + t + 3]!;
        const x30 = s[s3 + t]!, x31 = s[s3 + t + 1]!, x32 = s[s3 + t + 2]!, x33 = s[s3 + t + 3]!;
        const l0 = t * rp;
        const l1 = l0 + rp;
        const l2 = l1 + rp;
        const l3 = l2 + rp;
        const end = Math.min(a1, t + 4);
        for (let a = a0; a < end; a++) {
          const y0 = lp[l0 + a]!, y1 = lp[l1 + a]!, y2 = lp[l2 + a]!, y3 = lp[l3 + a]!;
          c[c0 + a] += x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3;
          c[c1 + a] += x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3;
          c[c2 + a] += x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3;
          c[c3 + a] += x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3;
        }
      }
    }
  }

  // M[a, b] = sum_{t >= a} Lp[t, a] C[t, b] for b <= a: four rows of M at a time, then packed.
  const m = new Float64Array((r * (r + 1)) / 2);
  const rows = new Float64Array(4 * rp);
  for (let a = 0; a < rp; a += 4) {
    const width = a + 4;
    rows.fill(0);
    for (let t = a; t < np; t += 4) {
      const l0 = t * rp + a;
      const l1 = l0 + rp;
      const l2 = l1 + rp;
      const l3 = l2 + rp;
      // y[q][u] = Lp[t + u, a + q]
      const y00 = lp[l0]!, y01 = lp[l1]!, y02 = lp[l2]!, y03 = lp[l3]!;
      const y10 = lp[l0 + 1]!, y11 = lp[l1 + 1]!, y12 = lp[l2 + 1]!, y13 = lp[l3 + 1]!;
      const y20 = lp[l0 + 2]!, y21 = lp[l1 + 2]!, y22 = lp[l2 + 2]!, y23 = lp[l3 + 2]!;
      const y30 = lp[l0 + 3]!, y31 = lp[l1 + 3]!, y32 = lp[l2 + 3]!, y33 = lp[l3 + 3]!;
      const c0 = t * rp;
      const c1 = c0 + rp;
      const c2 = c1 + rp;
      const c3 = c2 + rp;
      for (let b = 0; b < width; b++) {
        const z0 = c[c0 + b]!, z1 = c[c1 + b]!, z2 = c[c2 + b]!, z3 = c[c3 + b]!;
        rows[b] += y00 * z0 + y01 * z1 + y02 * z2 + y03 * z3;
        rows[rp + b] += y10 * z0 + y11 * z1 + y12 * z2 + y13 * z3;
        rows[2 * rp + b] += y20 * z0 + y21 * z1 + y22 * z2 + y23 * z3;
        rows[3 * rp + b] += y30 * z0 + y31 * z1 + y32 * z2 + y33 * z3;
      }
    }
    for (let q = 0; q < 4 && a + q < r; q++) {
      m.set(rows.subarray(q * rp, q * rp + a + q + 1), ((a + q) * (a + q + 1)) / 2);
    }
  }
  return m;
}

const roundUp4 = (x: number): number => Math.ceil(x / 4) * 4;
