import * as tf from '@tensorflow/tfjs';

export interface GradCheckResult {
  readonly worst: number;
  readonly where: string;
}

/**
 * What gradCheck's worst error must stay under. The worst measured over test/ops-gradients.test.ts's cases,
 * 48 probes each, is 1.5e-4 (a 3x3 conv on wasm: float32 rounding of its forward pass); a wrong gradient term
 * is off by far more.
 */
export const GRAD_TOL = 1e-3;

/**
 * Compares tfjs's gradient of L = Σ f(inputs) ⊙ r (r a fixed random weighting) with central finite
 * differences, on `probes` coordinates of every input. Returns the worst error relative to max(1, |numeric|).
 * Inputs are float32, so eps is 1e-2: small enough for smooth ops, large enough for float32 rounding. The
 * finite differences sum L in float64 from f's float32 output, so that only f's own rounding is left in them
 * (L's float32 sum was most of their error for the simpler ops: average pooling's fell from 8e-6 to 2e-7).
 */
export function gradCheck(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], probes = 48, eps = 1e-2, seed = 7): GradCheckResult {
  const out = tf.tidy(() => f(...inputs));
  const r = tf.randomUniform(out.shape, -1, 1, 'float32', seed);
  out.dispose();
  const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), r));
  const analytic = tf.tidy(() => tf.grads(loss)(inputs));
  const rv = r.dataSync();
  let worst = 0;
  let where = '';
  let rng = seed;
  const nextIndex = (n: number) => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % n;
  };
  inputs.forEach((x, k) => {
    const base = x.dataSync().slice();
    const g = analytic[k]!.dataSync();
    for (let p = 0; p < Math.min(probes, base.length); p++) {
      const idx = base.length <= probes ? p : nextIndex(base.length);
      const at = (delta: number) => {
        const v = base.slice();
        v[idx]! += delta;
        const xs = inputs.map((t, j) => (j === k ? tf.tensor(v, t.shape) : t));
        const y = tf.tidy(() => f(...xs));
        const yv = y.dataSync();
        y.dispose();
        xs[k]!.dispose();
        let l = 0;
        for (let i = 0; i < yv.length; i++) l += yv[i]! * rv[i]!;
        return l;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(numeric - g[idx]!) / Math.max(1, Math.abs(numeric));
      if (err > worst) {
        worst = err;
        where = `input ${k}, index ${idx}: analytic ${g[idx]}, numeric ${numeric}`;
      }
    }
  });
  analytic.forEach((t) => t.dispose());
  r.dispose();
  return { worst, where };
}

/** Values in ±[0.2, 1]: away from ReLU's kink, so finite differences stay on one side of it. */
export function awayFromZero(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const mag = tf.randomUniform(shape, 0.2, 1, 'float32', seed);
    const sign = tf.sign(tf.randomUniform(shape, -1, 1, 'float32', seed + 1));
    return tf.mul(mag, sign);
  });
}
