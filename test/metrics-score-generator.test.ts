import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/backend/select.js';
import { DigitClassifier } from '../src/metrics/digits/digit-classifier.js';
import { FeatureStats } from '../src/metrics/feature-stats.js';
import { frechetDistance } from '../src/metrics/fid.js';
import { classShares } from '../src/metrics/class-coverage.js';
import { inceptionScore } from '../src/metrics/inception-score.js';
import { latentSampler, scoreImages } from '../src/metrics/score-generator.js';
import { randomStats } from './support/gaussians.js';

// A classifier with random weights: the plumbing, not the trained network, is under test here.
let net: DigitClassifier;
// A "generator" that maps a latent to an image deterministically: 16 → 32×32 by a fixed matrix.
let W: tf.Tensor2D;
test.before(async () => {
  await startBackend('auto');
  net = new DigitClassifier(3, { batchSize: 40 });
  W = tf.randomNormal([16, 32 * 32], 0, 0.3, 'float32', 9);
});
test.after(() => {
  net.dispose();
  W.dispose();
});

const generate = (z: tf.Tensor2D) => tf.tanh(tf.matMul(z, W)).reshape([z.shape[0], 32, 32, 1]) as tf.Tensor4D;

test('scoreImages in uneven batches gives the IS, FID and class shares of all the images at once', () => {
  const n = 250;
  const sample = latentSampler(16, 7, generate);
  const reference = randomStats(5, 128);
  const before = tf.memory().numTensors;
  const scores = scoreImages(sample, net, { n, batchSize: 64, isSplits: 5, reference, classShares: true });
  assert.is(tf.memory().numTensors, before);

  const parts = [0, 64, 128, 192].map((offset) => sample(Math.min(64, n - offset), offset));
  const images = tf.concat(parts, 0);
  const { logits, features } = net.classify(images);
  const probs = tf.softmax(logits);
  const expectIs = inceptionScore(probs.dataSync() as Float32Array, n, 10, { splits: 5 });
  const stats = new FeatureStats(128);
  stats.add(features.dataSync() as Float32Array, n);
  const expectFid = frechetDistance(stats.finalize(), reference);
  const predicted = tf.argMax(logits, 1);
  const expectShares = classShares(predicted.dataSync() as Int32Array, 10);
  tf.dispose([parts, images, logits, features, probs, predicted]);

  assert.is(scores.n, n);
  // Batches of other sizes may round differently in the BLAS kernels: equal to float32 precision.
  assert.ok(Math.abs(scores.is!.mean - expectIs.mean) < 1e-5 && Math.abs(scores.is!.std - expectIs.std) < 1e-5, JSON.stringify([scores.is, expectIs]));
  assert.ok(Math.abs(scores.fid! - expectFid) < 1e-5 * expectFid, `${scores.fid} vs ${expectFid}`);
  assert.equal(scores.shares, expectShares);
});

test('only the metrics asked for are computed', () => {
  const sample = latentSampler(16, 7, generate);
  assert.equal(scoreImages(sample, net, { n: 20, batchSize: 8 }), { n: 20, is: null, fid: null, shares: null });
  assert.is(scoreImages(sample, net, { n: 20, isSplits: 2 }).fid, null);
});

test('latentSampler: the same seed and range give the same images, other seeds or ranges others', () => {
  const a = latentSampler(16, 7, generate);
  const b = latentSampler(16, 8, generate);
  const [x, y, z, w] = [a(4, 0), a(4, 0), a(4, 4), b(4, 0)];
  assert.equal(x.dataSync(), y.dataSync());
  assert.not.equal(x.dataSync(), z.dataSync());
  assert.not.equal(x.dataSync(), w.dataSync());
  tf.dispose([x, y, z, w]);
});

test('mismatched reference statistics and short samplers are errors', () => {
  const sample = latentSampler(16, 7, generate);
  assert.throws(() => scoreImages(sample, net, { n: 200, reference: randomStats(1, 64) }), /64-d but digits gives 128-d/);
  assert.throws(() => scoreImages((count, offset) => sample(count - 1, offset), net, { n: 10, isSplits: 1 }), /returned 9 images, asked for 10/);
});

test.run();
