/**
 * One Adam update of one parameter, in two forms with bit-identical results: a dozen kernels, or, where the
 * backend holds plain arrays (host-arrays.ts), one pass in float32 arithmetic, every intermediate rounded as
 * the kernels round it, written as new tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { assignArray, hostValues } from './host-arrays.js';

/** The step's constants: β₁, β₂, ε, lr / (1 − β₁ᵗ) and 1 − β₂ᵗ. */
export interface AdamStepConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly stepSize: number;
  readonly vCorrection: number;
}

/** m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − stepSize·m / (√(v / vCorrection) + ε), as tensor ops. */
export function adamStepKernels(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, c: AdamStepConstants): void {
  tf.tidy(() => {
    m.assign(tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1)));
    v.assign(tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2)));
    p.assign(tf.sub(p, tf.div(tf.mul(m, c.stepSize), tf.add(tf.sqrt(tf.div(v, c.vCorrection)), c.eps))));
  });
}

/** The same update on the tensors' arrays; false (and nothing changed) where the backend does not hold them so. */
export function adamStepArrays(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, c: AdamStepConstants): boolean {
  const [ps, ms, vs, gs] = [hostValues(p), hostValues(m), hostValues(v), hostValues(g)];
  if (!ps || !ms || !vs || !gs) return false;
  // The kernels see each constant as a float32 scalar; every op's result is rounded to float32.
  const f = Math.fround;
  const [b1, c1, b2, c2] = [f(c.beta1), f(1 - c.beta1), f(c.beta2), f(1 - c.beta2)];
  const [step, vc, eps] = [f(c.stepSize), f(c.vCorrection), f(c.eps)];
  const n = ps.length;
  const [p2, m2, v2] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    const gi = gs[i]!;
    const mi = f(f(ms[i]! * b1) + f(gi * c1));
    const vi = f(f(vs[i]! * b2) + f(f(gi * gi) * c2));
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = ps[i]! - f(f(mi * step) / f(f(Math.sqrt(f(vi / vc))) + eps));
  }
  for (const [variable, data] of [[m, m2], [v, v2], [p, p2]] as const) assignArray(variable, data);
  return true;
}
