import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { registerBlasBackend } from '../src/backend/blas/backend.js';
import { BINARY_OPS } from '../src/backend/blas/elementwise.js';
import { GRAD_TOL, awayFromZero, gradCheck } from './support/gradcheck.js';
import { useBackend } from './support/backends.js';
import { skipping } from './support/skipped.js';

/**
 * The blas backend's own pooling, reduction and elementwise kernels (blas-backend.test.ts compares their
 * values with the stock cpu kernels) in the backward passes that run on them, against finite differences:
 * the gradients of Add or Mean are computed with Sum, Multiply and RealDiv, which this backend replaces.
 */
const addon = registerBlasBackend();
const s = suite('blas backend: gradients against finite differences');
const check = addon.ok ? s : skipping(s, `the blas addon is unavailable, so its kernels' gradients are not checked: ${addon.why}`);
s.before(async () => {
  if (addon.ok) await useBackend('blas');
});

const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
/** Values on a grid of step 0.1 plus `offset`: two such tensors with offsets 0 and 0.05 never come within 0.05 of each other. */
const onGrid = (shape: number[], seed: number, offset: number) => tf.tidy(() => tf.add(tf.div(tf.round(tf.mul(rnd(shape, seed), 10)), 10), offset));
/** Distinct values 0.05 apart in a shuffled order: a max-pool window's maximum stays where it is under the probes' ±1e-2. */
const distinct = (shape: number[], seed: number) => tf.tidy(() => {
  const n = shape.reduce((a, b) => a * b, 1);
  const order = tf.topk(rnd([n], seed), n).indices;
  return tf.reshape(tf.mul(tf.cast(order, 'float32'), 0.05), shape);
});

function expectGradients(what: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  const { worst, where } = gradCheck(f, inputs);
  assert.ok(worst < GRAD_TOL, `${what}: relative error ${worst.toExponential(2)} at ${where}`);
  assert.is(tf.memory().numTensors, before, `${what}: the check leaks no tensors`);
  tf.dispose(inputs);
}

check('MaxPool and AvgPool gradients match finite differences over windows, strides and paddings', () => {
  const cases: [number[], [number, number], [number, number], 'same' | 'valid'][] = [
    [[2, 7, 6, 5], [3, 3], [1, 1], 'same'],
    [[2, 7, 6, 5], [3, 3], [2, 2], 'valid'],
    [[1, 9, 9, 3], [3, 2], [2, 1], 'same'],
    [[3, 8, 8, 4], [8, 8], [1, 1], 'valid'],
  ];
  cases.forEach(([shape, window, strides, pad], i) => {
    const at = `${shape} window ${window} strides ${strides} ${pad}`;
    expectGradients(`max pool ${at}`, (x) => tf.maxPool(x as tf.Tensor4D, window, strides, pad), [distinct(shape, 40 + i)]);
    // tfjs's AvgPoolGrad, which every CPU backend shares, divides by the whole window even where 'same' padding
    // cut it short (the forward pass divides by what is left), so its 'same' gradients are wrong everywhere.
    // The networks pool 2x2 'valid' only.
    if (pad === 'valid') expectGradients(`average pool ${at}`, (x) => tf.avgPool(x as tf.Tensor4D, window, strides, pad), [rnd(shape, 50 + i)]);
  });
});

check('Sum and Mean gradients match finite differences over any axes, with and without keepDims', () => {
  for (const axis of [[0, 1, 2], [1, 2], [3], [0, 3], [0, 1, 2, 3], [], [-1]]) {
    for (const keepDims of [false, true]) {
      expectGradients(`sum over [${axis}] keepDims ${keepDims}`, (x) => tf.sum(x, axis, keepDims), [rnd([2, 3, 4, 5], 60)]);
      expectGradients(`mean over [${axis}] keepDims ${keepDims}`, (x) => tf.mean(x, axis, keepDims), [rnd([2, 3, 4, 5], 61)]);
    }
  }
});

// Broadcasting either way round: the gradient of the broadcast side is a Sum over the broadcast axes.
const broadcastPairs: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4]],
  [[2, 1, 4], [3, 1]],
  [[], [2, 3]],
  [[2, 3, 4, 5], [1, 3, 1, 5]],
  [[3, 1], [1, 7]],
];
// tfjs's gradients of these three do not sum over broadcast axes, on any backend (they fail on the shape).
const sameShapesOnly: readonly string[] = ['Maximum', 'Minimum', 'SquaredDifference'];
for (const op of BINARY_OPS) {
  const pairs = sameShapesOnly.includes(op) ? broadcastPairs.slice(0, 1) : broadcastPairs;
  check(`${op}'s gradients match finite differences for both inputs${pairs.length > 1 ? ' over broadcast shapes' : ''}`, () => {
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.engine().runKernel(op, { a, b }) as tf.Tensor;
    for (const [sa, sb] of pairs) {
      for (const [x, y] of [[sa, sb], [sb, sa]] as const) {
        // RealDiv's divisor in [1, 2], where a/b curves little over the probes' ±1e-2; Maximum's and Minimum's
        // inputs never tie within those ±1e-2.
        const b = op === 'RealDiv' ? tf.randomUniform(y, 1, 2, 'float32', 71) : onGrid(y, 71, 0.05);
        expectGradients(`${op} of ${x} and ${y}`, f, [onGrid(x, 70, 0), b]);
      }
    }
  });
}

check('Relu\'s and Transpose\'s gradients match finite differences', () => {
  expectGradients('relu', (x) => tf.relu(x), [awayFromZero([2, 3, 4, 5], 80)]);
  for (const perm of [[0, 3, 1, 2], [3, 2, 1, 0], [1, 0, 2, 3]]) {
    expectGradients(`transpose by ${perm}`, (x) => tf.transpose(x, perm), [rnd([2, 3, 4, 5], 81)]);
  }
});

s.run();
