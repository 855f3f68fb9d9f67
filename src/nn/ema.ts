import * as tf from '@tensorflow/tfjs';
import { paramLoops } from '../backend/param-loops.js';
import { assignArray, hostValues } from './host-arrays.js';
import { keepingValues, type ParamStore } from './params.js';

/**
 * Exponential moving average of a network's trainable parameters (not its buffers), updated after each
 * G step as the reference does: avg ← decay·avg + (1 − decay)·param. Used for evaluation and sampling.
 */
export class Ema {
  readonly shadow = new Map<string, tf.Variable>();

  constructor(private readonly store: ParamStore, readonly decay: number) {
    for (const [name, p] of store.trainable()) this.shadow.set(name, tf.tidy(() => tf.variable(p.clone(), false)));
  }

  update(): void {
    for (const [name, p] of this.store.trainable()) {
      const s = this.shadow.get(name)!;
      if (!updateArrays(s, p, this.decay)) tf.tidy(() => s.assign(tf.add(tf.mul(s, this.decay), tf.mul(p, 1 - this.decay))));
    }
  }

  /** Runs `fn` with the network's parameters temporarily replaced by the averages. */
  withAverages<T>(fn: () => T): T {
    const params = this.store.trainable();
    return keepingValues(params.map(([, p]) => p), () => {
      for (const [name, p] of params) p.assign(this.shadow.get(name)!);
      return fn();
    });
  }

  /** Sets the averages to given values (checkpoint restore). */
  restore(values: Map<string, tf.Tensor>): void {
    for (const [name, s] of this.shadow) {
      const v = values.get(name);
      if (!v) throw new Error(`EMA value for ${name} missing`);
      s.assign(v);
    }
  }

  dispose(): void {
    for (const s of this.shadow.values()) s.dispose();
    this.shadow.clear();
  }
}

/** The update on the arrays, rounded as the kernels round it; false where the backend does not hold arrays. */
function updateArrays(s: tf.Variable, p: tf.Variable, decay: number): boolean {
  const [ss, ps] = [hostValues(s), hostValues(p)];
  if (!ss || !ps) return false;
  const out = new Float32Array(ss.length);
  paramLoops().emaUpdate(ss, ps, out, Float32Array.of(decay, 1 - decay));
  assignArray(s, out);
  return true;
}
