import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../../src/backend/select.js';
import { loadBlasAddon } from '../../src/backend/blas/addon.js';

/**
 * The backends every gradient check runs on in CI: the ones that install everywhere, plus the OpenBLAS
 * backend where its addon is built (CI installs libopenblas-dev, so it is there).
 */
export const BACKENDS_UNDER_TEST: readonly BackendName[] = ['cpu', 'wasm', ...(loadBlasAddon().ok ? (['blas'] as const) : [])];

/**
 * The native addon's compute paths, each checked where the addon has it: oneDNN's primitives, OpenBLAS's sgemm
 * under im2col, and the addon's own matrix loops (gemm.c), which every build has.
 */
export type BlasPath = 'oneDNN' | 'OpenBLAS' | 'own loops';

function addonPaths(): BlasPath[] {
  const load = loadBlasAddon();
  if (!load.ok) return [];
  const { addon } = load;
  const paths: BlasPath[] = [];
  if (addon.dnnl() !== null) paths.push('oneDNN');
  if (addon.openBlas()) paths.push('OpenBLAS');
  return [...paths, 'own loops'];
}
export const BLAS_PATHS: readonly BlasPath[] = addonPaths();

/** Puts this thread's native kernels on one path; undefined puts back the fastest the addon has. */
export function useBlasPath(path: BlasPath | undefined): void {
  const load = loadBlasAddon();
  if (!load.ok) return;
  load.addon.useDnnl(path === undefined || path === 'oneDNN');
  load.addon.useOpenBlas(path !== 'own loops');
}

/** Runs `f` with this thread's native kernels on one path, then puts back the fastest. */
export async function onBlasPath<T>(path: BlasPath, f: () => T | Promise<T>): Promise<T> {
  useBlasPath(path);
  try {
    return await f();
  } finally {
    useBlasPath(undefined);
  }
}

/** Switches the process to a backend for the tests that follow. */
export async function useBackend(name: BackendName): Promise<void> {
  const info = await startBackend(name);
  if (tf.getBackend() !== info.tfName) throw new Error(`backend ${name} did not start`);
}
