/**
 * The whole state of a GanTrainer as named arrays and metadata: G and D parameters and buffers (batch-norm
 * statistics, spectral-norm vectors), both optimizers' moments and step counts, the EMA of G, and the
 * iteration counter that seeds the noise. Restoring it continues training exactly where it stopped.
 */
import type { GanTrainer } from './gan-trainer.js';
import type { NamedArray } from './checkpoint-file.js';
import { bundleFromEntries, restoreEntries, type TensorBundle } from '../nn/tensor-bundle.js';

export interface GanStateMeta {
  readonly iteration: number;
  readonly optGSteps: number;
  readonly optDSteps: number;
}

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

/** Restores a state; a missing or misshapen array is an error naming it and the checkpoint. */
export function restoreGanState(tr: GanTrainer, meta: GanStateMeta, arrays: Map<string, NamedArray>, source: string): void {
  const bundle = Object.fromEntries([...arrays].map(([k, a]) => [k, { shape: [...a.shape], data: a.data }])) as TensorBundle;
  restoreEntries(bundle, 'G', tr.G.store.trainable(), source);
  restoreEntries(bundle, 'G.buffer', tr.G.store.bufferEntries(), source);
  restoreEntries(bundle, 'D', tr.D.store.trainable(), source);
  restoreEntries(bundle, 'D.buffer', tr.D.store.bufferEntries(), source);
  restoreEntries(bundle, 'ema', [...tr.ema.shadow.entries()], source);
  tr.optG.restoreFromBundle(meta.optGSteps, bundle, 'optG', tr.G.store.trainable(), source);
  tr.optD.restoreFromBundle(meta.optDSteps, bundle, 'optD', tr.D.store.trainable(), source);
  tr.iteration = meta.iteration;
}
