import * as tf from '@tensorflow/tfjs';
import { Generator, type GeneratorDims } from '../../src/nn/generator.js';
import { Discriminator } from '../../src/nn/discriminator.js';
import { GanTrainer, type GanTrainConfig } from '../../src/train/gan-trainer.js';

export const TINY_G: GeneratorDims = { latent: 8, gf: 4, bottom: 4, channels: 1 };
export const TINY_TRAIN: GanTrainConfig = { dBatch: 4, gBatch: 4, nCritic: 2, lrG: 2e-3, lrD: 2e-3, beta1: 0, beta2: 0.9, emaDecay: 0.9 };

/** A shared generator, a discriminator and their trainer at the smallest widths. */
export function tinyGan(seed = 1, weightSeed = seed): GanTrainer {
  const g = new Generator(TINY_G, { kind: 'shared' }, weightSeed);
  const d = new Discriminator({ df: 4, channels: 1 }, weightSeed + 1);
  return new GanTrainer(g, d, TINY_TRAIN, seed);
}

export function disposeGan(tr: GanTrainer): void {
  tr.dispose();
  tr.G.dispose();
  tr.D.dispose();
}

/** Real images of a given side in [-1, 1]: smooth blobs, deterministic. */
export function fakeReal(batch: number, side: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.tanh(tf.randomNormal([batch, side, side, 1], 0, 1, 'float32', seed)) as tf.Tensor4D);
}

/** Values of every trainable parameter, by name. */
export function snapshot(store: { trainable(): [string, tf.Variable][] }): Map<string, Float32Array> {
  return new Map(store.trainable().map(([n, v]) => [n, v.dataSync().slice() as Float32Array]));
}
