/**
 * The per-parameter passes of a training step (Adam, the moving average, spectral norm) on plain float arrays,
 * for the backends that keep tensors so (cpu, blas). On blas they run in the addon (native/param_updates.c): the
 * same loops in JS took ~15 ms of a 55 ms step at 8 px. The JS loops serve the stock cpu backend and wherever
 * the addon is absent; both give the same results bit for bit (test: param-loops).
 */
import * as tf from '@tensorflow/tfjs';
import { loadBlasAddon, type BlasAddon } from './blas/addon.js';
import { BLAS_TF_NAME } from './blas/backend.js';

export type ParamLoops = Pick<BlasAddon, 'adamUpdate' | 'emaUpdate' | 'powerIterate' | 'spectralNormalize' | 'spectralNormalizeGrad'>;

/** x / (‖x‖ + 1e-12) into out, the norm in double. */
function normalizeInto(x: Float64Array, out: Float32Array): void {
  let sq = 0;
  for (const a of x) sq += a * a;
  const scale = 1 / (Math.sqrt(sq) + 1e-12);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * scale;
}

/** Every intermediate is rounded to float32 as the kernels (and the addon's float arithmetic) round it. */
export const JS_PARAM_LOOPS: ParamLoops = {
  adamUpdate(p, m, v, g, pOut, mOut, vOut, c) {
    const f = Math.fround;
    const [b1, c1, b2, c2, step, vc, eps] = c;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const mi = f(f(m[i]! * b1) + f(gi * c1));
      const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
      mOut[i] = mi;
      vOut[i] = vi;
      pOut[i] = p[i]! - f(f(mi * step) / f(f(Math.sqrt(f(vi / vc))) + eps));
    }
  },
  emaUpdate(average, param, out, c) {
    const f = Math.fround;
    const [d, e] = [c[0]!, c[1]!];
    for (let i = 0; i < out.length; i++) out[i] = f(average[i]! * d) + f(param[i]! * e);
  },
  powerIterate(w, u, vOut, uOut) {
    const [rows, cols] = [vOut.length, u.length];
    const v = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let c = 0; c < cols; c++) acc += w[r * cols + c]! * u[c]!;
      v[r] = acc;
    }
    normalizeInto(v, vOut);
    const un = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const vr = vOut[r]!;
      for (let c = 0; c < cols; c++) un[c]! += w[r * cols + c]! * vr;
    }
    normalizeInto(un, uOut);
  },
  spectralNormalize(w, u, v, y) {
    const [rows, cols] = [v.length, u.length];
    let sigma = 0;
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let c = 0; c < cols; c++) acc += w[r * cols + c]! * u[c]!;
      sigma += v[r]! * acc;
    }
    for (let i = 0; i < y.length; i++) y[i] = w[i]! / sigma;
    return sigma;
  },
  spectralNormalizeGrad(dy, w, u, v, sigma, dw) {
    const [rows, cols] = [v.length, u.length];
    let dot = 0;
    for (let i = 0; i < dy.length; i++) dot += dy[i]! * w[i]!;
    const k = dot / (sigma * sigma);
    for (let r = 0; r < rows; r++) {
      const kv = k * v[r]!;
      for (let c = 0; c < cols; c++) dw[r * cols + c] = dy[r * cols + c]! / sigma - kv * u[c]!;
    }
  },
};

/** The addon's loops while the blas backend runs, the JS loops otherwise. */
export function paramLoops(): ParamLoops {
  if (tf.getBackend() !== BLAS_TF_NAME) return JS_PARAM_LOOPS;
  const load = loadBlasAddon();
  return load.ok ? load.addon : JS_PARAM_LOOPS;
}
