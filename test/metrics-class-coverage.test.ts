/**
 * Class coverage (issue 24): the arithmetic of class shares and of D's per-class share of real images called real
 * on fixed numbers, the held-out digits' own figures under the shipped classifier, D's probe of held-out digits,
 * and the saved form of an evaluation.
 */
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/backend/select.js';
import { labelHistogram } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { classShares, shareAboveZeroByClass } from '../src/metrics/class-coverage.js';
import { datasetFeatureStats } from '../src/metrics/dataset-stats.js';
import { loadDigitClassifier } from '../src/metrics/digits/digit-weights-file.js';
import { heldOutDigits, heldOutFigures } from '../src/metrics/held-out-figures.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../src/nn/discriminator.js';
import { evalPoint } from '../src/protocol/evaluation.js';
import { ClassProbe, PROBE_PER_CLASS, balancedIndices } from '../src/train/class-probe.js';
import { fieldErrorOf } from './support/field-error.js';

test.before(async () => {
  await startBackend('auto');
});

test('classShares: each class\'s count over the samples', () => {
  assert.equal(classShares([0, 2, 2, 1], 3), [0.25, 0.25, 0.5]);
  assert.equal(classShares(Int32Array.from([3, 3, 3, 3, 0]), 5), [0.2, 0, 0, 0.8, 0]);
  assert.equal(classShares([1], 2), [0, 1]);
  assert.throws(() => classShares([0, 3], 3), /sample 1 has class 3, outside 0\.\.2/);
  assert.throws(() => classShares([], 3), /no samples/);
  assert.throws(() => classShares([0], 0), /k must be a positive integer/);
});

test('shareAboveZeroByClass: per class, the share of its images scored above 0; none of a class gives null', () => {
  assert.equal(shareAboveZeroByClass([0.5, -1, 2, 3], [0, 0, 1, 1], 3), [0.5, 1, null]);
  // 0 is not above 0, and a NaN score (a diverged D) counts as not above 0.
  assert.equal(shareAboveZeroByClass([0, Number.NaN, 1e-6, -0.1], [1, 1, 0, 0], 2), [0.5, 0]);
  assert.equal(shareAboveZeroByClass(Float32Array.from([1, 1, 1, -1]), Uint8Array.from([2, 2, 2, 2]), 3), [null, null, 0.75]);
  assert.throws(() => shareAboveZeroByClass([1, 2], [0], 2), /2 scores for 1 labels/);
  assert.throws(() => shareAboveZeroByClass([1], [5], 2), /image 0 has class 5, outside 0\.\.1/);
});

test('balancedIndices: the first few of each class, in order; a short class gives all it has', () => {
  assert.equal(balancedIndices([2, 0, 0, 1, 0, 2, 1, 2], 3, 2), [0, 1, 2, 3, 5, 6]);
  assert.equal(balancedIndices([0, 0, 0], 2, 2), [0, 1]);
});

test('held-out digits under the shipped classifier: IS above 9, FID against the training digits near 3, shares as their labels', () => {
  const { net } = loadDigitClassifier();
  try {
    const ds = loadMnist().test;
    const before = tf.memory().numTensors;
    const reference = datasetFeatureStats(loadMnist().train, net);
    const real = heldOutFigures(ds, net, { isSplits: 10, reference });
    assert.is(tf.memory().numTensors, before);
    assert.is(real.n, 2000);
    assert.ok(real.is!.mean > 9, `IS ${real.is!.mean}`);
    assert.ok(real.fid! > 0 && real.fid! < 6, `FID ${real.fid}`);
    // The classifier reads 98 % of them right: each class's share is within 2 points of its share of the labels.
    const labels = labelHistogram(ds)!.map((n) => n / ds.count);
    assert.is(real.shares.length, 10);
    real.shares.forEach((s, c) => assert.ok(Math.abs(s - labels[c]!) < 0.02, `class ${c}: ${s} read, ${labels[c]} labelled`));
    // IS only: no FID without reference statistics.
    assert.is(heldOutFigures(ds, net, { isSplits: 2, reference: null }).fid, null);
  } finally {
    net.dispose();
  }
});

test('D\'s probe: 50 held-out digits of each class, scored without changing D; only with the digit classifier', async () => {
  assert.is(await ClassProbe.open('inception'), null);
  assert.is((await heldOutDigits('digits'))!.split, 'test');
  const probe = (await ClassProbe.open('digits'))!;
  const D = new Discriminator({ df: 4, channels: 1 }, 5);
  try {
    const blocks = BLOCKS_BY_STAGE[2]!;
    const state = () => [...D.store.trainable(), ...D.store.bufferEntries()].map(([, v]) => Array.from(v.dataSync()));
    const saved = state();
    const before = tf.memory().numTensors;
    const first = probe.dReal(D, blocks);
    assert.is(tf.memory().numTensors, before);
    assert.is(first.length, 10);
    for (const share of first) {
      assert.ok(share !== null && share >= 0 && share <= 1, String(share));
      assert.ok(Math.abs(share * PROBE_PER_CLASS - Math.round(share * PROBE_PER_CLASS)) < 1e-9, `${share} is not a count of ${PROBE_PER_CLASS}`);
    }
    assert.equal(probe.dReal(D, blocks), first, 'the same D scores the same');
    assert.equal(state(), saved, 'D\'s weights and spectral-norm vectors are unchanged');
  } finally {
    D.dispose();
  }
});

test('an evaluation as saved: class coverage checked, and absent in points written before it was measured', () => {
  const old = { step: 5, is: { mean: 2, std: 0.1 }, fid: 40 };
  assert.equal(evalPoint.parse(old, 'p'), { ...old, classes: undefined });
  const point = { ...old, classes: { shares: [0.5, 0.5], dReal: [1, null] } };
  assert.equal(evalPoint.parse(point, 'p'), point);
  assert.equal(evalPoint.parse({ ...old, classes: null }, 'p').classes, null);
  assert.match(fieldErrorOf(() => evalPoint.parse({ ...old, classes: { shares: [1.5, 0], dReal: [] } }, 'p')), /^p\.classes\.shares\[0\]: expected a share in 0\.\.1, got 1\.5/);
});

test.run();
