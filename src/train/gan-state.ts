/**
 * The whole state of a GanTrainer as named arrays and metadata: G and D parameters and buffers (batch-norm
 * statistics, spectral-norm vectors), both optimizers' moments and step counts, the EMA of G, and the
 * iteration counter that seeds the noise. Restoring it continues training exactly where it stopped.
 */
import type { GanTrainer } from './gan-trainer.js';
import type { NamedArray } from '../util/checkpoint-file.js';
import { Adam } from '../nn/adam.js';
import { checkBundle, type BundleLayout, type TensorBundle } from '../nn/bundle-layout.js';
import { bundleFromEntries, layoutOf, restoreEntries } from '../nn/tensor-bundle.js';
import { natural, obj, type Infer } from '../util/schema.js';

export const ganStateMetaSchema = obj({ iteration: natural, optGSteps: natural, optDSteps: natural });
export type GanStateMeta = Infer<typeof ganStateMetaSchema>;

export function ganStateArrays(tr: GanTrainer): Map<string, NamedArray> {
  const bundle: TensorBundle = {
    ...bundleFromEntries('G', tr.G.store.trainable()),
    ...bundleFromEntries('G.buffer', tr.G.store.bufferEntries()),
    ...bundleFromEntries('D', tr.D.store.trainable()),
    ...bundleFromEntries('D.buffer', tr.D.store.bufferEntries()),
    ...bundleFromEntries('ema', [...tr.ema.shadow.entries()]),
    ...tr.optG.toBundle('optG'),
    ...tr.optD.toBundle('optD'),
  };
  return new Map(Object.entries(bundle));
}

export function ganStateMeta(tr: GanTrainer): GanStateMeta {
  return { iteration: tr.iteration, optGSteps: tr.optG.state().t, optDSteps: tr.optD.state().t };
}

/** Every array `ganStateArrays` writes for this G and D (the EMA holds G's trainable parameters). */
export function ganStateLayout(G: GanTrainer['G'], D: GanTrainer['D']): BundleLayout[] {
  return [
    layoutOf('G', G.store.trainable()), layoutOf('G.buffer', G.store.bufferEntries()), layoutOf('ema', G.store.trainable()),
    layoutOf('D', D.store.trainable()), layoutOf('D.buffer', D.store.bufferEntries()),
    Adam.layout('optG', G.store.trainable()), Adam.layout('optD', D.store.trainable()),
  ];
}

/** Restores a state; a missing, misshapen or unknown array is a FieldError naming it, raised before anything changes. */
export function restoreGanState(tr: GanTrainer, meta: GanStateMeta, arrays: Map<string, NamedArray>): void {
  const bundle = Object.fromEntries([...arrays].map(([k, a]) => [k, { shape: [...a.shape], data: a.data }])) as TensorBundle;
  checkBundle(bundle, ...ganStateLayout(tr.G, tr.D));
  restoreEntries(bundle, 'G', tr.G.store.trainable());
  restoreEntries(bundle, 'G.buffer', tr.G.store.bufferEntries());
  restoreEntries(bundle, 'D', tr.D.store.trainable());
  restoreEntries(bundle, 'D.buffer', tr.D.store.bufferEntries());
  restoreEntries(bundle, 'ema', [...tr.ema.shadow.entries()]);
  tr.optG.restoreFromBundle(meta.optGSteps, bundle, 'optG', tr.G.store.trainable());
  tr.optD.restoreFromBundle(meta.optDSteps, bundle, 'optD', tr.D.store.trainable());
  tr.iteration = meta.iteration;
}
