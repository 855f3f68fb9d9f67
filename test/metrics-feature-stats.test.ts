import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FeatureStats } from '../src/metrics/feature-stats.js';
import { Rng } from '../src/util/rng.js';
import { normals } from './support/gaussians.js';

/** Two-pass textbook mean and covariance (N - 1 denominator, as np.cov), the batch computation. */
function twoPass(x: Float64Array, n: number, d: number): { mu: Float64Array; sigma: Float64Array } {
  const mu = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mu[j] += x[r * d + j]! / n;
  const sigma = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) sigma[i * d + j] += ((x[r * d + i]! - mu[i]!) * (x[r * d + j]! - mu[j]!)) / (n - 1);
    }
  }
  return { mu, sigma };
}

function features(seed: number, n: number, d: number): Float64Array {
  // correlated, off-centre features: x = 5 + z A, so the co-moment merge is exercised
  const rng = new Rng(seed);
  const z = normals(rng, n * d);
  const a = normals(rng, d * d);
  const x = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) {
    let s = 5 + j;
    for (let k = 0; k < d; k++) s += z[r * d + k]! * a[k * d + j]! * 0.3;
    x[r * d + j] = s;
  }
  return x;
}

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

test('streaming over uneven batches equals the two-pass batch computation', () => {
  const n = 333;
  const d = 23; // not a multiple of 4: the padded blocks must not leak
  const x = features(1, n, d);
  const expected = twoPass(x, n, d);
  for (const batch of [1, 7, 64, n]) {
    const stats = new FeatureStats(d);
    for (let r = 0; r < n; r += batch) {
      const rows = Math.min(batch, n - r);
      stats.add(x.subarray(r * d, (r + rows) * d), rows);
    }
    const got = stats.finalize();
    assert.is(got.n, n);
    assert.ok(maxDiff(got.mu, expected.mu) < 1e-12, `batch ${batch}: mean off by ${maxDiff(got.mu, expected.mu)}`);
    assert.ok(maxDiff(got.sigma, expected.sigma) < 1e-11, `batch ${batch}: covariance off by ${maxDiff(got.sigma, expected.sigma)}`);
  }
});

test('float32 batches accumulate in float64 and the covariance is exactly symmetric', () => {
  const n = 50;
  const d = 6;
  const x64 = features(2, n, d);
  const x32 = Float32Array.from(x64);
  const stats = new FeatureStats(d);
  stats.add(x32.subarray(0, 20 * d), 20);
  stats.add(x32.subarray(20 * d), 30);
  const { sigma } = stats.finalize();
  const expected = twoPass(Float64Array.from(x32), n, d).sigma;
  assert.ok(maxDiff(sigma, expected) < 1e-12);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) assert.is(sigma[i * d + j], sigma[j * d + i]);
});

test('fewer samples than dimensions is an error naming the source and the count needed', () => {
  const stats = new FeatureStats(8, 'feat.npy');
  stats.add(features(3, 8, 8), 8);
  assert.throws(() => stats.finalize(), /^feat\.npy: fewer samples than dimensions: 8 samples of 8-d features give a singular covariance \(need at least 9\)/);
  const one = new FeatureStats(1, 'one.npy');
  one.add(new Float64Array([1]), 1);
  assert.throws(() => one.finalize(), /one\.npy: 1 feature vector: a covariance needs at least 2/);
});

test('a NaN feature is an error naming the row and column', () => {
  const stats = new FeatureStats(3, 'feat.npy');
  stats.add(new Float64Array([1, 2, 3]), 1);
  assert.throws(() => stats.add(new Float64Array([1, 2, 3, 4, NaN, 6]), 2), /feat\.npy: feature row 2 has a non-finite value \(NaN\) in column 1/);
});

test.run();
