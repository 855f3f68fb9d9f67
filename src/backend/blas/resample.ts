/**
 * Upsampling (nearest, linear with half-pixel centres) and average pooling as single kernels, forward and backward,
 * for the ops of ../ops.ts: 2× on the addon's own loops, other factors on oneDNN's primitives. One kernel each way
 * where the other backends run two batched matMuls with interpolation matrices (on OpenBLAS, a thousand tiny
 * sgemms per call).
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasAddon } from './addon.js';
import { floats, outputArray, size, type Args } from './tensor-data.js';

export const RESAMPLE = 'AutoganResample';
export const RESAMPLE_GRAD = 'AutoganResampleGrad';
export const RESAMPLE_MODES = { nearest: 0, linear: 1, avgPool: 2 } as const;

/** Attributes of both kernels: the mode and the forward map's spatial sizes. */
export interface ResampleAttrs {
  readonly mode: (typeof RESAMPLE_MODES)[keyof typeof RESAMPLE_MODES];
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  [key: string]: number;
}

export function resampleKernels(addon: BlasAddon): Record<string, tf.KernelFunc> {
  const run = (args: Args, backward: boolean) => {
    const backend = args.backend as MathBackendCPU;
    const input = Object.values(args.inputs as Record<string, tf.TensorInfo>)[0]!;
    const a = args.attrs as unknown as ResampleAttrs;
    const [b, , , c] = input.shape as [number, number, number, number];
    const shape = backward ? [b, a.inH, a.inW, c] : [b, a.outH, a.outW, c];
    const data = floats(backend, input);
    const out = outputArray(backend, size(shape));
    if (!data || !addon.resample(a.mode, backward, data, out, Int32Array.from([b, a.inH, a.inW, c, a.outH, a.outW]))) {
      throw new Error(`${backward ? RESAMPLE_GRAD : RESAMPLE}: the addon did not compute mode ${a.mode} for ${JSON.stringify(input.shape)}`);
    }
    return backend.makeTensorInfo(shape, 'float32', out);
  };
  return { [RESAMPLE]: (args) => run(args, false), [RESAMPLE_GRAD]: (args) => run(args, true) };
}
