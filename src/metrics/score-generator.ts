/**
 * Scoring a generator: N images in batches through a feature network, giving the Inception Score of their
 * class probabilities, the FID of their features against reference statistics, and the share of each class
 * among them as the network reads them. The `eval` command, training's evaluations and the search's evaluator
 * (reward = IS of a child) all call `scoreImages` in-process.
 */
import * as tf from '@tensorflow/tfjs';
import { nameSeed } from '../nn/params.js';
import { FeatureStats } from './feature-stats.js';
import type { FeatureNetwork } from './feature-network.js';
import { classShares } from './class-coverage.js';
import { frechetDistance, type GaussianStats } from './fid.js';
import { inceptionScore, type InceptionScore } from './inception-score.js';

/** `count` images [count, H, W, C] in [-1, 1], the ones numbered offset .. offset + count - 1; the caller disposes them. */
export type ImageSampler = (count: number, offset: number) => tf.Tensor4D;

export interface ScoreRequest {
  /** Images to score (50,000 for papers' numbers). */
  readonly n: number;
  /** Images per generator call and network pass (default 100). */
  readonly batchSize?: number;
  /** Inception Score with this many splits; null or absent: no IS. */
  readonly isSplits?: number | null;
  /** FID against these statistics (the data set's); null or absent: no FID. */
  readonly reference?: GaussianStats | null;
  /** The share of each class among the images (argmax of the network's logits); absent or false: none. */
  readonly classShares?: boolean;
  /** Called after each batch with the images done so far. */
  readonly onProgress?: (done: number) => void;
}

export interface ImageScores {
  readonly n: number;
  readonly is: InceptionScore | null;
  readonly fid: number | null;
  /** Per class of the network, the share of the images it reads as that class; null when not asked for. */
  readonly shares: number[] | null;
}

/**
 * @example
 * const sample = latentSampler(128, seed, (z) => G.forward(z, arch, false));
 * const { is, fid } = scoreImages(sample, digits, { n: 5000, isSplits: 10, reference: mnistTrainStats });
 */
export function scoreImages(sample: ImageSampler, net: FeatureNetwork, req: ScoreRequest): ImageScores {
  const { n } = req;
  const batchSize = req.batchSize ?? 100;
  const splits = req.isSplits ?? null;
  const reference = req.reference ?? null;
  if (!Number.isInteger(n) || n < 1) throw new Error(`scoreImages: n must be a positive integer, got ${n}`);
  if (reference && reference.dim !== net.featureDim) {
    throw new Error(`scoreImages: reference statistics are ${reference.dim}-d but ${net.name} gives ${net.featureDim}-d features`);
  }
  const probs = splits !== null ? new Float32Array(n * net.numClasses) : null;
  const stats = reference ? new FeatureStats(net.featureDim, 'generated images') : null;
  const predicted = req.classShares ? new Int32Array(n) : null;
  for (let offset = 0; offset < n; offset += batchSize) {
    const count = Math.min(batchSize, n - offset);
    const out = tf.tidy(() => {
      const images = sample(count, offset);
      if (images.shape[0] !== count) throw new Error(`the sampler returned ${images.shape[0]} images, asked for ${count}`);
      const { logits, features } = net.classify(images);
      return { probs: tf.softmax(logits), features, predicted: tf.argMax(logits, 1) };
    });
    if (probs) probs.set(out.probs.dataSync() as Float32Array, offset * net.numClasses);
    if (predicted) predicted.set(out.predicted.dataSync() as Int32Array, offset);
    if (stats) stats.add(out.features.dataSync() as Float32Array, count);
    tf.dispose(out);
    req.onProgress?.(offset + count);
  }
  return {
    n,
    is: probs ? inceptionScore(probs, n, net.numClasses, { splits: splits!, source: 'generated images' }) : null,
    fid: stats ? frechetDistance(stats.finalize(), reference!) : null,
    shares: predicted ? classShares(predicted, net.numClasses) : null,
  };
}

/**
 * A sampler that feeds `generate` standard normal latents, seeded per image range from `seed`, so that
 * the same seed and batch size give the same images in every process.
 */
export function latentSampler(latent: number, seed: number, generate: (z: tf.Tensor2D) => tf.Tensor4D): ImageSampler {
  return (count, offset) =>
    tf.tidy(() => generate(tf.randomNormal([count, latent], 0, 1, 'float32', nameSeed(seed, `eval-z/${offset}`)) as tf.Tensor2D));
}
