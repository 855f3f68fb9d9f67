import { traceSqrtProduct } from './trace-sqrt-product.js';

/** A Gaussian fitted to features: mean and covariance (dim x dim, row-major, symmetric), in float64. */
export interface GaussianStats {
  readonly dim: number;
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
}

/**
 * Fréchet distance between two Gaussians (Heusel et al. 2017, "FID"):
 * ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)), the quantity TTUR's and pytorch-fid's
 * `calculate_frechet_distance` compute; see `traceSqrtProduct` for how the square root's trace is taken.
 * Not clamped at 0: like the reference, FID(x, x) can come out as a tiny negative rounding error.
 *
 * @example
 * const a = { dim: 1, mu: new Float64Array([0]), sigma: new Float64Array([1]) };
 * const b = { dim: 1, mu: new Float64Array([3]), sigma: new Float64Array([4]) };
 * frechetDistance(a, b); // 9 + 1 + 4 - 2 * 2 = 10
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  const n = a.dim;
  if (b.dim !== n) throw new Error(`frechetDistance: dimensions differ (${a.dim} vs ${b.dim})`);
  for (const [name, s] of [['first', a], ['second', b]] as const) {
    if (s.mu.length !== n || s.sigma.length !== n * n) {
      throw new Error(`frechetDistance: ${name} statistics have ${s.mu.length} means and ${s.sigma.length} covariances for dim ${n}`);
    }
  }
  let meanTerm = 0;
  for (let i = 0; i < n; i++) meanTerm += (a.mu[i]! - b.mu[i]!) ** 2;
  let traces = 0;
  for (let i = 0; i < n; i++) traces += a.sigma[i * n + i]! + b.sigma[i * n + i]!;
  return meanTerm + traces - 2 * traceSqrtProduct(a.sigma, b.sigma, n);
}
