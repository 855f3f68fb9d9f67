/**
 * OpenBLAS picks its kernels by CPU model at load time (DYNAMIC_ARCH). Debian's 0.3.21 does not know recent
 * CPUs (Intel family 6 model 207, Emerald Rapids, among them) and falls back to its SSE3 "Prescott" kernels:
 * measured here, sgemm ran 2–3.5× slower than with the AVX-512 kernels the CPU supports (bench `blas-threads`).
 * Choosing the kernel set from the CPU's instruction-set flags instead of its model number avoids that.
 * OpenBLAS reads OPENBLAS_CORETYPE once, when the library loads, from the process's real environment, which
 * only the main thread can change (a worker's process.env is its own copy): so the main thread sets it before
 * the addon loads anywhere in the process (when it loads the addon itself, and before it starts actors), and
 * children inherit it.
 */
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export const CORETYPE_ENV = 'OPENBLAS_CORETYPE';

/** The OpenBLAS kernel set for a CPU with these /proc/cpuinfo flags, or null to leave OpenBLAS's own choice. */
export function openBlasCoreFor(flags: ReadonlySet<string>): string | null {
  if (['avx512f', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512cd'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return null;
}

/** The flags of the first CPU in /proc/cpuinfo; empty where there is none (not Linux). */
function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => /^flags\s*:/.test(l));
    return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/** Sets OPENBLAS_CORETYPE for this process from the CPU's flags, unless the user set it. Main thread only. */
export function chooseOpenBlasCore(): void {
  if (!isMainThread || process.env[CORETYPE_ENV]) return;
  const core = openBlasCoreFor(cpuFlags());
  if (core) process.env[CORETYPE_ENV] = core;
}

export const THREADS_ENV = 'OPENBLAS_NUM_THREADS';

/**
 * One OpenBLAS thread per process unless the user set OPENBLAS_NUM_THREADS; read, like OPENBLAS_CORETYPE, when
 * the library loads, so main thread only. On this project's thin GEMMs (16–32 output channels) a second OpenBLAS
 * thread lost time, and its pthreads are one pool per process that every actor thread shares and fights over:
 * the same 100-step `train` took 39.8 s and 77.4 s at OpenBLAS's default two threads, 21.1 s and 19.9 s at one
 * (issue 21, Zen 4). The convolutions, where threads pay, run on oneDNN (threads.ts).
 */
export function chooseOpenBlasThreads(): void {
  if (isMainThread && !process.env[THREADS_ENV]) process.env[THREADS_ENV] = '1';
}
