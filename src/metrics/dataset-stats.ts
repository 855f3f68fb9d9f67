import * as tf from '@tensorflow/tfjs';
import { gatherBatch, type ImageDataset } from '../data/dataset.js';
import { FeatureStats } from './feature-stats.js';
import type { FeatureNetwork } from './feature-network.js';
import type { GaussianStats } from './fid.js';

/**
 * Mean and covariance of a data set's features under a network (FID's reference statistics), streamed
 * batch by batch so that only one batch of images and features is in memory at a time.
 *
 * @example
 * const stats = datasetFeatureStats(loadMnist().train, digits); // { dim: 128, mu, sigma, n: 8000 }
 */
export function datasetFeatureStats(
  ds: ImageDataset,
  net: FeatureNetwork,
  opts: { batchSize?: number; onProgress?: (done: number) => void } = {},
): GaussianStats & { readonly n: number } {
  const batchSize = opts.batchSize ?? 100;
  const stats = new FeatureStats(net.featureDim, `${ds.name}/${ds.split}`);
  for (let start = 0; start < ds.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, ds.count - start) }, (_, i) => start + i);
    const features = tf.tidy(() => {
      const images = tf.tensor4d(gatherBatch(ds, indices), [indices.length, ds.height, ds.width, ds.channels]);
      const out = net.classify(images);
      out.logits.dispose();
      return out.features;
    });
    stats.add(features.dataSync() as Float32Array, indices.length);
    features.dispose();
    opts.onProgress?.(start + indices.length);
  }
  return stats.finalize();
}
