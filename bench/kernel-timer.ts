/**
 * Times every kernel call of the active backend by wrapping its registered kernels: where a training step's
 * time goes, by kernel and outside the kernels (tfjs's per-op bookkeeping, tape, JS glue). Wrapping adds a
 * timer call per kernel (about a microsecond), small beside the ~50 µs that each op costs end to end.
 */
import * as tf from '@tensorflow/tfjs';

export interface KernelTimes {
  /** Milliseconds and calls per kernel name since the last reset. */
  readonly byKernel: Map<string, { ms: number; calls: number }>;
  reset(): void;
  /** Puts the original kernels back. */
  restore(): void;
}

export function timeKernels(): KernelTimes {
  const backend = tf.getBackend();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  const originals = tf.getKernelsForBackend(backend);
  for (const config of originals) {
    const run = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const t0 = performance.now();
        const out = run(args);
        const entry = byKernel.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls += 1;
        byKernel.set(config.kernelName, entry);
        return out;
      },
    });
  }
  return {
    byKernel,
    reset: () => byKernel.clear(),
    restore: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backend);
        tf.registerKernel(config);
      }
    },
  };
}
