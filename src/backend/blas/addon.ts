/**
 * Loads the optional native addon (native/, built by `npm run build:native` at install and build time): its
 * kernels run on oneDNN and OpenBLAS where it was built with them, else on its own loops.
 * Absent or unloadable, the caller gets the reason and the pure backends serve.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseOmpWaitPolicy } from './omp-env.js';
import { chooseOpenBlasCore, chooseOpenBlasThreads } from './openblas-core.js';

/** The addon's functions (native/blas.c). Outputs are written into caller-allocated arrays. */
export interface BlasAddon {
  /**
   * geometry: [batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilH, dilW, padTop, padLeft];
   * bias (outC values) and ReLU applied inside the kernel. Convolutions run on oneDNN while `dnnl()` says so.
   */
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, geometry: Int32Array, bias?: Float32Array | null, relu?: boolean): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** dw, and where `db` is given the bias's gradient (dy summed per output channel) in the same pass. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array, db?: Float32Array): void;
  /** dims: [batchA, batchB, M, N, K, transposeA, transposeB]; operand i is taken modulo its batch. */
  batchMatMul(a: Float32Array, b: Float32Array, c: Float32Array, dims: Int32Array): void;
  /** y = a op b over a planned walk (elementwise.ts): op 0 Add, 1 Sub, 2 Multiply, 3 RealDiv, 4 SquaredDifference. */
  binary(op: number, a: Float32Array, b: Float32Array, y: Float32Array, walk: Int32Array): void;
  /** acc += x summed over a planned walk (operands x, acc), in double. */
  sum(x: Float32Array, acc: Float64Array, walk: Int32Array): void;
  relu(x: Float32Array, y: Float32Array): void;
  step(x: Float32Array, y: Float32Array, alpha: number): void;
  tanh(x: Float32Array, y: Float32Array): void;
  /** dx = dL/d(pre-activation) from dy and the activation's output y: kind 0 ReLU, 1 tanh. */
  activationGrad(kind: number, dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /**
   * Adam's update, constants [β₁, 1−β₁, β₂, 1−β₂, stepSize, vCorrection, ε]; the moving average, constants
   * [decay, 1 − decay]; spectral norm's power iteration, W/σ (returns σ) and its gradient (param_updates.c; JS
   * loops with equal results in src/backend/param-loops.ts).
   */
  adamUpdate(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, pOut: Float32Array, mOut: Float32Array, vOut: Float32Array, constants: Float32Array): void;
  emaUpdate(average: Float32Array, param: Float32Array, out: Float32Array, constants: Float32Array): void;
  powerIterate(w: Float32Array, u: Float32Array, vOut: Float32Array, uOut: Float32Array): void;
  spectralNormalize(w: Float32Array, u: Float32Array, v: Float32Array, y: Float32Array): number;
  spectralNormalizeGrad(dy: Float32Array, w: Float32Array, u: Float32Array, v: Float32Array, sigma: number, dw: Float32Array): void;
  /** Whether this thread's matrix products run on OpenBLAS, where the addon was built with it (else its own loops). */
  useOpenBlas(on: boolean): void;
  /** Whether this thread's matrix products run on OpenBLAS now. */
  openBlas(): boolean;
  /** OpenBLAS's own threads (process-wide; one per call, openblas-core.ts); 1 on the addon's own loops. */
  setThreads(n: number): void;
  threads(): number;
  /** OpenBLAS's build string, or "built-in loops (…)" while this thread's products run on the addon's own. */
  config(): string;
  /**
   * NHWC resampling on oneDNN, mode 0 nearest, 1 linear (half-pixel centres), 2 average pooling; dims
   * [batch, inH, inW, C, outH, outW] of the forward map; false where oneDNN did not compute it.
   */
  resample(mode: number, backward: boolean, input: Float32Array, output: Float32Array, dims: Int32Array): boolean;
  /**
   * NHWC batch norm in training mode on oneDNN, dims [batch, H, W, C]: y (then ReLU where `relu`), and the batch's
   * mean and biased variance per channel; false where oneDNN did not compute it. The gradient takes the forward's
   * statistics, and its output y where a ReLU followed (null otherwise).
   */
  batchNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array, dims: Int32Array, eps: number, relu: boolean): boolean;
  batchNormGrad(
    x: Float32Array, dy: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, y: Float32Array | null,
    dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array, dims: Int32Array, eps: number,
  ): boolean;
  /** NHWC instance norm (no affine), dims [batch, H, W, C]; mean and rstd = 1/√(variance + eps) per image and channel. */
  instanceNorm(x: Float32Array, y: Float32Array, mean: Float32Array, rstd: Float32Array, dims: Int32Array, eps: number, relu: boolean): void;
  instanceNormGrad(x: Float32Array, dy: Float32Array, mean: Float32Array, rstd: Float32Array, y: Float32Array | null, dx: Float32Array, dims: Int32Array): void;
  /** Whether this thread's convolutions run on oneDNN, where the addon was built with it. */
  useDnnl(on: boolean): void;
  /** "oneDNN x.y.z <kernel>" while this thread's convolutions run on oneDNN, else null. */
  dnnl(): string | null;
  /**
   * The calling thread's OpenMP team: oneDNN's primitives and the addon's own loops (elementwise, norms, the built-in
   * matrix product, split by their work) take up to this many threads; 1 where the addon is built without OpenMP.
   */
  setKernelThreads(n: number): void;
  kernelThreads(): number;
}

export type AddonLoad = { ok: true; addon: BlasAddon; path: string } | { ok: false; why: string };

/** Setting this environment variable to 1 makes the process ignore the addon (to compare paths). */
export const DISABLE_ENV = 'AUTOGAN_NO_BLAS';
/** Setting this one to 1 keeps the addon but computes its convolutions on OpenBLAS instead of oneDNN. */
export const DISABLE_DNNL_ENV = 'AUTOGAN_NO_DNNL';
/** And this one computes its matrix products on the addon's own loops instead of OpenBLAS. */
export const DISABLE_OPENBLAS_ENV = 'AUTOGAN_NO_OPENBLAS';
export const BUILD_HINT = 'it needs a C compiler (and, for speed, Debian/Ubuntu: apt-get install libopenblas-dev libdnnl-dev); then run `npm run build:native`';
const ADDON_PATH = join('native', 'build', 'Release', 'blas.node');

/** The addon sits in the package root's native/; this module runs from dist/ or .test-build/, so search upward. */
function findAddon(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ADDON_PATH))) return join(dir, ADDON_PATH);
    if (dirname(dir) === dir) return undefined;
  }
}

let loaded: AddonLoad | undefined;

export function loadBlasAddon(): AddonLoad {
  loaded ??= load();
  return loaded;
}

function load(): AddonLoad {
  if (process.env[DISABLE_ENV] === '1') return { ok: false, why: `disabled by ${DISABLE_ENV}=1 (unset it to use the addon)` };
  chooseOpenBlasCore();
  chooseOpenBlasThreads();
  chooseOmpWaitPolicy();
  const path = findAddon();
  if (!path) return { ok: false, why: `the native addon is not built (no ${ADDON_PATH}); ${BUILD_HINT}` };
  try {
    const addon = createRequire(import.meta.url)(path) as BlasAddon;
    if (process.env[DISABLE_DNNL_ENV] === '1') addon.useDnnl(false);
    if (process.env[DISABLE_OPENBLAS_ENV] === '1') addon.useOpenBlas(false);
    return { ok: true, addon, path };
  } catch (e) {
    return { ok: false, why: `the native addon at ${path} does not load (${(e as Error).message.split('\n')[0]}); ${BUILD_HINT}` };
  }
}

/** Whether this thread's native kernels run on oneDNN now (built with it, loaded, and not switched off). */
export function onDnnl(): boolean {
  return loaded?.ok === true && loaded.addon.dnnl() !== null;
}
