/**
 * The tensor operations the GAN and the controller are built from, written so that their gradients are
 * correct on every backend we run (see ../../docs/backends.md). Three known defects of tfjs 4.22 are
 * worked around here rather than patched in node_modules:
 *  - wasm has no `Conv2DBackpropFilter` kernel: `conv2d` then computes both conv gradients as forward convs;
 *  - cpu's `ResizeNearestNeighborGrad` indexes dy with the image's batch stride, wrong for batch > 1:
 *    `upsampleNearest` is two matMuls with a 0/1 interpolation matrix;
 *  - `ResizeBilinearGrad` ignores half-pixel centres on every backend: `upsampleBilinear` is two matMuls.
 * On wasm, whose fast kernels are few (see `onWasm`), resizes, pools and matMuls take other routes, each with
 * an exact gradient built from its fast kernels.
 * All images are NHWC: [B, H, W, C]. Conv filters are HWIO: [kh, kw, Cin, Cout].
 */
import * as tf from '@tensorflow/tfjs';
import { onDnnl } from './blas/addon.js';
import { BLAS_TF_NAME } from './blas/backend.js';
import { RESAMPLE, RESAMPLE_GRAD, RESAMPLE_MODES, type ResampleAttrs } from './blas/resample.js';
import { BATCH_NORM, BATCH_NORM_GRAD, INSTANCE_NORM, INSTANCE_NORM_GRAD, type NormAttrs } from './blas/norm.js';
import { ACTIVATION_GRAD, ACTIVATION_GRAD_KINDS, type ActivationGradAttrs } from './blas/activation-grad.js';
import { CONV_FILTER_BIAS_GRAD } from './blas/kernels.js';

type T4 = tf.Tensor4D;

/** Whether the blas backend computes: then instance norm is one kernel each way (blas/norm.ts). */
function onBlas(): boolean {
  return tf.getBackend() === BLAS_TF_NAME;
}

/**
 * Whether the blas backend computes on oneDNN now: then batch norm is one kernel each way (blas/norm.ts), so is
 * upsampling by any factor, and 1×1 convs are convolutions, which its primitives run faster than OpenBLAS's thin
 * sgemms.
 */
function onBlasWithDnnl(): boolean {
  return onBlas() && onDnnl();
}

/**
 * Whether the blas backend upsamples in one kernel each way (blas/resample.ts): 2× (`twice`) on the addon's own loops
 * in every build, other factors on oneDNN.
 */
function onBlasUpsampling(twice: boolean): boolean {
  return onBlas() && (twice || onDnnl());
}

tf.registerGradient({
  kernelName: RESAMPLE,
  gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(RESAMPLE_GRAD, { dy: dy as tf.Tensor }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor }),
});

function resampleNatively(x: T4, mode: keyof typeof RESAMPLE_MODES, outH: number, outW: number): T4 {
  const attrs: ResampleAttrs = { mode: RESAMPLE_MODES[mode], inH: x.shape[1], inW: x.shape[2], outH, outW };
  return tf.engine().runKernel(RESAMPLE, { x }, attrs as unknown as tf.NamedAttrMap) as T4;
}

function backendHasKernel(kernel: string): boolean {
  return tf.getKernel(kernel, tf.getBackend()) !== undefined;
}

/**
 * wasm's BatchMatMul runs XNNPACK only for one unbatched product without transposes; a batch or a transpose
 * takes a plain loop, 10–20× slower on our shapes. So on wasm every matMul here is 2-D and untransposed, in
 * value and in gradient, and resizes and pools run wasm's own kernels with gradients built from its fast ones.
 */
function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * dL/dx of a stride-1 'same' conv with an odd kernel: the forward conv of dy with the filter rotated 180° and
 * its in/out channel axes swapped. wasm's Conv2DBackpropInput (what tf.conv2dTranspose runs) is a plain loop,
 * ~20× slower than its XNNPACK Conv2D on the same shapes.
 */
function inputGradViaConv(dy: T4, w: T4): T4 {
  return tf.conv2d(dy, tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as T4, 1, 'same');
}

/**
 * dL/dW of a stride-1 'same' conv with an odd kernel, as one forward conv: dW[i, j, ci, co] =
 * Σ_{b,y,x} xpad[b, y+i, x+j, ci]·dy[b, y, x, co] is the conv of x laid out [Cin, H, W, B] (Cin images of B
 * channels) with dy as an [H, W, B, Cout] filter, padded as the forward conv. XNNPACK runs it as one
 * untransposed GEMM without building a patch matrix; the two transposes it needs are cheap beside that.
 */
function filterGradViaConv(x: T4, dy: T4, k: number): T4 {
  const xt = tf.transpose(x, [3, 1, 2, 0]) as T4;
  const dyt = tf.transpose(dy, [1, 2, 0, 3]) as T4;
  // Explicit padding: tfjs sizes the output of a numeric pad with the filter's height on both axes.
  const p = (k - 1) / 2;
  const dw = tf.conv2d(xt, dyt, 1, [[0, 0], [p, p], [p, p], [0, 0]]); // [Cin, k, k, Cout]
  return tf.transpose(dw, [1, 2, 0, 3]) as T4;
}

/**
 * Runs the current backend's `kernel` under the name `alias`, so that the alias can have a gradient of our
 * own (tfjs looks gradients up by kernel name, for every backend at once). Unlike tf.customGrad, a registered
 * gradient computes an input's gradient only where one is needed: not D's weights in a G step.
 */
function runAliased(alias: string, kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap): tf.Tensor {
  const backend = tf.getBackend();
  if (!tf.getKernel(alias, backend)) tf.registerKernel({ ...tf.getKernel(kernel, backend)!, kernelName: alias });
  return tf.engine().runKernel(alias, inputs, attrs) as tf.Tensor;
}

/**
 * dL/d(pre-activation) from dL/dy and the activation's output y (for ReLU its input serves as well): one kernel on
 * blas, elsewhere the stock gradients' own ops.
 */
function activationGrad(dy: tf.Tensor, y: tf.Tensor, activation: keyof typeof ACTIVATION_GRAD_KINDS): tf.Tensor {
  if (onBlas()) {
    const attrs: ActivationGradAttrs = { kind: ACTIVATION_GRAD_KINDS[activation] };
    return tf.engine().runKernel(ACTIVATION_GRAD, { dy, y }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return activation === 'relu' ? tf.mul(dy, tf.cast(tf.step(y), 'float32')) : tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy);
}

// ReLU's and tanh's own gradients, through the kernel above on blas (the same ops as tfjs's elsewhere).
tf.registerGradient({ kernelName: 'Relu', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => activationGrad(dy as tf.Tensor, x!, 'relu') }) });
tf.registerGradient({ kernelName: 'Tanh', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => activationGrad(dy as tf.Tensor, y!, 'tanh') }) });

/** dL/d(pre-activation) of a fused kernel from dL/dy and its saved output y. */
function beforeActivation(dy: tf.Tensor, y: tf.Tensor, attrs: tf.NamedAttrMap): tf.Tensor {
  return attrs['activation'] === 'relu' ? activationGrad(dy, y, 'relu') : dy;
}

/**
 * Registers the gradient of an alias of FusedConv2D: the fused activation's first, then the input's, filter's and
 * (where `grads` does not give it) bias's from g = dL/d(pre-activation), the bias's as g summed over batch and pixels.
 */
type ConvGrads = { x: () => tf.Tensor; filter: () => tf.Tensor; bias?: () => tf.Tensor };
function registerConvGradient(kernelName: string, grads: (x: T4, w: T4, g: T4, attrs: tf.NamedAttrMap) => ConvGrads): void {
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, y] = saved as [T4, T4, T4];
      const g = beforeActivation(dy as T4, y, attrs) as T4;
      return { bias: () => tf.sum(g, [0, 1, 2]), ...grads(x, w, g, attrs) };
    },
  });
}

/** The backend's FusedConv2D, with both gradients computed by forward convs. */
const CONV_VIA_FORWARD = 'AutoganConv2DViaForwardConvs';
registerConvGradient(CONV_VIA_FORWARD, (x, w, g) => ({ x: () => inputGradViaConv(g, w), filter: () => filterGradViaConv(x, g, w.shape[0]) }));

/**
 * The backend's FusedConv2D with its gradients as the conv gradient kernels, after the fused ReLU's gradient as one
 * kernel (tf.fused.conv2d's own gradient takes two, step and multiply, with an array between them). With a bias
 * (attr `hasBias`), the filter's and the bias's gradients come from one pass over x and dy.
 */
export const CONV_NATIVE_GRADS = 'AutoganConv2DNativeGrads';
registerConvGradient(CONV_NATIVE_GRADS, (x, w, g, attrs) => {
  const conv = { strides: attrs['strides']!, pad: attrs['pad']!, dataFormat: 'NHWC', dilations: 1, filterShape: w.shape };
  const input = () => tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: w }, { ...conv, inputShape: x.shape }) as tf.Tensor;
  if (!attrs['hasBias']) return { x: input, filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, conv) as tf.Tensor };
  // tfjs asks for the inputs' gradients in order (x, filter, bias), each in a scope of its own: the filter's closure
  // keeps the bias's gradient as an array, which no scope disposes, for the bias's closure to hand over.
  let biasGrad: Float32Array | undefined;
  return {
    x: input,
    filter: () => {
      const [dw, db] = tf.engine().runKernel(CONV_FILTER_BIAS_GRAD, { x, dy: g }, conv) as tf.Tensor[];
      biasGrad = db!.dataSync() as Float32Array;
      return dw!;
    },
    bias: () => (biasGrad ? tf.tensor1d(biasGrad) : tf.sum(g, [0, 1, 2])),
  };
});

/** A stride-1 convolution with bias and activation on blas: one kernel, and its gradients above. */
function convOnBlas(x: T4, w: T4, pad: 'same' | 'valid', bias: tf.Tensor1D | undefined, activation: Activation): T4 {
  const inputs: tf.NamedTensorMap = bias ? { x, filter: w, bias } : { x, filter: w };
  return runAliased(CONV_NATIVE_GRADS, 'FusedConv2D', inputs, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1, activation, hasBias: bias !== undefined }) as T4;
}

/** What may follow a conv or matMul inside the same kernel. */
export type Activation = 'linear' | 'relu';

/**
 * Stride-1 'same' convolution with an odd square kernel, plus an optional bias and ReLU, which run inside the
 * conv kernel (tf.fused): on the blas backend that is one pass over the output instead of three, and one tape
 * entry instead of three. Without `Conv2DBackpropFilter` (wasm), the backend's fused conv under our gradient.
 */
export function conv2d(x: T4, w: T4, bias?: tf.Tensor1D, activation: Activation = 'linear'): T4 {
  if (onBlas()) return convOnBlas(x, w, 'same', bias, activation);
  if (backendHasKernel('Conv2DBackpropFilter')) return tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation }) as T4;
  const inputs: tf.NamedTensorMap = bias ? { x, filter: w, bias } : { x, filter: w };
  return runAliased(CONV_VIA_FORWARD, 'FusedConv2D', inputs, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation }) as T4;
}

/** 1×1 convolution: w is [1, 1, Cin, Cout]. A (fused) matMul, except where convolutions run on oneDNN. */
export function conv1x1(x: T4, w: T4, bias?: tf.Tensor1D, activation: Activation = 'linear'): T4 {
  if (onBlasWithDnnl()) return convOnBlas(x, w, 'valid', bias, activation);
  const [b, h, wd, cin] = x.shape;
  const cout = w.shape[3];
  return linear(x.reshape([b * h * wd, cin]), w.reshape([cin, cout]), bias, activation).reshape([b, h, wd, cout]);
}

/** x · w + bias, then the activation, as one fused matMul kernel (every backend has its gradient; wasm's is slow). */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, bias?: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor2D {
  if (onWasm()) return matMulUntransposedGrads(x, w, bias, activation);
  return tf.fused.matMul({ a: x, b: w, bias, activation }) as tf.Tensor2D;
}

/** The backend's fused matMul, with gradients that are untransposed matMuls. */
const MATMUL_UNTRANSPOSED = 'AutoganMatMulUntransposedGrads';
tf.registerGradient({
  kernelName: MATMUL_UNTRANSPOSED,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [a, b, y] = (saved as tf.Tensor3D[]).map((t) => t.reshape([t.shape[1], t.shape[2]]) as tf.Tensor2D);
    const g = beforeActivation((dy as tf.Tensor3D).reshape(y!.shape), y!, attrs) as tf.Tensor2D;
    return {
      a: () => tf.matMul(g, tf.transpose(b!)).reshape([1, ...a!.shape]),
      b: () => tf.matMul(tf.transpose(a!), g).reshape([1, ...b!.shape]),
      bias: () => tf.sum(g, 0),
    };
  },
});

/**
 * a · b + bias, then the activation, for wasm: its gradients are untransposed matMuls of a transposed operand
 * (dA = dy · (bᵀ), dB = (aᵀ) · dy), since transposing the [N, C] operand and running XNNPACK is 4–5× faster
 * there than its transposed matMul.
 */
function matMulUntransposedGrads(a: tf.Tensor2D, b: tf.Tensor2D, bias?: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor2D {
  const [n, k] = a.shape;
  const m = b.shape[1];
  // The kernel takes batched operands, [1, N, K] · [1, K, M].
  const operands = { a: a.reshape([1, n, k]), b: b.reshape([1, k, m]) };
  const inputs: tf.NamedTensorMap = bias ? { ...operands, bias } : operands;
  return runAliased(MATMUL_UNTRANSPOSED, '_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation }).reshape([n, m]);
}

/**
 * Transposed convolution, kernel 2, stride 2 (×2 upsampling). w is [2, 2, Cout, Cin] as in
 * `tf.conv2dTranspose`. Where convolutions run on oneDNN, that op itself: its kernel and both gradients are the
 * stride-2 convolution's primitives. Elsewhere: the kernels do not overlap, so out[b, 2i+a, 2j+c, o] =
 * Σ x[b, i, j, :]·w[a, c, o, :], one matMul and a reshuffle, whose gradients every backend has.
 */
export function deconv2x2(x: T4, w: T4, bias?: tf.Tensor1D): T4 {
  const [b, h, wd, cin] = x.shape;
  const cout = w.shape[2];
  if (onBlasWithDnnl()) {
    const y = tf.conv2dTranspose(x, w, [b, 2 * h, 2 * wd, cout], 2, 'valid');
    return bias ? tf.add(y, bias) : y;
  }
  const wm = tf.transpose(w, [3, 0, 1, 2]).reshape([cin, 4 * cout]) as tf.Tensor2D; // [Cin, (a, c, o)]
  const xm = x.reshape([b * h * wd, cin]) as tf.Tensor2D;
  const y = (onWasm() ? matMulUntransposedGrads(xm, wm) : tf.matMul(xm, wm))
    .reshape([b, h, wd, 2, 2, cout])
    .transpose([0, 1, 3, 2, 4, 5])
    .reshape([b, 2 * h, 2 * wd, cout]) as T4;
  return bias ? tf.add(y, bias) : y;
}

/** A linear map of x whose gradient is the given adjoint (the map's transpose) applied to dy. */
function withAdjoint(x: T4, map: (t: T4) => T4, adjoint: (dy: T4) => T4): T4 {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: map(args[0] as T4),
    gradFunc: (dy: tf.Tensor) => adjoint(dy as T4),
  }))(x) as T4;
}

/**
 * The [n·f, n] matrix of 1-D upsampling by f. Nearest: output i copies input ⌊i / f⌋. Linear, with
 * half-pixel centres (PyTorch's align_corners=False): output i samples input position (i + 0.5) / f − 0.5,
 * clamped to the edges.
 */
function upsampleMatrix(n: number, factor: number, mode: 'nearest' | 'linear'): tf.Tensor2D {
  const m = new Float32Array(n * factor * n);
  for (let i = 0; i < n * factor; i++) {
    if (mode === 'nearest') {
      m[i * n + Math.floor(i / factor)] = 1;
      continue;
    }
    const src = Math.min(Math.max((i + 0.5) / factor - 0.5, 0), n - 1);
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, n - 1);
    const frac = src - i0;
    m[i * n + i0]! += 1 - frac;
    m[i * n + i1]! += frac;
  }
  return tf.tensor2d(m, [n * factor, n]);
}

/**
 * Separable upsampling as two batched matMuls, one along H and one along W, with no transposes:
 * [B, H, W·C] → [B, fH, W·C], then [B·fH, W, C] → [B·fH, fW, C]. Its gradient is two matMuls too, exact on
 * every backend, and matMul is the fastest kernel on each of them (this replaced a broadcast formulation
 * that was the single most expensive op of a training step on the cpu-based backends).
 */
function separable(x: T4, mh: tf.Tensor2D, mw: tf.Tensor2D): T4 {
  const [b, h, w, c] = x.shape;
  const [h2, w2] = [mh.shape[0], mw.shape[0]];
  const alongH = tf.matMul(mh.reshape([1, h2, h]) as tf.Tensor3D, x.reshape([b, h, w * c]) as tf.Tensor3D); // [B, H', W·C]
  const alongW = tf.matMul(mw.reshape([1, w2, w]) as tf.Tensor3D, alongH.reshape([b * h2, w, c]) as tf.Tensor3D); // [B·H', W', C]
  return alongW.reshape([b, h2, w2, c]);
}

function upsampleSeparable(x: T4, factor: number, mode: 'nearest' | 'linear'): T4 {
  const [, h, w] = x.shape;
  return separable(x, upsampleMatrix(h, factor, mode), upsampleMatrix(w, factor, mode));
}

/**
 * Nearest-neighbour upsampling by an integer factor (see the file comment for why not tfjs's resize). On wasm,
 * its resize kernel, with each f×f block of dy summed as an average pool × f² (6× faster than its
 * ResizeNearestNeighborGrad, which is right there).
 */
export function upsampleNearest(x: T4, factor: number): T4 {
  if (onBlasUpsampling(factor === 2)) return resampleNatively(x, 'nearest', factor * x.shape[1], factor * x.shape[2]);
  if (!onWasm()) return upsampleSeparable(x, factor, 'nearest');
  const [, h, w] = x.shape;
  return withAdjoint(
    x,
    (t) => tf.image.resizeNearestNeighbor(t, [factor * h, factor * w]),
    (dy) => tf.mul(tf.avgPool(dy, factor, factor, 'valid'), factor * factor),
  );
}

/**
 * Bilinear upsampling by an integer factor with half-pixel centres. tfjs's own `ResizeBilinearGrad` ignores
 * half-pixel centres (and on cpu mixes up H and W when they differ), so its gradient is wrong for the mode
 * PyTorch's reference uses; see test/ops-values.test.ts.
 */
export function upsampleBilinear(x: T4, factor: number): T4 {
  if (onBlasUpsampling(factor === 2)) return resampleNatively(x, 'linear', factor * x.shape[1], factor * x.shape[2]);
  return onWasm() && factor % 2 === 0 ? bilinearOnWasm(x, factor) : upsampleSeparable(x, factor, 'linear');
}

/**
 * Bilinear ×f on wasm, for even f (odd f would centre the window between inputs): its resize kernel, and as
 * gradient the transposed interpolation, separable like it. Along an axis, input j collects output i with
 * weight 1 − |(i + ½)/f − ½ − j|: a stride-f correlation of dy with the 2f taps (f − |t + ½ − f|)/f, dy padded
 * by f/2 mirrored ('symmetric'), which gives an edge input the whole weight of the outputs clamped to it.
 * Both axes: one depthwise conv.
 */
function bilinearOnWasm(x: T4, f: number): T4 {
  const [, h, w, c] = x.shape;
  const taps = Array.from({ length: 2 * f }, (_, t) => (f - Math.abs(t + 0.5 - f)) / f);
  return withAdjoint(
    x,
    (t) => tf.image.resizeBilinear(t, [f * h, f * w], false, true),
    (dy) => {
      const kernel = new Float32Array(4 * f * f * c);
      for (let i = 0; i < 2 * f; i++) for (let j = 0; j < 2 * f; j++) kernel.fill(taps[i]! * taps[j]!, (i * 2 * f + j) * c, (i * 2 * f + j + 1) * c);
      const p = f / 2;
      const padded = tf.mirrorPad(dy, [[0, 0], [p, p], [p, p], [0, 0]], 'symmetric');
      return tf.depthwiseConv2d(padded, tf.tensor4d(kernel, [2 * f, 2 * f, c, 1]), f, 'valid');
    },
  );
}

/** The [n/2, n] matrix of 1-D average pooling by 2. */
function pool2Matrix(n: number): tf.Tensor2D {
  const m = new Float32Array((n / 2) * n);
  for (let i = 0; i < n / 2; i++) m[i * n + 2 * i] = m[i * n + 2 * i + 1] = 0.5;
  return tf.tensor2d(m, [n / 2, n]);
}

/**
 * 2×2 average pooling, stride 2: on blas one kernel each way (even sizes: the addon's own loops), elsewhere two
 * matMuls (the cpu backend's AvgPoolGrad is slow). On wasm, its pooling
 * kernel, with dy/4 spread over each block by its nearest resize (4× faster than its AvgPoolGrad).
 */
export function avgPool2(x: T4): T4 {
  const [, h, w] = x.shape;
  if (onBlas() && h % 2 === 0 && w % 2 === 0) return resampleNatively(x, 'avgPool', h / 2, w / 2);
  if (!onWasm()) return separable(x, pool2Matrix(h), pool2Matrix(w));
  return withAdjoint(
    x,
    (t) => tf.avgPool(t, 2, 2, 'valid'),
    (dy) => tf.mul(tf.image.resizeNearestNeighbor(dy, [h, w]), 0.25),
  );
}

/** Normalises over the given axes with the batch's own statistics; returns them for running averages. */
function normalize(x: T4, axes: number[], eps: number): { y: T4; mean: tf.Tensor; variance: tf.Tensor } {
  const { mean, variance } = tf.moments(x, axes, true);
  const y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))) as T4;
  return { y, mean, variance };
}

function activate(y: T4, activation: Activation): T4 {
  return activation === 'relu' ? tf.relu(y) : y;
}

/** A norm kernel's attributes. */
function normAttrs(eps: number, activation: Activation): tf.NamedAttrMap {
  const attrs: NormAttrs = { eps, relu: activation === 'relu' ? 1 : 0 };
  return attrs as unknown as tf.NamedAttrMap;
}

/**
 * The batch norm kernel's gradient. One kernel computes dx, dgamma and dbeta together, so it runs here, once;
 * what no input needs is disposed with the backward pass's scope. Where the loss also reads the statistics
 * (not this project's layers, which only average them), their gradients join dx here.
 */
tf.registerGradient({
  kernelName: BATCH_NORM,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as unknown as (tf.Tensor | null)[];
    const [x, gamma, y, mean, variance] = saved as [T4, tf.Tensor1D, T4, tf.Tensor1D, tf.Tensor1D];
    const inputs = { x, dy: dy ?? tf.zerosLike(x), mean, variance, gamma, y };
    const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_GRAD, inputs, attrs) as tf.Tensor[];
    const n = x.size / x.shape[3];
    const viaStatistics = (g: tf.Tensor) => {
      const fromMean = dMean ? tf.add(g, tf.div(dMean, n)) : g;
      return dVariance ? tf.add(fromMean, tf.mul(tf.sub(x, mean), tf.mul(dVariance, 2 / n))) : fromMean;
    };
    return { x: () => viaStatistics(dx!), gamma: () => dGamma!, beta: () => dBeta! };
  },
});

/**
 * Batch norm in training mode: normalises with the batch statistics (over B, H, W), then scales and shifts, then
 * the activation (inside the kernel on blas with oneDNN). mean and variance are the statistics (the biased variance).
 */
export function batchNormTrain(
  x: T4,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  activation: Activation = 'linear',
  eps = 1e-5,
): { y: T4; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (onBlasWithDnnl()) {
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM, { x, gamma, beta }, normAttrs(eps, activation)) as tf.Tensor[];
    return { y: y as T4, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  const c = x.shape[3];
  const { y, mean, variance } = normalize(x, [0, 1, 2], eps);
  return { y: activate(tf.add(tf.mul(y, gamma), beta), activation), mean: mean.reshape([c]), variance: variance.reshape([c]) };
}

/** Batch norm in inference mode, with running statistics, then the activation. */
export function batchNormInfer(
  x: T4,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  runningMean: tf.Tensor1D,
  runningVar: tf.Tensor1D,
  activation: Activation = 'linear',
  eps = 1e-5,
): T4 {
  const scale = tf.div(gamma, tf.sqrt(tf.add(runningVar, eps)));
  return activate(tf.add(tf.mul(tf.sub(x, runningMean), scale), beta), activation);
}

tf.registerGradient({
  kernelName: INSTANCE_NORM,
  inputsToSave: ['x'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    // The statistics never leave instanceNorm, so only y's gradient comes in.
    const dy = (dys as unknown as tf.Tensor[])[0]!;
    const [x, y, mean, rstd] = saved as [T4, T4, tf.Tensor2D, tf.Tensor2D];
    return { x: () => tf.engine().runKernel(INSTANCE_NORM_GRAD, { x, dy, mean, rstd, y }, attrs) as tf.Tensor };
  },
});

/** Instance norm without affine parameters (each image and channel over H, W), then the activation. */
export function instanceNorm(x: T4, activation: Activation = 'linear', eps = 1e-5): T4 {
  if (!onBlas()) return activate(normalize(x, [1, 2], eps).y, activation);
  const [y, mean, rstd] = tf.engine().runKernel(INSTANCE_NORM, { x }, normAttrs(eps, activation)) as tf.Tensor[];
  mean!.dispose(); // the gradient keeps its own copies of the statistics
  rstd!.dispose();
  return y as T4;
}
