import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { frechetDistance, type GaussianStats } from '../src/metrics/fid.js';
import { saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { Rng } from '../src/util/rng.js';
import { tempDir } from './support/datafiles.js';
import { covarianceWithEigenvalues, logUniformEigenvalues, normals, randomStats } from './support/gaussians.js';
import { fidByMlMatrix, trace } from './support/ml-matrix-fid.js';
import { TTUR_FID, python, scipyTest } from './support/python.js';

const relClose = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.abs(expected), `${actual} vs ${expected} (rel. error ${Math.abs(actual - expected) / Math.abs(expected)})`);

test('diagonal covariances: FID = |dmu|^2 + sum(a + b - 2 sqrt(ab))', () => {
  const rng = new Rng(1);
  const n = 64;
  const a = new Float64Array(n).map(() => 0.01 + rng.next());
  const b = new Float64Array(n).map(() => 0.01 + 3 * rng.next());
  const mu1 = normals(rng, n);
  const mu2 = normals(rng, n);
  const diag = (d: Float64Array) => {
    const s = new Float64Array(n * n);
    d.forEach((x, i) => (s[i * n + i] = x));
    return s;
  };
  let expected = 0;
  for (let i = 0; i < n; i++) expected += (mu1[i]! - mu2[i]!) ** 2 + a[i]! + b[i]! - 2 * Math.sqrt(a[i]! * b[i]!);
  relClose(frechetDistance({ dim: n, mu: mu1, sigma: diag(a) }, { dim: n, mu: mu2, sigma: diag(b) }), expected, 1e-12);
});

test('dense covariances sharing eigenvectors: FID = |dmu|^2 + sum (sqrt(a_i) - sqrt(b_i))^2', () => {
  const n = 150;
  const la = logUniformEigenvalues(new Rng(2), n, 1e-3, 10);
  const lb = logUniformEigenvalues(new Rng(3), n, 1e-3, 10);
  // the same seed gives the same reflections, so both covariances share Q
  const s1 = covarianceWithEigenvalues(new Rng(4), la, 24);
  const s2 = covarianceWithEigenvalues(new Rng(4), lb, 24);
  const mu = new Float64Array(n);
  let expected = 0;
  for (let i = 0; i < n; i++) expected += (Math.sqrt(la[i]!) - Math.sqrt(lb[i]!)) ** 2;
  relClose(frechetDistance({ dim: n, mu, sigma: s1 }, { dim: n, mu, sigma: s2 }), expected, 1e-9);
});

test('FID(x, x) is 0 up to rounding, and FID is symmetric', () => {
  const a = randomStats(5, 200);
  const b = randomStats(6, 200);
  assert.ok(Math.abs(frechetDistance(a, a)) < 1e-10 * trace(a), `FID(a, a) = ${frechetDistance(a, a)}`);
  relClose(frechetDistance(b, a), frechetDistance(a, b), 1e-10);
});

test('agrees with full eigendecompositions (ml-matrix) on dense, wide-spectrum covariances', () => {
  const a = randomStats(7, 120, 40);
  const b = randomStats(8, 120, 40);
  relClose(frechetDistance(a, b), fidByMlMatrix(a, b), 1e-9);
});

test('a rank-deficient covariance (zero eigenvalues) is handled, no eps*I needed', () => {
  const n = 100;
  const rng = new Rng(9);
  const eig = logUniformEigenvalues(rng, n, 1e-2, 5);
  eig.fill(0, 0, 30); // rank 70, as a covariance of 71 samples would be
  const a: GaussianStats = { dim: n, mu: normals(rng, n), sigma: covarianceWithEigenvalues(rng, eig, 30) };
  const b = randomStats(10, n, 30);
  const fid = frechetDistance(a, b);
  assert.ok(Number.isFinite(fid));
  relClose(fid, fidByMlMatrix(a, b), 1e-8);
  relClose(frechetDistance(b, a), fid, 1e-8);
});

scipyTest(test)('agrees with TTUR\'s computation (scipy sqrtm of the product) on 256-d statistics', () => {
  const dir = tempDir('fid');
  const a = randomStats(11, 256, 64);
  const b = randomStats(12, 256, 64);
  saveGaussianStats(join(dir, 'a.npz'), a);
  saveGaussianStats(join(dir, 'b.npz'), b);
  const reference = Number(python(TTUR_FID, join(dir, 'a.npz'), join(dir, 'b.npz')));
  relClose(frechetDistance(a, b), reference, 1e-8);
});

test('statistics of different dimensions are refused', () => {
  assert.throws(() => frechetDistance(randomStats(1, 3), randomStats(1, 4)), /dimensions differ \(3 vs 4\)/);
});

test.run();
