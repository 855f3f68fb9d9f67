import { Rng } from '../../src/util/rng.js';
import type { GaussianStats } from '../../src/metrics/fid.js';

/** Standard normal draws (Box–Muller) from the project's seeded Rng. */
export function normals(rng: Rng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rng.next(); // (0, 1]
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

/**
 * A dense random orthogonal Q as a product of `reflections` Householder reflections, applied to both
 * sides of diag(eigenvalues): S = Q diag(lambda) Q^T in O(reflections n^2), cheap even at n = 2,048.
 */
export function covarianceWithEigenvalues(rng: Rng, eigenvalues: Float64Array, reflections: number): Float64Array {
  const n = eigenvalues.length;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) s[i * n + i] = eigenvalues[i]!;
  const su = new Float64Array(n);
  for (let k = 0; k < reflections; k++) {
    const u = normals(rng, n);
    const norm = Math.hypot(...u);
    for (let i = 0; i < n; i++) u[i] /= norm;
    // H S H with H = I - 2 u u^T: S - 2 u (Su)^T - 2 (Su) u^T + 4 (u^T S u) u u^T
    let uSu = 0;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let j = 0; j < n; j++) x += s[i * n + j]! * u[j]!;
      su[i] = x;
      uSu += u[i]! * x;
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        s[i * n + j] += -2 * u[i]! * su[j]! - 2 * su[i]! * u[j]! + 4 * uSu * u[i]! * u[j]!;
      }
    }
  }
  // Rounding leaves S symmetric only to the last bit; make it exact, as np.cov's output is.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[i * n + j] = s[j * n + i] = (s[i * n + j]! + s[j * n + i]!) / 2;
  return s;
}

/** Eigenvalues spread log-uniformly over [lo, hi] in random order: the wide spectrum of real features. */
export function logUniformEigenvalues(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo * (hi / lo) ** rng.next();
  return out;
}

/** Random Gaussian statistics of dimension n: normal mean, covariance as above. */
export function randomStats(seed: number, n: number, reflections = 16): GaussianStats {
  const rng = new Rng(seed);
  const mu = normals(rng, n).map((x) => 0.1 * x);
  return { dim: n, mu, sigma: covarianceWithEigenvalues(rng, logUniformEigenvalues(rng, n, 1e-4, 10), reflections) };
}
