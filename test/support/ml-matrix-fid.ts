import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { GaussianStats } from '../../src/metrics/fid.js';

/**
 * An independent float64 FID with ml-matrix's full eigendecompositions, the textbook route,
 * independent of ours: sqrt(S1) = V sqrt(L) V^T, then the eigenvalues of sqrt(S1) S2 sqrt(S1).
 */
export function fidByMlMatrix(a: GaussianStats, b: GaussianStats): number {
  const n = a.dim;
  const s1 = Matrix.from1DArray(n, n, Array.from(a.sigma));
  const s2 = Matrix.from1DArray(n, n, Array.from(b.sigma));
  const e1 = new EigenvalueDecomposition(s1, { assumeSymmetric: true });
  const v = e1.eigenvectorMatrix;
  const root = v.mmul(Matrix.diag(e1.realEigenvalues.map((x) => Math.sqrt(Math.max(x, 0))))).mmul(v.transpose());
  const m = root.mmul(s2).mmul(root);
  const inner = new EigenvalueDecomposition(m.add(m.transpose()).div(2), { assumeSymmetric: true });
  const trSqrt = inner.realEigenvalues.reduce((acc, x) => acc + Math.sqrt(Math.max(x, 0)), 0);
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (a.mu[i]! - b.mu[i]!) ** 2;
  return meanTerm + trace(a) + trace(b) - 2 * trSqrt;
}

export const trace = (s: GaussianStats): number => Array.from({ length: s.dim }, (_, i) => s.sigma[i * s.dim + i]!).reduce((x, y) => x + y, 0);
