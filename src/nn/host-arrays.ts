/**
 * Small per-parameter updates (Adam, EMA, spectral norm's power iteration) done on the arrays where the
 * backend keeps tensors as plain typed arrays (cpu, blas). As tensor ops each would be a handful to a dozen
 * kernels, each paying tfjs's per-op cost (~30 µs on the cpu backends): at 8 px those costs made up a third
 * of a training step. Other backends (wasm, webgpu, tfjs-node) keep the tensor form.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** The float32 array behind a tensor on a cpu-based backend (no copy), or undefined elsewhere. */
export function hostValues(t: tf.Tensor): Float32Array | undefined {
  const backend = tf.backend();
  if (!(backend instanceof MathBackendCPU) || t.dtype !== 'float32') return undefined;
  const a = backend.data.get(t.dataId).values;
  return a instanceof Float32Array ? a : undefined;
}

/** Replaces a variable's value with `data` (its shape), as a new tensor. */
export function assignArray(variable: tf.Variable, data: Float32Array): void {
  const t = tf.tensor(data, variable.shape, 'float32');
  variable.assign(t);
  t.dispose();
}
