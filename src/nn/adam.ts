import * as tf from '@tensorflow/tfjs';
import { adamStepArrays, adamStepKernels } from './adam-step.js';
import type { BundleLayout, TensorBundle } from './bundle-layout.js';
import { bundleFromEntries, layoutOf, presentEntries } from './tensor-bundle.js';

export interface AdamConfig {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/**
 * Adam (Kingma & Ba) as PyTorch computes it, over named parameters. Our own rather than tfjs's optimizer so
 * that its state is keyed by our parameter names and a checkpoint restores it exactly in a new process.
 */
export class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;

  constructor(readonly cfg: AdamConfig) {}

  /**
   * Minimises `loss` over `params`; returns the loss value before the update. `lrScale` multiplies the
   * configured learning rate for this step (a schedule's factor).
   */
  minimize(loss: () => tf.Scalar, params: readonly [string, tf.Variable][], lrScale = 1): number {
    const { value, grads } = tf.variableGrads(loss, params.map(([, p]) => p));
    const result = value.dataSync()[0]!;
    value.dispose();
    this.t += 1;
    const { lr, beta1, beta2, eps } = this.cfg;
    const stepSize = (lr * lrScale) / (1 - beta1 ** this.t);
    const vCorrection = 1 - beta2 ** this.t;
    const constants = { beta1, beta2, eps, stepSize, vCorrection };
    for (const [name, p] of params) {
      const g = grads[p.name];
      if (!g) continue; // not on this minibatch's path: PyTorch leaves its moments untouched too
      const m = this.moment(this.m, name, p);
      const v = this.moment(this.v, name, p);
      if (!adamStepArrays(p, m, v, g, constants)) adamStepKernels(p, m, v, g, constants);
    }
    Object.values(grads).forEach((g) => g.dispose());
    return result;
  }

  private moment(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
      map.set(name, s);
    }
    return s;
  }

  /** State for checkpoints: the step count and both moments by parameter name. */
  state(): { t: number; m: Map<string, tf.Variable>; v: Map<string, tf.Variable> } {
    return { t: this.t, m: this.m, v: this.v };
  }

  /** Both moments as a bundle, under `prefix.m/name` and `prefix.v/name`. */
  toBundle(prefix: string): TensorBundle {
    return { ...bundleFromEntries(`${prefix}.m`, [...this.m.entries()]), ...bundleFromEntries(`${prefix}.v`, [...this.v.entries()]) };
  }

  /** What `toBundle` may hold for these parameters: a moment of each, optional (a path never trained has none). */
  static layout(prefix: string, params: readonly [string, tf.Variable][]): BundleLayout {
    return new Map([...layoutOf(`${prefix}.m`, params, true), ...layoutOf(`${prefix}.v`, params, true)]);
  }

  /** Restores `t` steps and the moments of a bundle checked against `Adam.layout`. */
  restoreFromBundle(t: number, bundle: TensorBundle, prefix: string, params: readonly [string, tf.Variable][]): void {
    const m = presentEntries(bundle, `${prefix}.m`, params);
    const v = presentEntries(bundle, `${prefix}.v`, params);
    this.restore(t, m, v);
    for (const x of [...m.values(), ...v.values()]) x.dispose();
  }

  /** Restores state saved by `state()`; the arrays are copied into new variables. */
  restore(t: number, m: Map<string, tf.Tensor>, v: Map<string, tf.Tensor>): void {
    this.dispose();
    this.t = t;
    for (const [k, x] of m) this.m.set(k, tf.tidy(() => tf.variable(x.clone(), false)));
    for (const [k, x] of v) this.v.set(k, tf.tidy(() => tf.variable(x.clone(), false)));
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
    this.t = 0;
  }
}
