import { fileError } from '../errors.js';

export interface InceptionScore {
  readonly mean: number;
  readonly std: number;
}

/**
 * Inception Score (Salimans et al. 2016) from class probabilities, computed as the reference code does
 * (improved-GAN's `get_inception_score`, used by AutoGAN): the N rows are cut into `splits` consecutive
 * parts (part i is rows floor(i N / splits) .. floor((i+1) N / splits) - 1); each part scores
 * exp(mean_rows KL(p_row || p_part)), with p_part the part's mean row; the result is the mean and the
 * population standard deviation (np.std) of the part scores. Sums are in float64, and 0 log 0 counts as 0
 * (numpy would give NaN there).
 *
 * @param probs N x K, row-major; each row a probability vector
 * @param source names the data in error messages (a file path, or e.g. "generated images")
 * @example
 * // two samples, each certain of a different class, one split → IS = 2
 * inceptionScore(new Float64Array([1, 0, 0, 1]), 2, 2, { splits: 1 }); // { mean: 2, std: 0 }
 */
export function inceptionScore(
  probs: Float32Array | Float64Array,
  n: number,
  k: number,
  options: { splits?: number; source?: string } = {},
): InceptionScore {
  const splits = options.splits ?? 10;
  const source = options.source ?? 'class probabilities';
  validate(probs, n, k, splits, source);
  const scores: number[] = [];
  const marginal = new Float64Array(k);
  const logMarginal = new Float64Array(k);
  for (let part = 0; part < splits; part++) {
    const lo = Math.floor((part * n) / splits);
    const hi = Math.floor(((part + 1) * n) / splits);
    marginal.fill(0);
    for (let i = lo; i < hi; i++) for (let j = 0; j < k; j++) marginal[j] += probs[i * k + j]!;
    for (let j = 0; j < k; j++) logMarginal[j] = Math.log(marginal[j]! / (hi - lo));
    let kl = 0;
    for (let i = lo; i < hi; i++) {
      for (let j = 0; j < k; j++) {
        const p = probs[i * k + j]!;
        if (p > 0) kl += p * (Math.log(p) - logMarginal[j]!);
      }
    }
    scores.push(Math.exp(kl / (hi - lo)));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const variance = scores.reduce((a, s) => a + (s - mean) ** 2, 0) / splits;
  return { mean, std: Math.sqrt(variance) };
}

/** Rows must be probability vectors: finite, non-negative, summing to 1 within float32 softmax rounding. */
function validate(probs: Float32Array | Float64Array, n: number, k: number, splits: number, source: string): void {
  if (probs.length !== n * k) throw fileError(source, `expected ${n} x ${k} = ${n * k} probabilities, got ${probs.length}`);
  if (k < 1) throw fileError(source, 'no classes (K = 0)');
  if (!Number.isInteger(splits) || splits < 1) throw fileError(source, `splits must be a positive integer, got ${splits}`);
  if (n < splits) throw fileError(source, `${n} samples cannot be cut into ${splits} splits (need at least one sample per split)`);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const p = probs[i * k + j]!;
      if (!Number.isFinite(p)) throw fileError(source, `row ${i} has a non-finite probability (${p}) in column ${j}`);
      if (p < 0) throw fileError(source, `row ${i} has a negative probability (${p}) in column ${j}`);
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) throw fileError(source, `row ${i} sums to ${sum}, not 1: these are not probabilities (softmax the logits first)`);
  }
}
