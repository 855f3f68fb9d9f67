import * as tf from '@tensorflow/tfjs';
import type { TensorBundle } from './ports.js';

/** Copies named tensors into a bundle under `prefix/name`. */
export function bundleFromEntries(prefix: string, entries: readonly [string, tf.Tensor][]): TensorBundle {
  const out: TensorBundle = {};
  for (const [name, t] of entries) out[`${prefix}/${name}`] = { shape: [...t.shape], data: (t.dataSync() as Float32Array).slice() };
  return out;
}

/** Assigns `prefix/name` arrays of a bundle to variables; a missing or misshapen one is an error naming it. */
export function restoreEntries(bundle: TensorBundle, prefix: string, entries: readonly [string, tf.Variable][]): void {
  for (const [name, v] of entries) {
    const a = bundle[`${prefix}/${name}`];
    if (!a) throw new Error(`state lacks ${prefix}/${name}`);
    if (a.shape.join() !== v.shape.join()) throw new Error(`state ${prefix}/${name} has shape [${a.shape}], expected [${v.shape}]`);
    const t = tf.tensor(a.data, a.shape);
    v.assign(t);
    t.dispose();
  }
}
