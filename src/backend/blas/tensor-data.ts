/** Reading tensors of a cpu-style backend (MathBackendCPU: plain typed arrays) and falling back to its kernels. */
import * as tf from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BufferPool } from './buffer-pool.js';

export type Args = Parameters<tf.KernelFunc>[0];

/** The stock cpu kernel of the same name: the fallback for inputs the fast kernels do not take. */
export function stock(kernelName: string): tf.KernelFunc {
  const k = tf.getKernel(kernelName, 'cpu');
  if (!k) throw new Error(`tfjs cpu backend has no ${kernelName} kernel to fall back on`);
  return k.kernelFunc;
}

/** The float32 values of a tensor, or undefined if it holds anything else. */
export function floats(backend: MathBackendCPU, t: tf.TensorInfo): Float32Array | undefined {
  if (t.dtype !== 'float32') return undefined;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : undefined;
}

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The backend's pool of output arrays, where it keeps one (BlasCpuBackend). */
function pool(backend: MathBackendCPU): BufferPool | undefined {
  return (backend as MathBackendCPU & { buffers?: BufferPool }).buffers;
}

/** A kernel's output array of `n` floats, reused where the backend pools them: the kernel writes every element. */
export function outputArray(backend: MathBackendCPU, n: number): Float32Array {
  return pool(backend)?.take(n) ?? new Float32Array(n);
}

/** A kernel's output array of `n` zeros, for kernels that accumulate into it. */
export function zeroedOutputArray(backend: MathBackendCPU, n: number): Float32Array {
  return pool(backend)?.takeZeroed(n) ?? new Float32Array(n);
}
