import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as ops from '../src/backend/ops.js';
import { lstmCell } from '../src/nn/lstm.js';
import { spectralNormalize } from '../src/nn/spectral-norm.js';
import { GRAD_TOL, gradCheck, awayFromZero } from './support/gradcheck.js';
import { BACKENDS_UNDER_TEST, BLAS_PATHS, useBackend, useBlasPath, type BlasPath } from './support/backends.js';

type T4 = tf.Tensor4D;
const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** With smallWeights, a ReLU's input stays near its bias, so finite differences stay on one side of its kink. */
const smallWeights = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.1, 'float32', seed);
/** Biases ±2 in turn: half the channels pass the ReLU, half are cut. */
const halfOn = (n: number) => tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 2 : -2)));
/**
 * [batch, 2, 4, C] images whose 8 pixels per image and channel are an offset ± 1..4, shuffled: instance-normalised
 * they keep ≥ 0.36 from 0, so finite differences stay on one side of a ReLU's kink.
 */
function awayFromTheirMean(batch: number, channels: number): tf.Tensor {
  const values = [-4, -3, -2, -1, 1, 2, 3, 4];
  const v = new Float32Array(batch * 8 * channels);
  for (let n = 0; n < batch; n++) for (let p = 0; p < 8; p++) for (let c = 0; c < channels; c++) v[(n * 8 + p) * channels + c] = c - n + values[(5 * p + 3 * n + c) % 8]!;
  return tf.tensor4d(v, [batch, 2, 4, channels]);
}

/** Every op the GAN and controller use, each with inputs of batch > 1. */
const cases: Record<string, () => { f: (...xs: tf.Tensor[]) => tf.Tensor; inputs: tf.Tensor[] }> = {
  'conv 3x3 + bias': () => ({ f: (x, w, b) => ops.conv2d(x as T4, w as T4, b as tf.Tensor1D), inputs: [rnd([2, 5, 5, 3], 1), rnd([3, 3, 3, 4], 2), rnd([4], 3)] }),
  'conv 3x3 + bias, ReLU': () => ({ f: (x, w, b) => ops.conv2d(x as T4, w as T4, b as tf.Tensor1D, 'relu'), inputs: [rnd([2, 5, 4, 3], 37), smallWeights([3, 3, 3, 4], 38), halfOn(4)] }),
  'conv 5x5, one output channel': () => ({ f: (x, w) => ops.conv2d(x as T4, w as T4), inputs: [rnd([3, 6, 5, 2], 40), rnd([5, 5, 2, 1], 41)] }),
  'conv 1x1 + bias': () => ({ f: (x, w, b) => ops.conv1x1(x as T4, w as T4, b as tf.Tensor1D), inputs: [rnd([2, 4, 4, 3], 4), rnd([1, 1, 3, 5], 5), rnd([5], 6)] }),
  'linear + bias, ReLU': () => ({ f: (x, w, b) => ops.linear(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'relu'), inputs: [rnd([4, 3], 42), smallWeights([3, 5], 43), halfOn(5)] }),
  'transposed conv k2 s2': () => ({ f: (x, w, b) => ops.deconv2x2(x as T4, w as T4, b as tf.Tensor1D), inputs: [rnd([2, 3, 3, 3], 7), rnd([2, 2, 4, 3], 8), rnd([4], 9)] }),
  'nearest x2': () => ({ f: (x) => ops.upsampleNearest(x as T4, 2), inputs: [rnd([2, 3, 3, 2], 10)] }),
  'nearest x4': () => ({ f: (x) => ops.upsampleNearest(x as T4, 4), inputs: [rnd([3, 2, 2, 2], 11)] }),
  'bilinear x2': () => ({ f: (x) => ops.upsampleBilinear(x as T4, 2), inputs: [rnd([2, 3, 3, 2], 12)] }),
  'bilinear x4': () => ({ f: (x) => ops.upsampleBilinear(x as T4, 4), inputs: [rnd([2, 2, 3, 2], 13)] }),
  'bilinear x3': () => ({ f: (x) => ops.upsampleBilinear(x as T4, 3), inputs: [rnd([2, 3, 2, 2], 45)] }),
  'average pool 2': () => ({ f: (x) => ops.avgPool2(x as T4), inputs: [rnd([2, 4, 4, 3], 14)] }),
  'average pool 2, not square': () => ({ f: (x) => ops.avgPool2(x as T4), inputs: [rnd([2, 6, 4, 2], 46)] }),
  'batch norm (training)': () => ({
    f: (x, g, b) => ops.batchNormTrain(x as T4, g as tf.Tensor1D, b as tf.Tensor1D).y,
    inputs: [rnd([3, 3, 3, 2], 15), rnd([2], 16), rnd([2], 17)],
  }),
  'batch norm (inference)': () => {
    const mean = rnd([2], 18);
    const variance = tf.abs(rnd([2], 19)).add(0.5);
    return { f: (x, g, b) => ops.batchNormInfer(x as T4, g as tf.Tensor1D, b as tf.Tensor1D, mean as tf.Tensor1D, variance as tf.Tensor1D), inputs: [rnd([2, 3, 3, 2], 20), rnd([2], 21), rnd([2], 22)] };
  },
  // Scale near 0.1, shift ±2: every output keeps well away from the ReLU's kink, half the channels cut.
  'batch norm (training) + ReLU': () => ({
    f: (x, g, b) => ops.batchNormTrain(x as T4, g as tf.Tensor1D, b as tf.Tensor1D, 'relu').y,
    inputs: [rnd([3, 3, 3, 4], 47), smallWeights([4], 48), halfOn(4)],
  }),
  'instance norm': () => ({ f: (x) => ops.instanceNorm(x as T4), inputs: [rnd([2, 3, 3, 2], 23)] }),
  'instance norm + ReLU': () => ({ f: (x) => ops.instanceNorm(x as T4, 'relu'), inputs: [awayFromTheirMean(2, 3)] }),
  matMul: () => ({ f: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), inputs: [rnd([3, 4], 24), rnd([4, 5], 25)] }),
  relu: () => ({ f: (x) => tf.relu(x), inputs: [awayFromZero([2, 3, 3, 2], 26)] }),
  tanh: () => ({ f: (x) => tf.tanh(x), inputs: [rnd([2, 5], 27)] }),
  sigmoid: () => ({ f: (x) => tf.sigmoid(x), inputs: [rnd([2, 5], 28)] }),
  'LSTM cell': () => ({
    f: (x, h, c, wx, wh, b) => {
      const s = lstmCell(x as tf.Tensor2D, { h: h as tf.Tensor2D, c: c as tf.Tensor2D }, { wx: wx as tf.Tensor2D, wh: wh as tf.Tensor2D, bias: b as tf.Tensor1D });
      return tf.concat([s.h, s.c], 1);
    },
    inputs: [rnd([2, 3], 29), rnd([2, 4], 30), rnd([2, 4], 31), rnd([3, 16], 32).mul(0.5), rnd([4, 16], 33).mul(0.5), rnd([16], 34)],
  }),
  'log-softmax': () => ({ f: (x) => tf.logSoftmax(x), inputs: [rnd([3, 6], 35)] }),
  // u and v held fixed, as D's forward holds them; one kernel each way where the backend keeps arrays.
  'spectral normalisation (W / σ)': () => {
    const [u, v] = [rnd([4], 50), rnd([18], 51)];
    return { f: (w) => spectralNormalize(w, u, v), inputs: [rnd([3, 3, 2, 4], 52)] };
  },
};

/** Every backend, and the native addon on each of its paths. */
type Run = { backend: (typeof BACKENDS_UNDER_TEST)[number]; path?: BlasPath };
const runs = BACKENDS_UNDER_TEST.flatMap((backend): Run[] => (backend === 'blas' ? BLAS_PATHS.map((path) => ({ backend, path })) : [{ backend }]));

for (const { backend, path } of runs) {
  const s = suite(`gradients on ${backend}${path ? ` (${path})` : ''}`);
  s.before(async () => {
    await useBackend(backend);
    if (path) useBlasPath(path);
  });
  if (path) s.after(() => useBlasPath(undefined));
  for (const [name, make] of Object.entries(cases)) {
    s(`${name} matches finite differences`, () => {
      const { f, inputs } = make();
      const before = tf.memory().numTensors;
      const { worst, where } = gradCheck(f, inputs);
      assert.ok(worst < GRAD_TOL, `${name} on ${backend}: relative error ${worst.toExponential(2)} at ${where}`);
      assert.is(tf.memory().numTensors, before, 'the check leaks no tensors');
      inputs.forEach((t) => t.dispose());
    });
  }
  s.run();
}
