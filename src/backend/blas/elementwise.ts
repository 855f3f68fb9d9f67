/**
 * Broadcasting binary ops, Sum/Mean, Transpose, ReLU and Step for the cpu-blas backend. The stock cpu kernels compute an
 * index → coordinates → index mapping per element whenever shapes differ or axes move (~100 ns an element);
 * a GAN step is full of such ops (bias adds, norm scales, their gradients' reductions), and they cost more than
 * the convolutions once those are native. Here every operand gets a stride per dimension (0 where broadcast),
 * adjacent dimensions that walk memory alike are merged, and the innermost dimension is a plain loop. The float
 * ops' loops run in the addon (native/elementwise.c) when the merged walk is short enough for it.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasAddon } from './addon.js';
import { floats, outputArray, size, stock, type Args } from './tensor-data.js';

/** Row-major strides of `shape`. */
function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d]!;
  }
  return s;
}

/** Strides for reading an operand of `shape` broadcast (right-aligned) to `outShape`: 0 on broadcast dims. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguous(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((_, d) => (d < lead || shape[d - lead] === 1 ? 0 : own[d - lead]!));
}

/**
 * A walk over `shape` (in row-major order) reading or writing several operands with their own strides,
 * with size-1 dimensions dropped and mergeable neighbours merged: far fewer, longer innermost loops.
 */
interface Walk {
  readonly shape: number[];
  readonly strides: number[][];
}

function plan(shape: readonly number[], strides: readonly (readonly number[])[]): Walk {
  const dims = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const out: Walk = { shape: [], strides: strides.map(() => []) };
  for (const d of dims) {
    const last = out.shape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => out.strides[k]![last] === s[d]! * shape[d]!);
    if (mergeable) {
      out.shape[last]! *= shape[d]!;
      strides.forEach((s, k) => (out.strides[k]![last] = s[d]!));
    } else {
      out.shape.push(shape[d]!);
      strides.forEach((s, k) => out.strides[k]!.push(s[d]!));
    }
  }
  if (out.shape.length === 0) {
    out.shape.push(1);
    out.strides.forEach((s) => s.push(0));
  }
  return out;
}

/** The walk as the addon reads it: [rank, shape, each operand's strides]; undefined if too deep for it. */
const NATIVE_MAX_RANK = 6;
function encode(w: Walk): Int32Array | undefined {
  if (w.shape.length > NATIVE_MAX_RANK) return undefined;
  return Int32Array.from([w.shape.length, ...w.shape, ...w.strides.flat()]);
}

/**
 * Calls `row(offsets, n, innerStrides)` once per innermost row of the walk, with each operand's offset at
 * the row's start.
 */
function forEachRow(w: Walk, row: (offsets: number[], n: number, inner: number[]) => void): void {
  const rank = w.shape.length;
  const n = w.shape[rank - 1]!;
  const inner = w.strides.map((s) => s[rank - 1]!);
  const offsets = w.strides.map(() => 0);
  const idx = new Array<number>(rank - 1).fill(0);
  const rows = size(w.shape) / n;
  for (let r = 0; r < rows; r++) {
    row(offsets, n, inner);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]! += 1;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += w.strides[k]![d]!;
      if (idx[d]! < w.shape[d]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= w.strides[k]![d]! * w.shape[d]!;
      idx[d] = 0;
    }
  }
}

type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv' | 'Maximum' | 'Minimum' | 'SquaredDifference';
export const BINARY_OPS: readonly BinaryOp[] = ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference'];

/** One innermost row of a binary op; a loop per op so that each stays monomorphic. */
function binaryRow(op: BinaryOp, a: Float32Array, b: Float32Array, y: Float32Array, o: number[], n: number, s: number[]): void {
  let [ia, ib, iy] = o as [number, number, number];
  const [sa, sb] = s as [number, number];
  switch (op) {
    case 'Add':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = a[ia]! + b[ib]!;
      return;
    case 'Sub':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = a[ia]! - b[ib]!;
      return;
    case 'Multiply':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = a[ia]! * b[ib]!;
      return;
    case 'RealDiv':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = a[ia]! / b[ib]!;
      return;
    case 'Maximum':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = Math.max(a[ia]!, b[ib]!);
      return;
    case 'Minimum':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) y[iy++] = Math.min(a[ia]!, b[ib]!);
      return;
    case 'SquaredDifference':
      for (let i = 0; i < n; i++, ia += sa, ib += sb) {
        const d = a[ia]! - b[ib]!;
        y[iy++] = d * d;
      }
  }
}

/** The addon's op codes (native/elementwise.c); Maximum and Minimum keep JS's Math.max/min semantics in JS. */
const NATIVE_OP: Partial<Record<BinaryOp, number>> = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, SquaredDifference: 4 };

function binaryKernel(op: BinaryOp, addon: BlasAddon): tf.KernelFunc {
  const fallback = stock(op);
  return (args: Args) => {
    const backend = args.backend as MathBackendCPU;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const av = floats(backend, a);
    const bv = floats(backend, b);
    if (!av || !bv) return fallback(args);
    let outShape: number[];
    try {
      outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    } catch {
      return fallback(args); // the stock kernel raises tfjs's own error
    }
    const y = outputArray(backend, size(outShape));
    if (y.length > 0) {
      const walk = plan(outShape, [broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape), contiguous(outShape)]);
      const code = NATIVE_OP[op];
      const encoded = code === undefined ? undefined : encode(walk);
      if (encoded) addon.binary(code!, av, bv, y, encoded);
      else forEachRow(walk, (o, n, s) => binaryRow(op, av, bv, y, o, n, s));
    }
    return backend.makeTensorInfo(outShape, 'float32', y);
  };
}

/** Sum (scale 1) or mean (scale 1/count) over `axis`, accumulated in float64. */
function reduceKernel(name: 'Sum' | 'Mean', addon: BlasAddon): tf.KernelFunc {
  const fallback = stock(name);
  return (args: Args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const xv = floats(backend, x);
    if (!xv) return fallback(args);
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const kept = x.shape.map((n, d) => (axes.includes(d) ? 1 : n));
    const keptStrides = contiguous(kept).map((s, d) => (axes.includes(d) ? 0 : s));
    const acc = new Float64Array(size(kept));
    const walk = plan(x.shape, [contiguous(x.shape), keptStrides]);
    const encoded = encode(walk);
    if (xv.length > 0 && encoded) addon.sum(xv, acc, encoded);
    else if (xv.length > 0) {
      forEachRow(walk, ([ix, io], n, [sx, so]) => {
        let i = ix!;
        if (so === 0) {
          let t = 0;
          for (let j = 0; j < n; j++, i += sx!) t += xv[i]!;
          acc[io!]! += t;
        } else {
          for (let j = 0, o = io!; j < n; j++, i += sx!, o += so!) acc[o]! += xv[i]!;
        }
      });
    }
    const scale = name === 'Mean' ? size(axes.map((d) => x.shape[d]!)) : 1;
    const y = new Float32Array(acc.length);
    for (let i = 0; i < y.length; i++) y[i] = acc[i]! / scale;
    const shape = keepDims ? kept : x.shape.filter((_, d) => !axes.includes(d));
    return backend.makeTensorInfo(shape, 'float32', y);
  };
}

type Numbers = Float32Array | Int32Array | Uint8Array;

function transposeKernel(): tf.KernelFunc {
  const fallback = stock('Transpose');
  return (args: Args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { perm } = args.attrs as { perm: number[] };
    const xv = backend.data.get(x.dataId).values;
    if (!(xv instanceof Float32Array || xv instanceof Int32Array || xv instanceof Uint8Array)) return fallback(args);
    const outShape = perm.map((p) => x.shape[p]!);
    const own = contiguous(x.shape);
    const y = xv instanceof Float32Array ? outputArray(backend, xv.length) : new (xv.constructor as new (n: number) => Numbers)(xv.length);
    if (y.length > 0) {
      forEachRow(plan(outShape, [perm.map((p) => own[p]!), contiguous(outShape)]), ([ix, iy], n, [sx]) => {
        for (let j = 0, i = ix!, o = iy!; j < n; j++, i += sx!) y[o++] = xv[i]!;
      });
    }
    return backend.makeTensorInfo(outShape, x.dtype, y);
  };
}

/** ReLU, Step and Tanh: the stock ones call a closure per element through a generic helper. */
function unaryKernel(name: 'Relu' | 'Step' | 'Tanh', addon: BlasAddon): tf.KernelFunc {
  const fallback = stock(name);
  return (args: Args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const xv = floats(backend, x);
    if (!xv) return fallback(args);
    const y = outputArray(backend, xv.length);
    if (name === 'Relu') addon.relu(xv, y);
    else if (name === 'Tanh') addon.tanh(xv, y);
    else addon.step(xv, y, (args.attrs as { alpha: number }).alpha);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}

export function elementwiseKernels(addon: BlasAddon): Record<string, tf.KernelFunc> {
  return {
    ...Object.fromEntries(BINARY_OPS.map((op) => [op, binaryKernel(op, addon)])),
    Sum: reduceKernel('Sum', addon),
    Mean: reduceKernel('Mean', addon),
    Transpose: transposeKernel(),
    Relu: unaryKernel('Relu', addon),
    Step: unaryKernel('Step', addon),
    Tanh: unaryKernel('Tanh', addon),
  };
}
