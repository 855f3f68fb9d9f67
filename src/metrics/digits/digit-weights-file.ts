/**
 * The digit classifier's weights file: the checkpoint format of src/util/checkpoint-file.ts (named float32
 * arrays, JSON metadata, SHA-256), with metadata that records how the weights were made and how well they
 * classify the held-out digits. The project ships one in weights/, made by `autogan metrics train-digits`.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileError } from '../../errors.js';
import { readCheckpoint, writeCheckpoint, type NamedArray } from '../../util/checkpoint-file.js';
import { DigitClassifier, type DigitClassifierOptions } from './digit-classifier.js';

export const DIGITS_WEIGHTS_KIND = 'digits-classifier';
export const SHIPPED_DIGITS_WEIGHTS = join('weights', 'digits-classifier.bin');

/** How the weights were trained, and their accuracy on the 2,000 held-out digits. */
export interface DigitWeightsMeta {
  readonly kind: typeof DIGITS_WEIGHTS_KIND;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Largest random shift (pixels) of the training augmentation. */
  readonly maxShift: number;
  readonly trainImages: number;
  readonly backend: string;
  readonly heldOutAccuracy: number;
  readonly trainSeconds: number;
}

/**
 * The shipped weights file: weights/ in the package root. This module runs from dist/ or .test-build/,
 * so the root is found by searching upward.
 */
export function shippedDigitWeightsPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, SHIPPED_DIGITS_WEIGHTS))) return join(dir, SHIPPED_DIGITS_WEIGHTS);
    if (dirname(dir) === dir) throw new Error(`the shipped digit classifier (${SHIPPED_DIGITS_WEIGHTS}) is missing from the package; \`autogan metrics train-digits --out ${SHIPPED_DIGITS_WEIGHTS}\` remakes it`);
  }
}

export function saveDigitWeights(path: string, net: DigitClassifier, meta: DigitWeightsMeta): void {
  const arrays = new Map<string, NamedArray>();
  for (const [name, v] of net.store.trainable()) arrays.set(name, { shape: v.shape, data: v.dataSync() as Float32Array });
  writeCheckpoint(path, meta, arrays);
}

/** Reads a weights file into a new classifier; a file of another kind or with a misshapen array names the file. */
export function loadDigitClassifier(path = shippedDigitWeightsPath(), opts: DigitClassifierOptions = {}): { net: DigitClassifier; meta: DigitWeightsMeta } {
  const { meta, arrays } = readCheckpoint<DigitWeightsMeta>(path);
  if (meta?.kind !== DIGITS_WEIGHTS_KIND) throw fileError(path, `not digit classifier weights (kind ${JSON.stringify(meta?.kind)}, expected "${DIGITS_WEIGHTS_KIND}")`);
  const net = new DigitClassifier(0, opts);
  try {
    for (const [name, v] of net.store.trainable()) {
      const a = arrays.get(name);
      if (!a) throw fileError(path, `lacks the array ${name}`);
      if (a.shape.join() !== v.shape.join()) throw fileError(path, `${name} has shape [${a.shape}], the classifier expects [${v.shape}]`);
      tf.tidy(() => v.assign(tf.tensor(a.data, v.shape)));
    }
  } catch (e) {
    net.dispose();
    throw e;
  }
  return { net, meta };
}
