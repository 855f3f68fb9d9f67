/**
 * The blas backend's convolution paths, to time side by side in one process: oneDNN's primitives (what users
 * get where libdnnl-dev is installed) and OpenBLAS's im2col (the path before them, and where oneDNN is absent).
 */
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import type { BackendName } from '../src/backend/select.js';

export interface ConvPath {
  readonly name: string;
  /** Switches the process's convolutions to this path. */
  use(): void;
  /** "OpenBLAS n / OpenMP m": OpenBLAS's own threads and the calling thread's OpenMP team; null off blas. */
  threads(): string | null;
}

export function convPaths(backend: BackendName): ConvPath[] {
  const load = loadBlasAddon();
  if (backend !== 'blas' || !load.ok) return [{ name: '', use: () => {}, threads: () => null }];
  const a = load.addon;
  const threads = () => `OpenBLAS ${a.threads()} / OpenMP ${a.kernelThreads()}`;
  a.useDnnl(true);
  const paths: ConvPath[] = [];
  if (a.dnnl() !== null) paths.push({ name: 'oneDNN', use: () => a.useDnnl(true), threads });
  paths.push({ name: 'OpenBLAS', use: () => a.useDnnl(false), threads });
  return paths;
}
