/**
 * One Adam update of one parameter, in two forms with bit-identical results: a dozen kernels, or, where the
 * backend holds plain arrays (host-arrays.ts), one pass in float32 arithmetic (backend/param-loops.ts), every
 * intermediate rounded as the kernels round it, written as new tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { paramLoops } from '../backend/param-loops.js';
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
  // The kernels see each constant as a float32 scalar.
  const constants = Float32Array.of(c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.stepSize, c.vCorrection, c.eps);
  const n = ps.length;
  const [p2, m2, v2] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  paramLoops().adamUpdate(ps, ms, vs, gs, p2, m2, v2, constants);
  for (const [variable, data] of [[m, m2], [v, v2], [p, p2]] as const) assignArray(variable, data);
  return true;
}
