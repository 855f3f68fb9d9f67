import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inceptionScore } from '../src/metrics/inception-score.js';
import { encodeNpy } from '../src/metrics/npy.js';
import { Rng } from '../src/util/rng.js';
import { tempDir } from './support/datafiles.js';
import { python, scipyTest } from './support/python.js';

const oneHot = (classes: number[], k: number): Float64Array => {
  const p = new Float64Array(classes.length * k);
  classes.forEach((c, i) => (p[i * k + c] = 1));
  return p;
};

const near = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

test('every part holding each of K classes once, with certainty, scores exactly K', () => {
  const k = 4;
  const classes = Array.from({ length: 40 }, (_, i) => i % k);
  const { mean, std } = inceptionScore(oneHot(classes, k), 40, k);
  near(mean, 4);
  near(std, 0);
});

test('identical rows score 1: no diversity', () => {
  const row = [0.2, 0.3, 0.5];
  const probs = Float64Array.from({ length: 30 }, (_, i) => row[i % 3]!);
  near(inceptionScore(probs, 10, 3, { splits: 5 }).mean, 1);
});

test('a hand-computed case: rows [0.5, 0.5] and [1, 0] give (4/3)^(3/4)', () => {
  // marginal [3/4, 1/4]; KL = 0.5 ln(4/3) and ln(4/3); mean 0.75 ln(4/3)
  const { mean } = inceptionScore(new Float64Array([0.5, 0.5, 1, 0]), 2, 2, { splits: 1 });
  near(mean, (4 / 3) ** 0.75);
});

test('parts are cut at floor(i N / splits), and std is the population std over parts', () => {
  // N = 5, 2 splits: rows [0, 2) = classes 0, 1 (score 2) and rows [2, 5) = classes 0, 1, 2 (score 3).
  const { mean, std } = inceptionScore(oneHot([0, 1, 0, 1, 2], 3), 5, 3, { splits: 2 });
  near(mean, 2.5);
  near(std, 0.5);
});

test('float32 softmax output is accepted and zero probabilities count as 0 log 0 = 0', () => {
  const probs = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  near(inceptionScore(probs, 3, 3, { splits: 1 }).mean, 3);
});

scipyTest(test)('agrees with the numpy reference (improved-GAN get_inception_score) on random probabilities', () => {
  const rng = new Rng(7);
  const n = 1000;
  const k = 37;
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    // peaked rows, as a classifier's softmax: a few large logits
    for (let j = 0; j < k; j++) sum += probs[i * k + j] = Math.exp(6 * rng.next() ** 3);
    for (let j = 0; j < k; j++) probs[i * k + j] /= sum;
  }
  const file = join(tempDir('is'), 'probs.npy');
  writeFileSync(file, encodeNpy({ dtype: '<f8', shape: [n, k], data: probs }));
  const out = python(
    `import sys, numpy as np
preds = np.load(sys.argv[1]); splits = 10; scores = []
for i in range(splits):
  part = preds[(i * preds.shape[0] // splits):((i + 1) * preds.shape[0] // splits), :]
  kl = part * (np.log(part) - np.log(np.expand_dims(np.mean(part, 0), 0)))
  scores.append(np.exp(np.mean(np.sum(kl, 1))))
print(repr(float(np.mean(scores))), repr(float(np.std(scores))))`,
    file,
  );
  const [mean, std] = out.trim().split(' ').map(Number) as [number, number];
  const ours = inceptionScore(probs, n, k);
  near(ours.mean, mean, 1e-10);
  near(ours.std, std, 1e-8);
});

test('rows that are not probabilities are rejected, naming the source and the row', () => {
  const bad = new Float64Array([0.5, 0.5, 0.6, 0.6]);
  assert.throws(() => inceptionScore(bad, 2, 2, { splits: 1, source: 'p.npy' }), /^p\.npy: row 1 sums to 1\.2, not 1/);
  const nan = new Float64Array([0.5, 0.5, NaN, 1]);
  assert.throws(() => inceptionScore(nan, 2, 2, { splits: 1, source: 'p.npy' }), /p\.npy: row 1 has a non-finite probability \(NaN\) in column 0/);
  const negative = new Float64Array([1.5, -0.5]);
  assert.throws(() => inceptionScore(negative, 1, 2, { splits: 1 }), /row 0 has a negative probability/);
});

test('fewer samples than splits is an error that says so', () => {
  assert.throws(() => inceptionScore(oneHot([0, 1, 2], 3), 3, 3, { source: 'p.npy' }), /p\.npy: 3 samples cannot be cut into 10 splits/);
});

test.run();
