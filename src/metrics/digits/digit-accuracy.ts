import * as tf from '@tensorflow/tfjs';
import { gatherBatch, type ImageDataset } from '../../data/dataset.js';
import type { FeatureNetwork } from '../feature-network.js';

/**
 * Fraction of a labelled split that the network classifies correctly (argmax of its logits), in batches.
 *
 * @example
 * const { test } = loadMnist();
 * digitAccuracy(loadDigitClassifier().net, test); // ≥ 0.98 for the shipped weights
 */
export function digitAccuracy(net: FeatureNetwork, ds: ImageDataset, batchSize = 500): number {
  if (!ds.labels) throw new Error(`${ds.name}/${ds.split} has no labels to measure accuracy on`);
  let correct = 0;
  for (let start = 0; start < ds.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, ds.count - start) }, (_, i) => start + i);
    const predicted = tf.tidy(() => {
      const images = tf.tensor4d(gatherBatch(ds, indices), [indices.length, ds.height, ds.width, ds.channels]);
      const { logits, features } = net.classify(images);
      features.dispose();
      return tf.argMax(logits, 1);
    });
    const p = predicted.dataSync();
    predicted.dispose();
    indices.forEach((idx, i) => {
      if (p[i] === ds.labels![idx]) correct++;
    });
  }
  return correct / ds.count;
}
