/**
 * tfjs kernels computed by the native addon, for a backend that stores tensors as the cpu backend does
 * (MathBackendCPU: plain typed arrays): convolution and its gradients, batched matMul, and their fused forms
 * with a bias and ReLU. Inputs the addon does not cover (non-float32, NCHW, matMul batch shapes that the
 * stock kernel broadcasts differently, other fused activations) go to the stock cpu kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasAddon } from './addon.js';
import { floats, outputArray, size, stock, type Args } from './tensor-data.js';

type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Inputs = Record<string, tf.TensorInfo>;
type Attrs = Record<string, unknown>;

function geometry(c: Conv2DInfo): Int32Array {
  return Int32Array.from([
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels,
    c.filterHeight, c.filterWidth, c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth,
    c.padInfo.top, c.padInfo.left,
  ]);
}

type Shape4 = [number, number, number, number];

/** Conv info for NHWC (the addon's only layout), or undefined for NCHW. */
function convInfo(a: Attrs, xShape: number[], filterShape: number[], dilations: unknown): Conv2DInfo | undefined {
  if (a['dataFormat'] === 'NCHW') return undefined;
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4, filterShape as Shape4, a['strides'] as [number, number], dilations as [number, number],
    a['pad'] as 'same', a['dimRoundingMode'] as 'floor' | undefined, false, 'channelsLast',
  );
}

/**
 * The fused ops' epilogue, in place: add a 1-D bias, one value per output column (or a scalar), then
 * ReLU. Null when the fused op asks for more (other activations, other bias shapes): the stock path.
 */
function epilogue(addon: BlasAddon, backend: MathBackendCPU, args: Args, columns: number): ((y: Float32Array) => void) | null {
  const { bias, preluActivationWeights } = args.inputs as { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  const activation = (args.attrs as { activation?: string }).activation ?? 'linear';
  if (preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return null;
  const b = bias ? floats(backend, bias) : new Float32Array([0]);
  if (!b || (bias && bias.shape.length > 1) || (b.length !== columns && b.length !== 1)) return null;
  return (y) => {
    // The addon's elementwise loops, in place: walk [rows, columns] with y's strides, the bias's (0 on rows).
    const rows = y.length / columns;
    if (bias && rows > 0) addon.binary(0, y, b, y, Int32Array.from([2, rows, columns, columns, 1, 0, b.length === 1 ? 0 : 1, columns, 1]));
    if (activation === 'relu') addon.relu(y, y);
  };
}

interface ConvEpilogue {
  readonly bias: Float32Array | null;
  readonly relu: boolean;
}

/** A fused conv's bias (one value per output channel) and ReLU, or null when it asks for more: the stock path. */
function convEpilogue(backend: MathBackendCPU, args: Args, channels: number): ConvEpilogue | null {
  const { bias, preluActivationWeights } = args.inputs as { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  const activation = (args.attrs as { activation?: string }).activation ?? 'linear';
  if (preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return null;
  const b = bias ? (floats(backend, bias) ?? null) : null;
  if (bias && (!b || bias.shape.length > 1 || (b.length !== channels && b.length !== 1))) return null;
  return { bias: b && b.length === 1 && channels !== 1 ? new Float32Array(channels).fill(b[0]!) : b, relu: activation === 'relu' };
}

/**
 * The filter's and the bias's gradients of a convolution from one pass (oneDNN's backward-weights primitive gives
 * both): inputs x and dy, Conv2DBackpropFilter's attrs; outputs [dw, db].
 */
export const CONV_FILTER_BIAS_GRAD = 'AutoganConv2DBackpropFilterBias';

export function blasKernels(addon: BlasAddon): Record<string, tf.KernelFunc> {
  const conv2D = stock('Conv2D');
  const conv2DBackpropInput = stock('Conv2DBackpropInput');
  const conv2DBackpropFilter = stock('Conv2DBackpropFilter');
  const sum = stock('Sum');
  const batchMatMul = stock('BatchMatMul');
  const fusedConv2D = stock('FusedConv2D');
  const fusedMatMul = stock('_FusedMatMul');

  return {
    Conv2D(args: Args) {
      return conv(args) ?? conv2D(args);
    },

    FusedConv2D(args: Args) {
      const fused = convEpilogue(args.backend as MathBackendCPU, args, (args.inputs as Inputs as { filter: tf.TensorInfo }).filter.shape[3]!);
      return (fused && conv(args, fused)) || fusedConv2D(args);
    },

    Conv2DBackpropInput(args: Args) {
      const backend = args.backend as MathBackendCPU;
      const attrs = args.attrs as Attrs;
      const { dy, filter } = args.inputs as Inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const dys = floats(backend, dy);
      const ws = floats(backend, filter);
      const info = convInfo(attrs, attrs['inputShape'] as number[], filter.shape, 1);
      if (!dys || !ws || !info) return conv2DBackpropInput(args);
      const dx = outputArray(backend, size(info.inShape));
      addon.conv2dBackpropInput(dys, ws, dx, geometry(info));
      return backend.makeTensorInfo(info.inShape, 'float32', dx);
    },

    Conv2DBackpropFilter(args: Args) {
      return filterGrad(args, false) ?? conv2DBackpropFilter(args);
    },

    [CONV_FILTER_BIAS_GRAD](args: Args) {
      const both = filterGrad(args, true);
      if (both) return both;
      // Shapes the addon does not take: the stock filter gradient, and dy summed per channel by the stock Sum.
      const { dy } = args.inputs as Inputs as { dy: tf.TensorInfo };
      const db = sum({ inputs: { x: dy }, backend: args.backend, attrs: { axis: [0, 1, 2], keepDims: false } }) as tf.TensorInfo;
      return [conv2DBackpropFilter(args) as tf.TensorInfo, db];
    },

    BatchMatMul(args: Args) {
      return matMul(args) ?? batchMatMul(args);
    },

    _FusedMatMul(args: Args) {
      const backend = args.backend as MathBackendCPU;
      const { b } = args.inputs as Inputs as { b: tf.TensorInfo };
      const columns = (args.attrs as { transposeB: boolean }).transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
      const then = epilogue(addon, backend, args, columns);
      return (then && matMul(args, then)) || fusedMatMul(args);
    },
  };

  /** The filter's gradient natively, with the bias's from the same pass where `withBias`; undefined for inputs the addon does not take. */
  function filterGrad(args: Args, withBias: boolean): tf.TensorInfo | tf.TensorInfo[] | undefined {
    const backend = args.backend as MathBackendCPU;
    const attrs = args.attrs as Attrs;
    const { x, dy } = args.inputs as Inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const xs = floats(backend, x);
    const dys = floats(backend, dy);
    const info = convInfo(attrs, x.shape, attrs['filterShape'] as number[], 1);
    if (!xs || !dys || !info) return undefined;
    const dw = outputArray(backend, size(info.filterShape));
    const filter = () => backend.makeTensorInfo(info.filterShape, 'float32', dw);
    if (!withBias) {
      addon.conv2dBackpropFilter(xs, dys, dw, geometry(info));
      return filter();
    }
    const db = new Float32Array(info.filterShape[3]!);
    addon.conv2dBackpropFilter(xs, dys, dw, geometry(info), db);
    return [filter(), backend.makeTensorInfo([db.length], 'float32', db)];
  }

  /** Conv2D natively (with the fused op's bias and ReLU inside the kernel), or undefined for inputs the addon does not take. */
  function conv(args: Args, fused?: ConvEpilogue): tf.TensorInfo | undefined {
    const backend = args.backend as MathBackendCPU;
    const { x, filter } = args.inputs as Inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const xs = floats(backend, x);
    const ws = floats(backend, filter);
    const info = convInfo(args.attrs as Attrs, x.shape, filter.shape, (args.attrs as Attrs)['dilations']);
    if (!xs || !ws || !info) return undefined;
    const y = outputArray(backend, size(info.outShape));
    addon.conv2d(xs, ws, y, geometry(info), fused?.bias ?? null, fused?.relu ?? false);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  }

  /** BatchMatMul natively, or undefined for inputs the addon does not take. */
  function matMul(args: Args, then?: (y: Float32Array) => void): tf.TensorInfo | undefined {
    const backend = args.backend as MathBackendCPU;
    const { a, b } = args.inputs as Inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const as = floats(backend, a);
    const bs = floats(backend, b);
    const [ra, rb] = [a.shape.length, b.shape.length];
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    // Outer shapes that do not broadcast, or whose broadcast is not one operand's batch (which the stock
    // kernel also mishandles), take the stock path and its error or answer.
    let outer: number[] | undefined;
    try {
      outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      outer = undefined;
    }
    if (!as || !bs || k !== kb || !outer || batchA === 0 || batchB === 0 || size(outer) !== Math.max(batchA, batchB)) return undefined;
    const c = outputArray(backend, size(outer) * m * n);
    addon.batchMatMul(as, bs, c, Int32Array.from([batchA, batchB, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0]));
    then?.(c);
    return backend.makeTensorInfo([...outer, m, n], 'float32', c);
  }
}
