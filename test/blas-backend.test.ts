import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../src/backend/select.js';
import { BLAS_TF_NAME, registerBlasBackend } from '../src/backend/blas/backend.js';
import { DISABLE_ENV } from '../src/backend/blas/addon.js';
import { BINARY_OPS } from '../src/backend/blas/elementwise.js';
import { RESAMPLE, RESAMPLE_GRAD } from '../src/backend/blas/resample.js';
import { BATCH_NORM, BATCH_NORM_GRAD, INSTANCE_NORM, INSTANCE_NORM_GRAD } from '../src/backend/blas/norm.js';
import { ACTIVATION_GRAD } from '../src/backend/blas/activation-grad.js';
import { CONV_FILTER_BIAS_GRAD } from '../src/backend/blas/kernels.js';
import * as ops from '../src/backend/ops.js';
import { InputError } from '../src/errors.js';
import { BLAS_PATHS, onBlasPath } from './support/backends.js';
import { convAndGrads } from './support/blas-conv.js';
import { skipping } from './support/skipped.js';

const addon = registerBlasBackend();

const rnd = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Runs `f` on the stock cpu backend and on cpu-blas; returns the worst difference relative to the values' scale. */
async function disagreement(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const out = tf.tidy(() => [f()].flat().map((t) => t.dataSync().slice()));
    return out;
  };
  const ref = await run('cpu');
  const got = await run(BLAS_TF_NAME);
  let worst = 0;
  ref.forEach((r, i) => {
    const g = got[i]!;
    assert.is(g.length, r.length, `output ${i} length`);
    let scale = 1;
    for (let j = 0; j < r.length; j++) if (Number.isFinite(r[j])) scale = Math.max(scale, Math.abs(r[j]!));
    for (let j = 0; j < r.length; j++) {
      if (r[j] !== g[j] && !(Number.isNaN(r[j]) && Number.isNaN(g[j]))) worst = Math.max(worst, Math.abs(r[j]! - g[j]!) / scale);
    }
  });
  return worst;
}

const TOL = 1e-5;

// ---- convolution: forward and both gradients, over strides, paddings, dilations, odd shapes ----
interface ConvCase {
  x: number[];
  w: number[];
  strides: [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilations?: [number, number];
}
const convCases: Record<string, ConvCase> = {
  '3x3 stride 1 same, batch 2, odd sizes': { x: [2, 5, 7, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  '3x3 stride 2 same': { x: [3, 8, 6, 5], w: [3, 3, 5, 2], strides: [2, 2], pad: 'same' },
  '5x3 stride (2, 1) valid': { x: [2, 9, 7, 3], w: [5, 3, 3, 6], strides: [2, 1], pad: 'valid' },
  '3x3 explicit asymmetric padding': { x: [2, 6, 5, 2], w: [3, 3, 2, 3], strides: [1, 1], pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  '1x1 pointwise': { x: [3, 4, 5, 7], w: [1, 1, 7, 5], strides: [1, 1], pad: 'same' },
  '1x1 stride 2': { x: [2, 5, 5, 3], w: [1, 1, 3, 4], strides: [2, 2], pad: 'valid' },
  '3x3 dilation 2 (forward only)': { x: [2, 9, 9, 3], w: [3, 3, 3, 2], strides: [1, 1], pad: 'same', dilations: [2, 2] },
};

const s = suite('blas backend');

const check = addon.ok ? s : skipping(s, `the blas addon is unavailable, so its kernels are not compared: ${addon.why}`);

if (addon.ok && !BLAS_PATHS.includes('oneDNN')) console.log(`blas-backend: the addon has no oneDNN; its convolutions are checked on ${BLAS_PATHS.join(' and ')}`);

for (const path of BLAS_PATHS) for (const [name, c] of Object.entries(convCases)) {
  check(`conv on ${path}, ${name}: forward${c.dilations ? '' : ' and both gradients'} agree with the stock cpu kernels`, async () => {
    const worst = await onBlasPath(path, () => disagreement(() => {
      const x = rnd(c.x, 1) as tf.Tensor4D;
      const w = rnd(c.w, 2) as tf.Tensor4D;
      const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1);
      const y = conv(x, w);
      if (c.dilations) return y;
      const r = rnd(y.shape, 3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w]);
      return [y, dx!, dw!];
    }));
    assert.ok(worst < TOL, `relative difference ${worst}`);
  });
}

// M·K = 16·32·32 × 9·128 is more than the addon's 16M-float patch chunk, so the whole batch is computed in
// two chunks; each half alone fits one. (The stock kernels are too slow at this size to compare with.)
for (const path of BLAS_PATHS) check(`a conv whose patches span several chunks equals its halves computed in one chunk each (convs on ${path})`, async () => {
  await startBackend('blas');
  const worst = await onBlasPath(path, () => tf.tidy(() => {
    const x = rnd([16, 32, 32, 128], 13) as tf.Tensor4D;
    const w = rnd([3, 3, 128, 3], 14) as tf.Tensor4D;
    const r = rnd([16, 32, 32, 3], 15);
    const parts = (xp: tf.Tensor, rp: tf.Tensor) => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), rp));
      const [dx, dw] = tf.grads(f)([xp, w]);
      return { y: tf.conv2d(xp as tf.Tensor4D, w, 1, 'same'), dx: dx!, dw: dw! };
    };
    const whole = parts(x, r);
    const [x1, x2] = tf.split(x, 2);
    const [r1, r2] = tf.split(r, 2);
    const a = parts(x1!, r1!);
    const b = parts(x2!, r2!);
    const diff = (p: tf.Tensor, q: tf.Tensor) => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0]! / Math.max(1, tf.max(tf.abs(q)).dataSync()[0]!);
    return Math.max(diff(whole.y, tf.concat([a.y, b.y])), diff(whole.dx, tf.concat([a.dx, b.dx])), diff(whole.dw, tf.add(a.dw, b.dw)));
  }));
  assert.ok(worst < TOL, `relative difference ${worst}`);
});

check('conv2dTranspose (Conv2DBackpropInput as an op) agrees with the stock cpu kernel', async () => {
  const worst = await disagreement(() => tf.conv2dTranspose(rnd([2, 4, 3, 5], 4) as tf.Tensor4D, rnd([3, 3, 2, 5], 5) as tf.Tensor4D, [2, 8, 6, 2], 2, 'same'));
  assert.ok(worst < TOL, `relative difference ${worst}`);
});

// ---- batched matMul: transposes, batch > 1, broadcasting, odd shapes ----
const matCases: Record<string, { a: number[]; b: number[]; tA: boolean; tB: boolean }> = {
  plain: { a: [3, 4], b: [4, 5], tA: false, tB: false },
  'transpose A': { a: [4, 3], b: [4, 5], tA: true, tB: false },
  'transpose B': { a: [3, 4], b: [5, 4], tA: false, tB: true },
  'transpose both': { a: [4, 3], b: [5, 4], tA: true, tB: true },
  'batch 3, rank 3, transposes': { a: [3, 7, 2], b: [3, 5, 7], tA: true, tB: true },
  'rank 4 batch [2, 3]': { a: [2, 3, 4, 5], b: [2, 3, 5, 6], tA: false, tB: false },
  'broadcast A batch 1': { a: [1, 4, 5], b: [3, 5, 2], tA: false, tB: false },
  'broadcast B batch 1, transpose B': { a: [3, 4, 5], b: [1, 2, 5], tA: false, tB: true },
  'vector-like': { a: [1, 9], b: [9, 1], tA: false, tB: false },
  // The addon's own loops sum blocks of 4 rows × 16 columns: full blocks and both edges.
  'blocks and edges': { a: [9, 37], b: [37, 35], tA: false, tB: false },
  'blocks and edges, transposes': { a: [2, 37, 9], b: [2, 35, 37], tA: true, tB: true },
  // Aᵀ's edge columns are summed 16 rows at a time: a block of 16 and the rows past it.
  'blocks and edges, transpose A': { a: [37, 21], b: [37, 35], tA: true, tB: false },
};
/** oneDNN computes no matrix product: the products' paths are OpenBLAS's and the addon's own. */
for (const path of BLAS_PATHS.filter((p) => p !== 'oneDNN')) for (const [name, c] of Object.entries(matCases)) {
  // tfjs's matMul gradient does not sum over broadcast batches (on every backend): forward only there.
  const grads = c.a.slice(0, -2).join() === c.b.slice(0, -2).join();
  check(`batchMatMul on ${path}, ${name}${grads ? ' and its gradients' : ''} agree with the stock cpu kernel`, async () => {
    const worst = await onBlasPath(path, () => disagreement(() => {
      const a = rnd(c.a, 6);
      const b = rnd(c.b, 7);
      const mm = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.tA, c.tB);
      const y = mm(a, b);
      if (!grads) return y;
      const [da, db] = tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(mm(x, z), rnd(y.shape, 8))))([a, b]);
      return [y, da!, db!];
    }));
    assert.ok(worst < TOL, `relative difference ${worst}`);
  });
}

for (const path of BLAS_PATHS) check(`fused conv2d (convs on ${path}) and matMul (bias, ReLU) agree with the stock cpu kernels, other activations included`, async () => {
  for (const activation of ['linear', 'relu', 'elu', 'prelu'] as const) {
    for (const withBias of [true, false]) {
      const worst = await onBlasPath(path, () => disagreement(() => {
        const bias = (n: number) => (withBias ? rnd([n], 23) : undefined);
        const prelu = (shape: number[]) => (activation === 'prelu' ? tf.fill(shape, 0.2) : undefined);
        return [
          tf.fused.conv2d({ x: rnd([2, 6, 5, 3], 24) as tf.Tensor4D, filter: rnd([3, 3, 3, 4], 25) as tf.Tensor4D, strides: 1, pad: 'same', bias: bias(4), activation, preluActivationWeights: prelu([4]) }),
          tf.fused.matMul({ a: rnd([2, 3, 5], 26), b: rnd([2, 4, 5], 27), transposeB: true, bias: bias(4), activation, preluActivationWeights: prelu([4]) }),
          tf.fused.matMul({ a: rnd([3, 5], 28), b: rnd([5, 6], 29), bias: withBias ? rnd([], 30) : undefined, activation, preluActivationWeights: prelu([6]) }),
          tf.fused.conv2d({ x: rnd([2, 6, 5, 3], 31) as tf.Tensor4D, filter: rnd([3, 3, 3, 4], 32) as tf.Tensor4D, strides: 1, pad: 'same', bias: withBias ? rnd([], 33) : undefined, activation, preluActivationWeights: prelu([4]) }),
        ];
      }));
      assert.ok(worst < TOL, `${activation}, bias ${withBias}: relative difference ${worst}`);
    }
  }
});

check('MaxPool and AvgPool agree with the stock cpu kernels over windows, strides and paddings', async () => {
  const cases: [number[], [number, number], [number, number], 'same' | 'valid'][] = [
    [[2, 7, 6, 5], [3, 3], [1, 1], 'same'],
    [[2, 7, 6, 5], [3, 3], [2, 2], 'valid'],
    [[1, 9, 9, 3], [3, 2], [2, 1], 'same'],
    [[3, 8, 8, 4], [8, 8], [1, 1], 'valid'],
  ];
  for (const [shape, window, strides, pad] of cases) {
    const worst = await disagreement(() => {
      const x = rnd(shape, 31) as tf.Tensor4D;
      return [tf.maxPool(x, window, strides, pad), tf.avgPool(x, window, strides, pad)];
    });
    assert.ok(worst < TOL, `${shape} window ${window} strides ${strides} ${pad}: relative difference ${worst}`);
  }
});

check('int32 matMul takes the stock path and agrees', async () => {
  const worst = await disagreement(() => tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), tf.tensor2d([1, 0, 2, 1, 0, 3], [3, 2], 'int32')));
  assert.is(worst, 0);
});

// ---- strided elementwise kernels: broadcasting, reductions, transposes ----
const broadcastPairs: [number[], number[]][] = [
  [[2, 3, 4], [2, 3, 4]],
  [[2, 3, 4], [4]],
  [[2, 1, 4], [3, 1]],
  [[], [2, 3]],
  [[5, 1, 2], [1]],
  [[2, 3, 4, 5], [1, 3, 1, 5]],
  [[3, 1], [1, 7]],
];
for (const op of BINARY_OPS) {
  check(`${op} agrees with the stock cpu kernel over broadcast shapes`, async () => {
    for (const [sa, sb] of broadcastPairs) {
      const worst = await disagreement(() => [
        tf.engine().runKernel(op, { a: rnd(sa, 16), b: tf.randomUniform(sb, 0.5, 2, 'float32', 17) }) as tf.Tensor,
        tf.engine().runKernel(op, { a: tf.randomUniform(sb, 0.5, 2, 'float32', 18), b: rnd(sa, 19) }) as tf.Tensor,
      ]);
      assert.ok(worst < TOL, `${sa} with ${sb}: relative difference ${worst}`);
    }
  });
}

check('int32 Add takes the stock path and agrees', async () => {
  assert.is(await disagreement(() => tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([5, -7], 'int32'))), 0);
});

check('Sum and Mean agree with the stock cpu kernels over any axes, with and without keepDims', async () => {
  for (const axis of [[0, 1, 2], [1, 2], [3], [0, 3], [0, 1, 2, 3], [], [-1]]) {
    for (const keepDims of [false, true]) {
      const worst = await disagreement(() => {
        const x = rnd([2, 3, 4, 5], 20);
        return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
      });
      assert.ok(worst < TOL, `axis ${axis} keepDims ${keepDims}: relative difference ${worst}`);
    }
  }
});

check('Transpose agrees with the stock cpu kernel for float32, int32 and bool', async () => {
  const cases: [number[], number[]][] = [[[2, 3, 4, 5], [0, 3, 1, 2]], [[3, 1, 4], [2, 1, 0]], [[4, 6], [1, 0]], [[2, 3, 4], [0, 1, 2]]];
  for (const [shape, perm] of cases) {
    const worst = await disagreement(() => {
      const x = rnd(shape, 21);
      return [tf.transpose(x, perm), tf.transpose(x.toInt(), perm), tf.transpose(tf.greater(x, 0), perm)];
    });
    assert.is(worst, 0, `${shape} by ${perm}`);
  }
});

check('Relu and Step (its gradient) agree with the stock cpu kernels, NaN and zero included', async () => {
  const worst = await disagreement(() => {
    const x = tf.concat([rnd([50], 22), tf.tensor1d([0, -0, NaN, Infinity, -Infinity])]);
    return [tf.relu(x), tf.step(x, 0.3), tf.step(x)];
  });
  assert.is(worst, 0);
});

check('Tanh and the gradients through ReLU and tanh (one kernel on blas) agree with the stock cpu kernels', async () => {
  // Long enough for the native loops to split over threads.
  const worst = await disagreement(() => {
    const x = tf.concat([rnd([600_000], 23).mul(3), tf.tensor1d([0, -0, 20, -20, Infinity, -Infinity])]);
    const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 24);
    const [dRelu, dTanh] = [tf.relu, tf.tanh].map((f) => tf.grad((t: tf.Tensor) => f(t).mul(dy).sum())(x));
    // A conv with its ReLU fused: the input's, filter's and bias's gradients.
    const [xc, w, bias] = [rnd([16, 32, 32, 8], 25), rnd([3, 3, 8, 4], 26), rnd([4], 27)];
    const dConv = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => ops.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, 'relu').mul(2).sum())([xc, w, bias]);
    return [tf.tanh(x), dRelu, dTanh, ...dConv];
  });
  assert.ok(worst < 1e-5, `worst ${worst}`); // the filter gradient sums 16K products in another order
});

for (const path of BLAS_PATHS) check(`a conv's filter and bias gradients from one pass (convs on ${path}) agree with the stock cpu kernels`, async () => {
  const worst = await onBlasPath(path, () => disagreement(() => {
    const [x, w, bias] = [rnd([8, 12, 12, 5], 41), rnd([3, 3, 5, 6], 42), rnd([6], 43)];
    const dy = rnd([8, 12, 12, 6], 44);
    const [w1, bias1] = [rnd([1, 1, 5, 3], 45), rnd([3], 46)];
    const dy1 = rnd([8, 12, 12, 3], 47);
    const conv = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => ops.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D).mul(dy).sum())([x, w, bias]);
    const pointwise = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => ops.conv1x1(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor1D, 'relu').mul(dy1).sum())([x, w1, bias1]);
    // The bias's gradient alone (no filter's asked for): summed from dy as before.
    const biasOnly = tf.grad((c: tf.Tensor) => ops.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c as tf.Tensor1D).mul(dy).sum())(bias);
    return [...conv, ...pointwise, biasOnly];
  }));
  assert.ok(worst < 1e-5, `worst ${worst}`);
});

check('Tanh is within 2 ulp of the correctly rounded tanh from 1e-30 to 30, both signs; NaN, ±0 and ±Infinity kept', async () => {
  // The native tanh is a polynomial (elementwise.c), not libm's tanhf: its error is checked in units in the last place.
  const xs: number[] = [];
  for (let e = -30; e < 1.5; e += 0.001) xs.push(10 ** e, -(10 ** e));
  const special = [0, -0, NaN, Infinity, -Infinity];
  const x = tf.tensor1d([...xs, ...special]);
  const y = await tf.tanh(x).data();
  x.dispose();
  let worst = 0;
  xs.forEach((v, i) => {
    const exact = Math.fround(Math.tanh(Math.fround(v)));
    const ulp = Math.max(Math.abs(exact) * 2 ** -23, 2 ** -149);
    worst = Math.max(worst, Math.abs(y[i]! - exact) / ulp);
  });
  assert.ok(worst <= 2, `worst ${worst} ulp`);
  const got = Array.from(y.slice(xs.length));
  assert.ok(Object.is(got[0], 0) && Object.is(got[1], -0) && Number.isNaN(got[2]) && got[3] === 1 && got[4] === -1, String(got));
});

check('only the kernels this backend computes itself are replaced; every other cpu kernel is shared', async () => {
  const replaced = tf.getKernelsForBackend('cpu').filter((k) => tf.getKernel(k.kernelName, BLAS_TF_NAME)?.kernelFunc !== k.kernelFunc);
  const own = ['AvgPool', 'BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPool', 'Mean', 'Relu', 'Step', 'Sum', 'Tanh', 'Transpose', ...BINARY_OPS];
  assert.equal(replaced.map((k) => k.kernelName).sort(), own.sort());
  // Every cpu kernel is there, and besides them only the kernels of ops.ts's own ops.
  const cpu = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
  // (ops.ts registers its conv's alias on first use.)
  const added = tf.getKernelsForBackend(BLAS_TF_NAME).map((k) => k.kernelName).filter((name) => !cpu.has(name) && name !== ops.CONV_NATIVE_GRADS);
  assert.equal(added.sort(), [RESAMPLE, RESAMPLE_GRAD, BATCH_NORM, BATCH_NORM_GRAD, INSTANCE_NORM, INSTANCE_NORM_GRAD, ACTIVATION_GRAD, CONV_FILTER_BIAS_GRAD].sort());
  const aliases = tf.getKernelsForBackend(BLAS_TF_NAME).filter((k) => k.kernelName === ops.CONV_NATIVE_GRADS).length;
  assert.is(tf.getKernelsForBackend(BLAS_TF_NAME).length, cpu.size + added.length + aliases);
});

check('the native kernels leak no tensors', async () => {
  await startBackend('blas');
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = rnd([2, 5, 5, 3], 9) as tf.Tensor4D;
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, rnd([3, 3, 3, 2], 10)]);
    tf.matMul(rnd([2, 3, 4], 11), rnd([2, 4, 5], 12));
  });
  assert.is(tf.memory().numTensors, before);
});

check('--backend blas starts cpu-blas; auto prefers it over wasm', async () => {
  const info = await startBackend('blas');
  assert.is(info.tfName, BLAS_TF_NAME);
  assert.is(tf.getBackend(), BLAS_TF_NAME);
  const auto = await startBackend('auto');
  assert.ok(['node-gpu', 'node', 'blas'].includes(auto.name), `auto chose ${auto.name}`);
});

check('the addon rejects arrays that do not match the geometry instead of overrunning them', () => {
  if (!addon.ok) return;
  const g = Int32Array.from([1, 4, 4, 2, 4, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1]);
  assert.throws(() => addon.addon.conv2d(new Float32Array(32), new Float32Array(54), new Float32Array(47), g), /geometry/);
  assert.throws(() => addon.addon.batchMatMul(new Float32Array(6), new Float32Array(6), new Float32Array(3), Int32Array.from([1, 1, 2, 2, 3, 0, 0])), /dimensions/);
});

// oneDNN's resampling kernels store non-temporally once their data outgrow its cache estimate (a batch of 100
// upsampled 16 -> 32 is past it on the Zen 4 where the default job crashed), and such stores fault on an address
// that is not 64-byte aligned. A view one float into its buffer is never 64-byte aligned. 2× upsampling and 2×2
// pooling run on the addon's own loops, 4× upsampling on oneDNN; pooling by 4 nowhere (the caller's own ops).
check('resampling writes large outputs into arrays that are not 64-byte aligned', () => {
  if (!addon.ok) return;
  const [b, c] = [100, 16];
  for (const [mode, inSide, outSide] of [[0, 8, 32], [1, 8, 32], [0, 16, 32], [1, 16, 32], [2, 32, 16], [2, 32, 8]] as const) {
    for (const backward of [false, true]) {
      const [fromSide, toSide] = backward ? [outSide, inSide] : [inSide, outSide];
      const input = Float32Array.from({ length: b * fromSide * fromSide * c }, (_, i) => Math.sin(i * 0.37));
      const dims = Int32Array.from([b, inSide, inSide, c, outSide, outSide]);
      const n = b * toSide * toSide * c;
      const whole = new Float32Array(n);
      const offByOne = new Float32Array(n + 1).subarray(1);
      const computed = addon.addon.resample(mode, backward, input, whole, dims);
      assert.is(addon.addon.resample(mode, backward, input, offByOne, dims), computed, `mode ${mode} backward ${backward}`);
      assert.is(computed, mode === 2 ? inSide === 2 * outSide : outSide === 2 * inSide || addon.addon.dnnl() !== null, `mode ${mode} backward ${backward}`);
      if (!computed) continue; // the backend's own ops compute it
      assert.ok(offByOne.every((v, i) => v === whole[i]), `mode ${mode} backward ${backward}: the outputs differ`);
    }
  }
});

check('worker threads, several at once, each run the native kernels and get the main thread\'s values', async () => {
  await startBackend('blas');
  const seeds = [1, 2, 3];
  const expected = seeds.map(convAndGrads);
  const got = await Promise.all(
    seeds.map(
      (seed) =>
        new Promise<Float32Array[]>((resolve, reject) => {
          const w = new Worker(new URL('./support/blas-worker.js', import.meta.url), { workerData: seed });
          w.once('message', (m: Float32Array[]) => void w.terminate().then(() => resolve(m)));
          w.once('error', reject);
        }),
    ),
  );
  got.forEach((arrays, i) =>
    arrays.forEach((a, k) => {
      const e = expected[i]![k]!;
      assert.is(a.length, e.length);
      const worst = a.reduce((m, v, j) => Math.max(m, Math.abs(v - e[j]!) / Math.max(1, Math.abs(e[j]!))), 0);
      assert.ok(worst < TOL, `seed ${seeds[i]}, output ${k}: relative difference ${worst}`);
    }),
  );
});

/** What `--backend blas` says in a process where the addon is unavailable (forced with the env switch). */
function blasErrorWithoutAddon(): string {
  const select = fileURLToPath(new URL('../src/backend/select.js', import.meta.url));
  const script = `import { startBackend } from ${JSON.stringify(select)};
    try { await startBackend('blas'); console.log('STARTED'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [DISABLE_ENV]: '1' }, encoding: 'utf8' });
}

s('without the addon, --backend blas is an InputError that says why', async () => {
  if (!addon.ok) {
    const e = await startBackend('blas').then(() => undefined, (err: unknown) => err);
    assert.instance(e, InputError);
    assert.match((e as Error).message, /^--backend blas: cannot start: (disabled by AUTOGAN_NO_BLAS=1|.*npm run build:native)/);
  }
  assert.match(blasErrorWithoutAddon(), /^InputError: --backend blas: cannot start: disabled by AUTOGAN_NO_BLAS=1/);
});

s('without the addon, auto starts wasm and says on a line of its own how to get blas', () => {
  const select = fileURLToPath(new URL('../src/backend/select.js', import.meta.url));
  const script = `import { startBackend } from ${JSON.stringify(select)}; await startBackend('auto', { log: (line) => console.log(line) });`;
  const lines = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, [DISABLE_ENV]: '1' }, encoding: 'utf8' }).split('\n');
  if (lines[0]!.startsWith('backend: node')) return; // tfjs-node is installed here: auto never reaches wasm
  assert.match(lines[0]!, /^backend: wasm \(tfjs "wasm"\): .*skipped: .*blas \(see the next line\)$/);
  assert.is(lines[1], 'backend: blas, the faster CPU backend (native kernels, on oneDNN and OpenBLAS where installed), is off: disabled by AUTOGAN_NO_BLAS=1 (unset it to use the addon)');
});

s.run();
