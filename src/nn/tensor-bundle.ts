import * as tf from '@tensorflow/tfjs';
import { FieldError } from '../errors.js';

/** Named float32 arrays (weights, optimizer moments, buffers), as checkpoints and actor messages carry them. */
export type TensorBundle = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * The arrays a restore reads, by key, with the shape each must have. `optional` ones may be absent (Adam's
 * moments of a path never trained); NaN values are never checked: a collapsed model is saved and restored as it is.
 */
export type BundleLayout = Map<string, { readonly shape: readonly number[]; readonly optional: boolean }>;

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

/**
 * Checks a bundle against the layouts of everything it restores, before anything is assigned: a missing
 * array, a misshapen one, or one the model does not have (a state of another model) is a FieldError naming it.
 */
export function checkBundle(bundle: TensorBundle, ...layouts: BundleLayout[]): void {
  const layout: BundleLayout = new Map(layouts.flatMap((l) => [...l]));
  for (const [key, { shape, optional }] of layout) {
    const a = bundle[key];
    if (!a) {
      if (optional) continue;
      throw new FieldError(key, 'missing');
    }
    if (a.shape.join() !== shape.join()) throw new FieldError(key, `has shape [${a.shape}], expected [${shape}]`);
  }
  for (const key of Object.keys(bundle)) if (!layout.has(key)) throw new FieldError(key, 'is not an array of this model');
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
