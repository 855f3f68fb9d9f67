/**
 * Bundles of named arrays and their check against a restore's layout: plain data, apart from tensor-bundle.ts's
 * conversions to and from tensors, so that a tensor-free actor checks the state it restores without loading tfjs.
 */
import { FieldError } from '../errors.js';

/** Named float32 arrays (weights, optimizer moments, buffers), as checkpoints and actor messages carry them. */
export type TensorBundle = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * The arrays a restore reads, by key, with the shape each must have. `optional` ones may be absent (Adam's
 * moments of a path never trained); NaN values are never checked: a collapsed model is saved and restored as it is.
 */
export type BundleLayout = Map<string, { readonly shape: readonly number[]; readonly optional: boolean }>;

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
