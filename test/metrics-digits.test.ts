import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/backend/select.js';
import { loadMnist } from '../src/data/mnist.js';
import type { ImageDataset } from '../src/data/dataset.js';
import { datasetFeatureStats } from '../src/metrics/dataset-stats.js';
import { digitAccuracy } from '../src/metrics/digits/digit-accuracy.js';
import type { DigitClassifier } from '../src/metrics/digits/digit-classifier.js';
import { loadDigitClassifier, type DigitWeightsMeta } from '../src/metrics/digits/digit-weights-file.js';
import { scoreImages, type ImageSampler } from '../src/metrics/score-generator.js';

// The shipped weights (weights/digits-classifier.bin) against the 2,000 held-out digits they never saw.
let net: DigitClassifier;
let meta: DigitWeightsMeta;
const { train, test: heldOut } = loadMnist();

test.before(async () => {
  await startBackend('auto');
  ({ net, meta } = loadDigitClassifier());
});
test.after(() => net.dispose());

const realDigits = (ds: ImageDataset): ImageSampler => (count, offset) => {
  const per = ds.height * ds.width;
  const px = ds.pixels.subarray(offset * per, (offset + count) * per);
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(px), [count, 32, 32, 1]), 127.5), 1) as tf.Tensor4D);
};
const noise: ImageSampler = (count, offset) => tf.randomUniform([count, 32, 32, 1], -1, 1, 'float32', 1000 + offset) as tf.Tensor4D;

test('the shipped classifier gets at least 98 % of the held-out digits right, as its file records', () => {
  const before = tf.memory().numTensors;
  const acc = digitAccuracy(net, heldOut);
  assert.ok(acc >= 0.98, `held-out accuracy ${acc}`);
  assert.ok(Math.abs(acc - meta.heldOutAccuracy) <= 0.002, `measured ${acc}, recorded ${meta.heldOutAccuracy}`);
  assert.is(meta.trainImages, 8000);
  assert.is(tf.memory().numTensors, before);
});

test('Inception Score: held-out digits above 9, uniform noise near 1', () => {
  const real = scoreImages(realDigits(heldOut), net, { n: heldOut.count, isSplits: 10 }).is!;
  assert.ok(real.mean > 9, `IS of real digits ${real.mean}`);
  const random = scoreImages(noise, net, { n: 1000, isSplits: 10 }).is!;
  assert.ok(random.mean < 1.5, `IS of noise ${random.mean}`);
});

test('FID: train vs held-out digits is far below digits vs noise', () => {
  const before = tf.memory().numTensors;
  const reference = datasetFeatureStats(train, net);
  assert.is(reference.n, 8000);
  const heldOutFid = scoreImages(realDigits(heldOut), net, { n: heldOut.count, reference }).fid!;
  const noiseFid = scoreImages(noise, net, { n: 1000, reference }).fid!;
  assert.ok(heldOutFid >= 0 && heldOutFid < noiseFid / 10, `FID held-out ${heldOutFid}, noise ${noiseFid}`);
  assert.is(tf.memory().numTensors, before);
});

test.run();
