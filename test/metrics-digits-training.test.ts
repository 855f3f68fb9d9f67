import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { startBackend } from '../src/backend/select.js';
import { makeDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { isInputError } from '../src/errors.js';
import { DigitClassifier } from '../src/metrics/digits/digit-classifier.js';
import { loadDigitClassifier, saveDigitWeights, type DigitWeightsMeta } from '../src/metrics/digits/digit-weights-file.js';
import { shiftImages, trainDigitClassifier } from '../src/metrics/digits/train-digits.js';
import { writeCheckpoint } from '../src/util/checkpoint-file.js';
import { Rng } from '../src/util/rng.js';
import { BACKENDS_UNDER_TEST, useBackend } from './support/backends.js';
import { tempDir } from './support/datafiles.js';

const dir = tempDir('digits-training');
test.before(async () => {
  await startBackend('auto');
});

// 192 training digits: enough to see learning, small enough to train in a few seconds.
const full = loadMnist().train;
const few = makeDataset({ ...full, count: 192, pixels: full.pixels.subarray(0, 192 * 1024), labels: full.labels!.subarray(0, 192) });
const CFG = { seed: 4, epochs: 2, batchSize: 64, learningRate: 2e-3, maxShift: 2 };

const weights = (net: DigitClassifier) => net.store.trainable().map(([, v]) => Array.from(v.dataSync()));

test('the classifier\'s gradient agrees with the cpu backend\'s on every backend under test', async () => {
  const net = new DigitClassifier(2);
  const x = tf.randomUniform([3, 32, 32, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
  const params = net.store.trainable().map(([, v]) => v);
  const grads = async (backend: (typeof BACKENDS_UNDER_TEST)[number]) => {
    await useBackend(backend);
    const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(net.forward(x).logits, tf.range(0, 10))), params);
    const out = params.map((p) => Array.from(g[p.name]!.dataSync()));
    tf.dispose([value, Object.values(g)]);
    return out;
  };
  // The reference: tfjs's cpu backend, whose conv gradients are right (test/ops-gradients.test.ts).
  const reference = await grads('cpu');
  for (const backend of BACKENDS_UNDER_TEST) {
    const got = await grads(backend);
    got.forEach((g, i) => {
      const err = g.reduce((m, v, j) => Math.max(m, Math.abs(v - reference[i]![j]!)), 0);
      const scale = reference[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      assert.ok(err <= 1e-4 * scale, `${backend}: gradient ${i} off by ${err} (scale ${scale})`);
    });
  }
  await useBackend('auto');
  x.dispose();
  net.dispose();
});

test('shiftImages moves each image by one offset within the bound and fills with background', () => {
  const side = 5;
  const img = Float32Array.from({ length: side * side }, (_, i) => i); // pixel (y, x) holds y * 5 + x
  const batch = new Float32Array(200 * side * side);
  for (let b = 0; b < 200; b++) batch.set(img, b * side * side);
  shiftImages(batch, [200, side, side, 1], new Rng(1), 1);
  const seen = new Set<string>();
  for (let b = 0; b < 200; b++) {
    const out = batch.subarray(b * side * side, (b + 1) * side * side);
    const match = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => ({ dx, dy }))).find(({ dx, dy }) =>
      out.every((v, i) => {
        const [y, x] = [Math.floor(i / side) - dy, (i % side) - dx];
        return v === (y >= 0 && y < side && x >= 0 && x < side ? y * side + x : -1);
      }),
    );
    assert.ok(match, `image ${b} is no shift of the original`);
    seen.add(`${match.dx},${match.dy}`);
  }
  assert.is(seen.size, 9);
});

test('training is reproducible from its seed, learns, and another seed gives other weights', () => {
  const losses: number[] = [];
  const a = trainDigitClassifier(few, CFG, undefined, (_, loss) => losses.push(loss));
  const b = trainDigitClassifier(few, CFG);
  const c = trainDigitClassifier(few, { ...CFG, seed: 5, epochs: 1 });
  assert.equal(weights(a), weights(b));
  assert.not.equal(weights(a).slice(0, 1), weights(c).slice(0, 1));
  assert.is(losses.length, 2);
  assert.ok(losses[1]! < losses[0]! && losses[0]! < Math.log(10) + 0.1, `losses ${losses}`);
  [a, b, c].forEach((n) => n.dispose());
});

test('a weights file round-trips the classifier and its metadata', () => {
  const net = new DigitClassifier(11);
  const meta: DigitWeightsMeta = { kind: 'digits-classifier', ...CFG, trainImages: 192, backend: 'test', heldOutAccuracy: 0.5, trainSeconds: 1 };
  const path = join(dir, 'w.bin');
  saveDigitWeights(path, net, meta);
  const loaded = loadDigitClassifier(path);
  assert.equal(loaded.meta, meta);
  const x = tf.randomUniform([3, 32, 32, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
  const [p, q] = [net.classify(x), loaded.net.classify(x)];
  assert.equal(p.logits.dataSync(), q.logits.dataSync());
  assert.equal(p.features.dataSync(), q.features.dataSync());
  tf.dispose([x, p, q]);
  net.dispose();
  loaded.net.dispose();
});

test('a weights file of another kind or lacking an array is an input error naming the file', () => {
  const other = join(dir, 'other.bin');
  writeCheckpoint(other, { kind: 'train' }, new Map());
  const partial = join(dir, 'partial.bin');
  writeCheckpoint(partial, { kind: 'digits-classifier' }, new Map([['digits.conv1.w', { shape: [3, 3, 1, 16], data: new Float32Array(144) }]]));
  const cases: [string, RegExp][] = [
    [other, /other\.bin: not digit classifier weights \(kind "train"/],
    [partial, /partial\.bin: lacks the array digits\.conv1\.b/],
    [join(dir, 'none.bin'), /none\.bin: cannot read checkpoint/],
  ];
  const before = tf.memory().numTensors;
  for (const [path, re] of cases) {
    try {
      loadDigitClassifier(path);
      assert.unreachable(`${path} loaded`);
    } catch (e) {
      assert.ok(isInputError(e), String(e));
      assert.match((e as Error).message, re);
    }
  }
  assert.is(tf.memory().numTensors, before);
});

test.run();
