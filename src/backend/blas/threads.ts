/**
 * How the native kernels' threads divide the machine. OpenBLAS keeps one thread per process (openblas-core.ts).
 * The heavy kernels (convolutions, on oneDNN or as im2col and a matrix product split by rows) run on the calling
 * thread's OpenMP team: a lone trainer takes every core, and actors that compute at the same time each take their
 * share, so that the teams never outnumber the cores.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { loadBlasAddon } from './addon.js';
import { BLAS_TF_NAME } from './backend.js';

/** Each of `concurrent` threads computing at once on a machine of `cores` cores: its share, at least one. */
export function coreShare(concurrent: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, concurrent)));
}

/**
 * Gives the calling thread's native kernels `threads` threads (its OpenMP team). Every thread of a
 * kind sets the same value before its first kernel, from the run's config alone, so that a result never depends
 * on how work was scheduled: oneDNN's sums (a filter gradient's, split across threads) differ in their last bits
 * with another thread count.
 */
export function useCoreShare(threads: number): void {
  if (tf.getBackend() !== BLAS_TF_NAME) return;
  const load = loadBlasAddon();
  if (load.ok) load.addon.setKernelThreads(threads);
}
