/**
 * The embedded digit classifier: a small CNN for the 32×32 MNIST digits whose softmax gives MNIST's
 * Inception Score and whose penultimate layer gives MNIST's FID (the role Inception plays for natural
 * images, which cannot classify digits). Built from backend/ops so that it trains correctly on every backend.
 *
 *   [B, 32, 32, 1] → conv3×3 16, ReLU, avgpool 2 → [B, 16, 16, 16]
 *                  → conv3×3 32, ReLU, avgpool 2 → [B, 8, 8, 32]
 *                  → conv3×3 64, ReLU, avgpool 2 → [B, 4, 4, 64]
 *                  → flatten, linear 1024 → 128, ReLU  (the features)
 *                  → linear 128 → 10                   (the logits)
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../../backend/ops.js';
import { Conv, Linear } from '../../nn/layers.js';
import { ParamStore } from '../../nn/params.js';
import type { FeatureNetwork } from '../feature-network.js';
import { DIGITS_CLASSES, DIGITS_FEATURE_DIM, DIGITS_SIDE } from './digit-sizes.js';

type T4 = tf.Tensor4D;

const CONV_CHANNELS = [16, 32, 64] as const;

export interface DigitClassifierOptions {
  /** Images per forward pass in `classify` (default 500): bounds the activations' memory. */
  readonly batchSize?: number;
}

export class DigitClassifier implements FeatureNetwork {
  readonly name = 'digits';
  readonly inputSize = DIGITS_SIDE;
  readonly featureDim = DIGITS_FEATURE_DIM;
  readonly numClasses = DIGITS_CLASSES;
  readonly store: ParamStore;
  private readonly convs: Conv[] = [];
  private readonly hidden: Linear;
  private readonly out: Linear;
  private readonly batchSize: number;

  /** Fresh weights drawn from `seed` (training); `loadDigitClassifier` fills them from the shipped file. */
  constructor(seed: number, opts: DigitClassifierOptions = {}) {
    this.batchSize = opts.batchSize ?? 500;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${this.batchSize}`);
    this.store = new ParamStore(seed);
    let cin = 1;
    CONV_CHANNELS.forEach((cout, i) => {
      this.convs.push(new Conv(this.store, `digits.conv${i + 1}`, cin, cout, 3));
      cin = cout;
    });
    const side = DIGITS_SIDE / 2 ** CONV_CHANNELS.length;
    this.hidden = new Linear(this.store, 'digits.hidden', side * side * cin, DIGITS_FEATURE_DIM);
    this.out = new Linear(this.store, 'digits.out', DIGITS_FEATURE_DIM, DIGITS_CLASSES);
  }

  /** [B, 32, 32, 1] in [-1, 1] → logits [B, 10] and features [B, 128]; differentiable (training). */
  forward(images: T4): { logits: tf.Tensor2D; features: tf.Tensor2D } {
    let x = images;
    for (const conv of this.convs) x = ops.avgPool2(conv.apply(x, conv.w, 'relu'));
    const b = x.shape[0];
    const features = this.hidden.apply(x.reshape([b, -1]) as tf.Tensor2D, this.hidden.w, 'relu');
    return { logits: this.out.apply(features), features };
  }

  /**
   * Any image size and 1 or 3 channels: colour is averaged to grey and other sizes are resized
   * bilinearly to 32×32, so that the network always sees what it was trained on.
   */
  classify(images: T4): { logits: tf.Tensor2D; features: tf.Tensor2D } {
    const [n, h, w, c] = images.shape;
    if (c !== 1 && c !== 3) throw new Error(`the digit classifier takes 1 or 3 channels, got ${c}`);
    const logits: tf.Tensor2D[] = [];
    const features: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const out = tf.tidy(() => {
        let x = tf.slice(images, [start, 0, 0, 0], [Math.min(this.batchSize, n - start), -1, -1, -1]);
        if (c === 3) x = tf.mean(x, 3, true);
        if (h !== DIGITS_SIDE || w !== DIGITS_SIDE) x = tf.image.resizeBilinear(x, [DIGITS_SIDE, DIGITS_SIDE], false, true);
        return this.forward(x);
      });
      logits.push(out.logits);
      features.push(out.features);
    }
    const joined = { logits: concatRows(logits, DIGITS_CLASSES), features: concatRows(features, DIGITS_FEATURE_DIM) };
    tf.dispose([logits, features]);
    return joined;
  }

  dispose(): void {
    this.store.dispose();
  }
}

function concatRows(parts: tf.Tensor2D[], width: number): tf.Tensor2D {
  if (parts.length === 0) return tf.zeros([0, width]);
  return parts.length === 1 ? parts[0]!.clone() : tf.concat(parts, 0);
}
