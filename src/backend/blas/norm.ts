/**
 * Batch norm (training mode) and instance norm, each with the ReLU that follows it in the generator, as single
 * kernels each way for the ops of ../ops.ts: batch norm on oneDNN's primitive, instance norm on the addon's own
 * loops (native/instance_norm.c says why). The composed path they replace is about eight kernels forward and a
 * dozen backward per norm.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasAddon } from './addon.js';
import { floats, outputArray, type Args } from './tensor-data.js';

/** Inputs x, gamma, beta; outputs y, mean, variance (biased, over batch, H, W). */
export const BATCH_NORM = 'AutoganBatchNorm';
/** Inputs x, dy, mean, variance, gamma, and y where relu; outputs dx, dgamma, dbeta. */
export const BATCH_NORM_GRAD = 'AutoganBatchNormGrad';
/** Input x; outputs y and, for the gradient, mean and rstd = 1/√(variance + eps), [batch, C] each. */
export const INSTANCE_NORM = 'AutoganInstanceNorm';
/** Inputs x, dy, mean, rstd, and y where relu; output dx. */
export const INSTANCE_NORM_GRAD = 'AutoganInstanceNormGrad';

/** The attributes of all four kernels: relu 1 where a ReLU follows the norm inside its kernel. */
export interface NormAttrs {
  readonly eps: number;
  readonly relu: 0 | 1;
  [key: string]: number;
}

export function normKernels(addon: BlasAddon): Record<string, tf.KernelFunc> {
  /**
   * The named inputs' values (all float32), the dims [batch, H, W, C] of x, and for a gradient (`backward`) the
   * forward's output y where its ReLU is fused (else null).
   */
  const read = (args: Args, kernel: string, names: readonly string[], backward = false) => {
    const backend = args.backend as MathBackendCPU;
    const inputs = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as unknown as NormAttrs;
    const wanted = backward && attrs.relu ? [...names, 'y'] : names;
    const data = wanted.map((name) => (inputs[name] ? floats(backend, inputs[name]) : undefined));
    if (data.some((d) => d === undefined)) throw new Error(`${kernel}: expected float32 inputs ${wanted.join(', ')}`);
    const y = backward && attrs.relu ? data.pop()! : null;
    const shape = inputs['x']!.shape as [number, number, number, number];
    return { backend, data: data as Float32Array[], y, shape, dims: Int32Array.from(shape), eps: attrs.eps, relu: attrs.relu === 1 };
  };
  return {
    [BATCH_NORM]: (args) => {
      const { backend, data, shape, dims, eps, relu } = read(args, BATCH_NORM, ['x', 'gamma', 'beta']);
      const [x, gamma, beta] = data as [Float32Array, Float32Array, Float32Array];
      const c = shape[3];
      const [y, mean, variance] = [outputArray(backend, x.length), new Float32Array(c), new Float32Array(c)];
      if (!addon.batchNorm(x, gamma, beta, y, mean, variance, dims, eps, relu)) throw new Error(`${BATCH_NORM}: oneDNN did not compute ${JSON.stringify(shape)}`);
      return [backend.makeTensorInfo(shape, 'float32', y), backend.makeTensorInfo([c], 'float32', mean), backend.makeTensorInfo([c], 'float32', variance)];
    },
    [BATCH_NORM_GRAD]: (args) => {
      const { backend, data, y, shape, dims, eps } = read(args, BATCH_NORM_GRAD, ['x', 'dy', 'mean', 'variance', 'gamma'], true);
      const [x, dy, mean, variance, gamma] = data as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const c = shape[3];
      const [dx, dgamma, dbeta] = [outputArray(backend, x.length), new Float32Array(c), new Float32Array(c)];
      if (!addon.batchNormGrad(x, dy, mean, variance, gamma, y, dx, dgamma, dbeta, dims, eps)) {
        throw new Error(`${BATCH_NORM_GRAD}: oneDNN did not compute ${JSON.stringify(shape)}`);
      }
      return [backend.makeTensorInfo(shape, 'float32', dx), backend.makeTensorInfo([c], 'float32', dgamma), backend.makeTensorInfo([c], 'float32', dbeta)];
    },
    [INSTANCE_NORM]: (args) => {
      const { backend, data, shape, dims, eps, relu } = read(args, INSTANCE_NORM, ['x']);
      const x = data[0]!;
      const stats = [shape[0], shape[3]];
      const [y, mean, rstd] = [outputArray(backend, x.length), new Float32Array(shape[0] * shape[3]), new Float32Array(shape[0] * shape[3])];
      addon.instanceNorm(x, y, mean, rstd, dims, eps, relu);
      return [backend.makeTensorInfo(shape, 'float32', y), backend.makeTensorInfo(stats, 'float32', mean), backend.makeTensorInfo(stats, 'float32', rstd)];
    },
    [INSTANCE_NORM_GRAD]: (args) => {
      const { backend, data, y, shape, dims } = read(args, INSTANCE_NORM_GRAD, ['x', 'dy', 'mean', 'rstd'], true);
      const [x, dy, mean, rstd] = data as [Float32Array, Float32Array, Float32Array, Float32Array];
      const dx = outputArray(backend, x.length);
      addon.instanceNormGrad(x, dy, mean, rstd, y, dx, dims);
      return backend.makeTensorInfo(shape, 'float32', dx);
    },
  };
}
