import type * as tf from '@tensorflow/tfjs';

/**
 * A network whose outputs the metrics are computed from: class logits for the Inception Score and pooled
 * features for FID. Implemented by the Inception graph (numbers comparable to papers) and by the embedded
 * digit classifier.
 *
 * @example
 * const { logits, features } = net.classify(images); // images: [N, H, W, C] in [-1, 1], C = 1 or 3
 * // logits: [N, numClasses], features: [N, featureDim]; the caller disposes both
 */
export interface FeatureNetwork {
  readonly name: string;
  /** The side the network resizes its inputs to (square). */
  readonly inputSize: number;
  readonly featureDim: number;
  readonly numClasses: number;
  /**
   * Images in [-1, 1], NHWC, of any size and 1 or 3 channels (the network converts what it must);
   * returns new tensors owned by the caller and keeps no other tensor alive.
   */
  classify(images: tf.Tensor4D): { logits: tf.Tensor2D; features: tf.Tensor2D };
  /** Frees the network's weights. */
  dispose(): void;
}
