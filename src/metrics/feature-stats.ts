import { fileError } from '../errors.js';
import type { GaussianStats } from './fid.js';
import { accumulateRows4, weights4 } from './linalg/rows4.js';

/**
 * Mean and covariance of features, accumulated batch by batch so that 50,000 images' features never sit
 * in memory at once. Float64 throughout; each batch is centred on its own mean and merged with the
 * running co-moment by Chan, Golub & LeVeque's pairwise update, which keeps the result as accurate as a
 * two-pass computation. The covariance has the N - 1 denominator, as `np.cov` (TTUR) uses.
 *
 * @example
 * const stats = new FeatureStats(2048, 'generated images');
 * for (const batch of batches) stats.add(batch, batch.length / 2048); // batch: [rows, 2048] row-major
 * const { mu, sigma, n } = stats.finalize();
 */
export class FeatureStats {
  private n = 0;
  private readonly mean: Float64Array;
  /** Running sum of (x - mean)(x - mean)^T, upper triangle, [dp, dp] with dp = dim padded to a multiple of 4. */
  private readonly comoment: Float64Array;
  private readonly dp: number;
  private centred = new Float64Array(0);

  /** @param source names where the features come from, in error messages (a file path, or a description) */
  constructor(
    readonly dim: number,
    readonly source = 'features',
  ) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`FeatureStats: dim must be a positive integer, got ${dim}`);
    this.dp = Math.ceil(dim / 4) * 4;
    this.mean = new Float64Array(dim);
    this.comoment = new Float64Array(this.dp * this.dp);
  }

  get count(): number {
    return this.n;
  }

  /** Adds `rows` feature vectors, [rows, dim] row-major. Non-finite values are an error naming the row. */
  add(batch: Float32Array | Float64Array, rows: number): void {
    const { dim, dp } = this;
    if (batch.length !== rows * dim) throw new Error(`FeatureStats.add: ${batch.length} values are not ${rows} rows of ${dim}`);
    if (rows === 0) return;
    const batchMean = new Float64Array(dim);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < dim; j++) {
        const x = batch[r * dim + j]!;
        if (!Number.isFinite(x)) throw fileError(this.source, `feature row ${this.n + r} has a non-finite value (${x}) in column ${j}`);
        batchMean[j] += x;
      }
    }
    for (let j = 0; j < dim; j++) batchMean[j] /= rows;

    // Centred batch, [mp, dp], zero-padded so the 4 x 4 blocked loop below has no edge cases.
    const mp = Math.ceil(rows / 4) * 4;
    if (this.centred.length < mp * dp) this.centred = new Float64Array(mp * dp);
    const y = this.centred;
    y.fill(0, 0, mp * dp);
    for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) y[r * dp + j] = batch[r * dim + j]! - batchMean[j]!;

    // comoment[i, j] += sum_r y[r, i] y[r, j] for j >= block of i: four rows of the co-moment against
    // four samples at a time (16 multiply-adds per 4 loads), while the batch stays in cache.
    const c = this.comoment;
    const w = new Float64Array(16);
    for (let i = 0; i < dp; i += 4) {
      // w[q][u] = y[r + u, i + q]
      for (let r = 0; r < mp; r += 4) accumulateRows4(c, i * dp, dp, weights4(w, y, r * dp + i, 1, dp), y, r * dp, dp, i, dp);
    }

    // Merge: the two groups' means differ by delta, which adds n m / (n + m) delta delta^T.
    const total = this.n + rows;
    const weight = (this.n * rows) / total;
    const delta = new Float64Array(dim);
    for (let j = 0; j < dim; j++) delta[j] = batchMean[j]! - this.mean[j]!;
    if (this.n > 0) {
      for (let i = 0; i < dim; i++) {
        const wi = weight * delta[i]!;
        for (let j = i; j < dim; j++) c[i * dp + j] += wi * delta[j]!;
      }
    }
    for (let j = 0; j < dim; j++) this.mean[j] += (delta[j]! * rows) / total;
    this.n = total;
  }

  /**
   * Mean and covariance of everything added. A covariance from N samples has rank at most N - 1, so
   * N <= dim is an error: FID on such a matrix is not the number the literature means.
   */
  finalize(): GaussianStats & { readonly n: number } {
    const { n, dim, dp } = this;
    if (n < 2) throw fileError(this.source, `${n} feature vector${n === 1 ? '' : 's'}: a covariance needs at least 2`);
    if (n <= dim) {
      throw fileError(this.source, `fewer samples than dimensions: ${n} samples of ${dim}-d features give a singular covariance (need at least ${dim + 1})`);
    }
    const sigma = new Float64Array(dim * dim);
    for (let i = 0; i < dim; i++) {
      for (let j = i; j < dim; j++) {
        const v = this.comoment[i * dp + j]! / (n - 1);
        sigma[i * dim + j] = v;
        sigma[j * dim + i] = v;
      }
    }
    return { dim, n, mu: Float64Array.from(this.mean), sigma };
  }
}
