import * as tf from '@tensorflow/tfjs';
import type { BundleLayout, TensorBundle } from './bundle-layout.js';

/** Copies named tensors into a bundle under `prefix/name`. */
export function bundleFromEntries(prefix: string, entries: readonly [string, tf.Tensor][]): TensorBundle {
  const out: TensorBundle = {};
  for (const [name, t] of entries) out[`${prefix}/${name}`] = { shape: [...t.shape], data: (t.dataSync() as Float32Array).slice() };
  return out;
}

/** The layout of `entries` under `prefix/name`. */
export function layoutOf(prefix: string, entries: readonly [string, tf.Tensor][], optional = false): BundleLayout {
  return new Map(entries.map(([name, t]) => [`${prefix}/${name}`, { shape: t.shape, optional }]));
}

/** Assigns the `prefix/name` arrays of a checked bundle (see checkBundle) to variables. */
export function restoreEntries(bundle: TensorBundle, prefix: string, entries: readonly [string, tf.Variable][]): void {
  for (const [name, v] of entries) {
    const t = tf.tensor(bundle[`${prefix}/${name}`]!.data, v.shape);
    v.assign(t);
    t.dispose();
  }
}

/** New tensors for those of `entries` that a checked bundle holds under `prefix/name` (the caller disposes them). */
export function presentEntries(bundle: TensorBundle, prefix: string, entries: readonly [string, tf.Tensor][]): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, like] of entries) {
    const a = bundle[`${prefix}/${name}`];
    if (a) out.set(name, tf.tensor(a.data, like.shape));
  }
  return out;
}
