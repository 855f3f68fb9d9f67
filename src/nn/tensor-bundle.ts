import * as tf from '@tensorflow/tfjs';

/** Named float32 arrays (weights, optimizer moments, buffers), as checkpoints and actor messages carry them. */
export type TensorBundle = Record<string, { shape: number[]; data: Float32Array }>;

/** Copies named tensors into a bundle under `prefix/name`. */
export function bundleFromEntries(prefix: string, entries: readonly [string, tf.Tensor][]): TensorBundle {
  const out: TensorBundle = {};
  for (const [name, t] of entries) out[`${prefix}/${name}`] = { shape: [...t.shape], data: (t.dataSync() as Float32Array).slice() };
  return out;
}

/** The `prefix/name` array of a bundle as a new tensor; a misshapen one is an error naming it and `source`. */
function entryTensor(bundle: TensorBundle, key: string, like: tf.Tensor, source: string): tf.Tensor {
  const a = bundle[key]!;
  if (a.shape.join() !== like.shape.join()) throw new Error(`${source}: ${key} has shape [${a.shape}], expected [${like.shape}]`);
  return tf.tensor(a.data, a.shape);
}

/** Assigns `prefix/name` arrays of a bundle to variables; a missing or misshapen one is an error naming it. */
export function restoreEntries(bundle: TensorBundle, prefix: string, entries: readonly [string, tf.Variable][], source = 'state'): void {
  for (const [name, v] of entries) {
    const key = `${prefix}/${name}`;
    if (!bundle[key]) throw new Error(`${source} lacks ${key}`);
    const t = entryTensor(bundle, key, v, source);
    v.assign(t);
    t.dispose();
  }
}

/** New tensors for those of `entries` that the bundle holds under `prefix/name` (the caller disposes them). */
export function presentEntries(bundle: TensorBundle, prefix: string, entries: readonly [string, tf.Tensor][], source = 'state'): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, like] of entries) if (bundle[`${prefix}/${name}`]) out.set(name, entryTensor(bundle, `${prefix}/${name}`, like, source));
  return out;
}
