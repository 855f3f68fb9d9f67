import { fileError } from '../errors.js';
import { FeatureStats } from './feature-stats.js';
import type { GaussianStats } from './fid.js';
import { decodeNpy, elementCount, floatData, readFile, type NpyArray } from './npy.js';
import { decodeNpz, writeNpz } from './npz.js';

const ZIP_MAGIC = [0x50, 0x4b]; // "PK"

/**
 * The Gaussian statistics FID compares, from either kind of file users have:
 * a `.npz` with arrays `mu` (D) and `sigma` (D x D), as TTUR's `fid_stats_*.npz`, or a `.npy` of features
 * (N x D) whose mean and covariance are computed here. The kind is told by the file's bytes, not its name.
 * Every problem (wrong dtype or shape, NaN, asymmetric sigma, too few samples) names the file.
 *
 * @example
 * const real = loadGaussianStats('fid_stats_cifar10_train.npz'); // { dim: 2048, mu, sigma }
 */
export function loadGaussianStats(path: string): GaussianStats {
  const bytes = readFile(path);
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return statsFromNpz(decodeNpz(bytes, path), path);
  return statsFromFeatures(decodeNpy(bytes, path), path);
}

/** Writes `mu` and `sigma` as float64 in a `.npz` that TTUR's and pytorch-fid's code load as they are. */
export function saveGaussianStats(path: string, stats: GaussianStats): void {
  writeNpz(path, {
    mu: { dtype: '<f8', shape: [stats.dim], data: stats.mu },
    sigma: { dtype: '<f8', shape: [stats.dim, stats.dim], data: stats.sigma },
  });
}

function statsFromNpz(arrays: Map<string, NpyArray>, path: string): GaussianStats {
  const mu = arrays.get('mu');
  const sigma = arrays.get('sigma');
  if (!mu || !sigma) {
    const found = [...arrays.keys()].join(', ') || 'none';
    throw fileError(path, `a statistics .npz needs arrays 'mu' and 'sigma' (found: ${found})`);
  }
  if (mu.shape.length !== 1) throw fileError(path, `mu must be 1-d, has shape (${mu.shape.join(', ')})`);
  const dim = mu.shape[0]!;
  if (sigma.shape.length !== 2 || sigma.shape[0] !== dim || sigma.shape[1] !== dim) {
    throw fileError(path, `sigma has shape (${sigma.shape.join(', ')}) but mu has ${dim} entries: expected (${dim}, ${dim})`);
  }
  if (dim < 1) throw fileError(path, 'mu is empty');
  const muData = Float64Array.from(floatData(mu, path, 'mu'));
  const s = floatData(sigma, path, 'sigma');
  for (let i = 0; i < dim; i++) if (!Number.isFinite(muData[i]!)) throw fileError(path, `mu[${i}] is ${muData[i]}`);
  let scale = 0;
  for (let i = 0; i < dim * dim; i++) {
    if (!Number.isFinite(s[i]!)) throw fileError(path, `sigma[${Math.floor(i / dim)}, ${i % dim}] is ${s[i]}`);
    if (i % (dim + 1) === 0) scale = Math.max(scale, Math.abs(s[i]!));
  }
  // np.cov's matrices are symmetric up to the last bits; average those away, reject anything more.
  const sym = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      const a = s[i * dim + j]!;
      const b = s[j * dim + i]!;
      if (Math.abs(a - b) > 1e-5 * scale) throw fileError(path, `sigma is not symmetric: sigma[${i}, ${j}] = ${a} but sigma[${j}, ${i}] = ${b}`);
      sym[i * dim + j] = sym[j * dim + i] = (a + b) / 2;
    }
  }
  return { dim, mu: muData, sigma: sym };
}

function statsFromFeatures(features: NpyArray, path: string): GaussianStats {
  if (features.shape.length !== 2) {
    throw fileError(path, `features must be a 2-d array (samples x dimensions), has shape (${features.shape.join(', ')})`);
  }
  const [n, dim] = features.shape as [number, number];
  if (dim < 1 || elementCount(features.shape) === 0) throw fileError(path, `no features (shape (${n}, ${dim}))`);
  const data = floatData(features, path, 'the feature array');
  const stats = new FeatureStats(dim, path);
  const rowsPerBatch = 256;
  for (let r = 0; r < n; r += rowsPerBatch) {
    const rows = Math.min(rowsPerBatch, n - r);
    stats.add(data.subarray(r * dim, (r + rows) * dim), rows);
  }
  const { mu, sigma } = stats.finalize();
  return { dim, mu, sigma };
}
