/**
 * The blas backend's convolution paths, to time side by side in one process: oneDNN's primitives (what users
 * get where libdnnl-dev is installed), OpenBLAS's im2col (the path before them, and where oneDNN is absent) and
 * the addon's own loops under im2col (where neither library is installed).
 */
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import type { BackendName } from '../src/backend/select.js';

export interface ConvPath {
  readonly name: string;
  /** Switches the process's convolutions (and matrix products) to this path. */
  use(): void;
  /** "OpenBLAS n / OpenMP m": OpenBLAS's own threads and the calling thread's OpenMP team; null off blas. */
  threads(): string | null;
}

/** The paths this addon has, fastest first: a bench puts back the first when it is done. */
export function convPaths(backend: BackendName): ConvPath[] {
  const load = loadBlasAddon();
  if (backend !== 'blas' || !load.ok) return [{ name: '', use: () => {}, threads: () => null }];
  const a = load.addon;
  const threads = () => `OpenBLAS ${a.threads()} / OpenMP ${a.kernelThreads()}`;
  const on = (dnnl: boolean, openBlas: boolean) => () => {
    a.useDnnl(dnnl);
    a.useOpenBlas(openBlas);
  };
  a.useDnnl(true);
  const paths: ConvPath[] = [];
  if (a.dnnl() !== null) paths.push({ name: 'oneDNN', use: on(true, true), threads });
  if (a.openBlas()) paths.push({ name: 'OpenBLAS', use: on(false, true), threads });
  paths.push({ name: 'own loops', use: on(false, false), threads });
  return paths;
}
