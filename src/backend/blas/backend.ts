/**
 * The `cpu-blas` tfjs backend: the stock cpu backend (tensors in plain typed arrays, every kernel it has)
 * with convolution and matMul computed by OpenBLAS through the native addon, and broadcasting elementwise
 * ops, reductions, transposes and pools by channel-contiguous loops (elementwise.ts, pool.ts). The `cpu` backend's kernels are left as they are.
 */
import { totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { QuietCpuBackend } from '../cpu-backend.js';
import { BufferPool } from './buffer-pool.js';
import { loadBlasAddon, type AddonLoad } from './addon.js';
import { blasKernels, CONV_FILTER_BIAS_GRAD } from './kernels.js';
import { elementwiseKernels } from './elementwise.js';
import { poolKernels } from './pool.js';
import { resampleKernels } from './resample.js';
import { normKernels } from './norm.js';
import { activationGradKernels } from './activation-grad.js';

export const BLAS_TF_NAME = 'cpu-blas';

type DataId = Parameters<QuietCpuBackend['disposeData']>[0];
type Values = Parameters<QuietCpuBackend['write']>[0];

/**
 * The cpu backend whose tensor data the buffer pool follows: every array a tensor's data comes to lie in
 * (`write`, `move`), every tensor that goes (`disposeData`), every array read out (`readSync`, and `read` through it).
 * The free arrays are at most an eighth of the machine's memory, and 1 GiB, per thread that computes.
 */
export class BlasCpuBackend extends QuietCpuBackend {
  readonly buffers = new BufferPool(Math.min(2 ** 30, totalmem() / 8));

  override write(values: Values, shape: number[], dtype: tf.DataType): DataId {
    this.buffers.hold(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: Values, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.buffers.hold(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const disposed = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.buffers.release(values);
    return disposed;
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    this.buffers.escape(values);
    return values;
  }
}

/**
 * Registers the backend once per process (and worker). Returns the addon load result: when it failed,
 * nothing is registered.
 */
export function registerBlasBackend(): AddonLoad {
  const load = loadBlasAddon();
  if (!load.ok || tf.findBackendFactory(BLAS_TF_NAME)) return load;
  // Priority 0, below cpu's: this backend is only ever chosen explicitly.
  tf.registerBackend(BLAS_TF_NAME, () => new BlasCpuBackend(), 0);
  const native = { ...elementwiseKernels(load.addon), ...poolKernels(), ...blasKernels(load.addon) };
  for (const config of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...config, backendName: BLAS_TF_NAME, kernelFunc: native[config.kernelName] ?? config.kernelFunc });
  }
  // Kernels of our own ops (the filter-and-bias gradient is made with the conv kernels it shares a pass with).
  const own = { ...resampleKernels(load.addon), ...normKernels(load.addon), ...activationGradKernels(load.addon), [CONV_FILTER_BIAS_GRAD]: native[CONV_FILTER_BIAS_GRAD]! };
  for (const [kernelName, kernelFunc] of Object.entries(own)) tf.registerKernel({ kernelName, backendName: BLAS_TF_NAME, kernelFunc });
  return load;
}
