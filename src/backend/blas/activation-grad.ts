/**
 * The gradient through ReLU or tanh as one kernel: dL/d(pre-activation) from dL/dy and the activation's output.
 * Elsewhere it is two or three elementwise kernels (dy · step(y); dy · (1 − y²)) with their intermediate arrays,
 * and it follows every ReLU of a GAN step, fused into a convolution or not.
 */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BlasAddon } from './addon.js';
import { floats, outputArray, type Args } from './tensor-data.js';

export const ACTIVATION_GRAD = 'AutoganActivationGrad';
export const ACTIVATION_GRAD_KINDS = { relu: 0, tanh: 1 } as const;

/** The kernel's attribute: which activation's gradient. */
export interface ActivationGradAttrs {
  readonly kind: (typeof ACTIVATION_GRAD_KINDS)[keyof typeof ACTIVATION_GRAD_KINDS];
  [key: string]: number;
}

export function activationGradKernels(addon: BlasAddon): Record<string, tf.KernelFunc> {
  return {
    [ACTIVATION_GRAD]: (args: Args) => {
      const backend = args.backend as MathBackendCPU;
      const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      const [dys, ys] = [floats(backend, dy), floats(backend, y)];
      if (!dys || !ys || dys.length !== ys.length) throw new Error(`${ACTIVATION_GRAD}: expected float32 dy and y of one shape, got ${JSON.stringify([dy.shape, y.shape])}`);
      const dx = outputArray(backend, dys.length);
      addon.activationGrad((args.attrs as unknown as ActivationGradAttrs).kind, dys, ys, dx);
      return backend.makeTensorInfo(dy.shape, 'float32', dx);
    },
  };
}
