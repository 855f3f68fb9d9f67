import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../../src/backend/select.js';
import { loadBlasAddon } from '../../src/backend/blas/addon.js';

/**
 * The backends every gradient check runs on in CI: the ones that install everywhere, plus the OpenBLAS
 * backend where its addon is built (CI installs libopenblas-dev, so it is there).
 */
export const BACKENDS_UNDER_TEST: readonly BackendName[] = ['cpu', 'wasm', ...(loadBlasAddon().ok ? (['blas'] as const) : [])];

/** Switches the process to a backend for the tests that follow. */
export async function useBackend(name: BackendName): Promise<void> {
  const info = await startBackend(name);
  if (tf.getBackend() !== info.tfName) throw new Error(`backend ${name} did not start`);
}
