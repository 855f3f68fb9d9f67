/**
 * Training the digit classifier on the 8,000 training digits: Adam on the softmax cross-entropy with a
 * cosine learning-rate decay per epoch, and random shifts of a few pixels (8,000 digits alone overfit
 * short of the 98 % held-out accuracy the metrics need). Everything random comes from the seed: weights,
 * shuffles, shifts.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherBatch, gatherLabels, type ImageDataset } from '../../data/dataset.js';
import { Adam } from '../../nn/adam.js';
import { ProgressBar } from '../../util/progress-bar.js';
import { Rng } from '../../util/rng.js';
import { DigitClassifier } from './digit-classifier.js';
import { DIGITS_CLASSES } from './digit-sizes.js';
import type { ProgressStream } from '../../util/output.js';

export interface DigitTrainConfig {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Learning rate of the first epoch; epoch e of E uses learningRate · (1 + cos(π e / E)) / 2. */
  readonly learningRate: number;
  /** Each training image is moved by up to this many pixels in x and y (0: no augmentation). */
  readonly maxShift: number;
}

export const DEFAULT_DIGIT_TRAINING: DigitTrainConfig = { seed: 0, epochs: 14, batchSize: 64, learningRate: 2e-3, maxShift: 1 };

/**
 * Moves each image of an NHWC batch by its own (dx, dy) in [-maxShift, maxShift]², in place; pixels that
 * come in from outside are background (-1).
 */
export function shiftImages(batch: Float32Array, shape: readonly [number, number, number, number], rng: Rng, maxShift: number): void {
  const [b, h, w, c] = shape;
  const per = h * w * c;
  const copy = new Float32Array(per);
  for (let i = 0; i < b; i++) {
    const dx = rng.int(2 * maxShift + 1) - maxShift;
    const dy = rng.int(2 * maxShift + 1) - maxShift;
    if (dx === 0 && dy === 0) continue;
    const img = batch.subarray(i * per, (i + 1) * per);
    copy.set(img);
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      for (let x = 0; x < w; x++) {
        const sx = x - dx;
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
        for (let k = 0; k < c; k++) img[(y * w + x) * c + k] = inside ? copy[(sy * w + sx) * c + k]! : -1;
      }
    }
  }
}

/** Mean softmax cross-entropy of logits [B, K] against integer labels. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const picked = tf.sum(tf.mul(logits, tf.oneHot(labels, DIGITS_CLASSES)), 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked));
}

/**
 * Trains a fresh classifier; `onEpoch` hears each epoch's mean loss (for logs and held-out checks).
 *
 * @example
 * const net = trainDigitClassifier(loadMnist().train, { ...DEFAULT_DIGIT_TRAINING, seed: 1 });
 */
export function trainDigitClassifier(
  train: ImageDataset,
  cfg: DigitTrainConfig,
  progress?: ProgressStream,
  onEpoch?: (epoch: number, meanLoss: number, net: DigitClassifier) => void,
): DigitClassifier {
  if (!train.labels) throw new Error(`${train.name}/${train.split} has no labels`);
  const net = new DigitClassifier(cfg.seed);
  let opt = new Adam({ lr: cfg.learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  const rng = new Rng(cfg.seed);
  const params = net.store.trainable();
  const perEpoch = Math.floor(train.count / cfg.batchSize);
  const bar = progress ? new ProgressBar(progress, 'train-digits', cfg.epochs * perEpoch, 'batch') : null;
  const shape = [cfg.batchSize, train.height, train.width, train.channels] as const;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    opt = withLearningRate(opt, (cfg.learningRate * (1 + Math.cos((Math.PI * epoch) / cfg.epochs))) / 2);
    const order = rng.permutation(train.count);
    let lossSum = 0;
    for (let k = 0; k < perEpoch; k++) {
      const indices = order.subarray(k * cfg.batchSize, (k + 1) * cfg.batchSize);
      const images = gatherBatch(train, indices);
      if (cfg.maxShift > 0) shiftImages(images, shape, rng, cfg.maxShift);
      const x = tf.tensor4d(images, [...shape]);
      const y = tf.tensor1d(Int32Array.from(gatherLabels(train, indices)!), 'int32');
      lossSum += opt.minimize(() => crossEntropy(net.forward(x).logits, y), params);
      tf.dispose([x, y]);
      bar?.update(epoch * perEpoch + k + 1, `epoch ${epoch + 1}/${cfg.epochs}  loss ${(lossSum / (k + 1)).toFixed(4)}`);
    }
    onEpoch?.(epoch + 1, lossSum / perEpoch, net);
  }
  bar?.finish(cfg.epochs * perEpoch);
  opt.dispose();
  return net;
}

/** The same optimizer state (step count, moments) under another learning rate. */
function withLearningRate(opt: Adam, lr: number): Adam {
  if (opt.cfg.lr === lr) return opt;
  const next = new Adam({ ...opt.cfg, lr });
  const { t, m, v } = opt.state();
  next.restore(t, m, v);
  opt.dispose();
  return next;
}
