/**
 * The `cpu-blas` tfjs backend: the stock cpu backend (tensors in plain typed arrays, every kernel it has)
 * with convolution and matMul computed by OpenBLAS through the native addon, and broadcasting elementwise
 * ops, reductions, transposes and pools by channel-contiguous loops (elementwise.ts, pool.ts). The `cpu` backend's kernels are left as they are.
 */
import * as tf from '@tensorflow/tfjs';
import { QuietCpuBackend } from '../cpu-backend.js';
import { loadBlasAddon, type AddonLoad } from './addon.js';
import { blasKernels } from './kernels.js';
import { elementwiseKernels } from './elementwise.js';
import { poolKernels } from './pool.js';
import { resampleKernels } from './resample.js';
import { normKernels } from './norm.js';

export const BLAS_TF_NAME = 'cpu-blas';

/**
 * Registers the backend once per process (and worker). Returns the addon load result: when it failed,
 * nothing is registered.
 */
export function registerBlasBackend(): AddonLoad {
  const load = loadBlasAddon();
  if (!load.ok || tf.findBackendFactory(BLAS_TF_NAME)) return load;
  // Priority 0, below cpu's: this backend is only ever chosen explicitly.
  tf.registerBackend(BLAS_TF_NAME, () => new QuietCpuBackend(), 0);
  const native = { ...elementwiseKernels(load.addon), ...poolKernels(), ...blasKernels(load.addon) };
  for (const config of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...config, backendName: BLAS_TF_NAME, kernelFunc: native[config.kernelName] ?? config.kernelFunc });
  }
  const own = { ...resampleKernels(load.addon), ...normKernels(load.addon) };
  for (const [kernelName, kernelFunc] of Object.entries(own)) tf.registerKernel({ kernelName, backendName: BLAS_TF_NAME, kernelFunc });
  return load;
}
