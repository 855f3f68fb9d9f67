/**
 * The whole state of a GanTrainer as named arrays and metadata: G and D parameters and buffers (batch-norm
 * statistics, spectral-norm vectors), both optimizers' moments and step counts, the EMA of G, and the
 * iteration counter that seeds the noise. Restoring it continues training exactly where it stopped.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanTrainer } from './gan-trainer.js';
import type { NamedArray } from './checkpoint-file.js';
import type { ParamStore } from '../nn/params.js';
import type { Adam } from '../nn/adam.js';

export interface GanStateMeta {
  readonly iteration: number;
  readonly optGSteps: number;
  readonly optDSteps: number;
}

function put(out: Map<string, NamedArray>, name: string, t: tf.Tensor): void {
  out.set(name, { shape: t.shape, data: t.dataSync() as Float32Array });
}

export function ganStateArrays(tr: GanTrainer): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  const nets: [string, ParamStore][] = [['G', tr.G.store], ['D', tr.D.store]];
  for (const [tag, store] of nets) {
    for (const [name, v] of store.trainable()) put(out, `${tag}/${name}`, v);
    for (const [name, v] of store.bufferEntries()) put(out, `${tag}.buffer/${name}`, v);
  }
  for (const [name, v] of tr.ema.shadow) put(out, `ema/${name}`, v);
  const opts: [string, Adam][] = [['optG', tr.optG], ['optD', tr.optD]];
  for (const [tag, opt] of opts) {
    const { m, v } = opt.state();
    for (const [name, t] of m) put(out, `${tag}.m/${name}`, t);
    for (const [name, t] of v) put(out, `${tag}.v/${name}`, t);
  }
  return out;
}

export function ganStateMeta(tr: GanTrainer): GanStateMeta {
  return { iteration: tr.iteration, optGSteps: tr.optG.state().t, optDSteps: tr.optD.state().t };
}

/** Restores a state; a missing or misshapen array is an error naming it and the checkpoint. */
export function restoreGanState(tr: GanTrainer, meta: GanStateMeta, arrays: Map<string, NamedArray>, source: string): void {
  const take = (name: string, like: tf.Tensor): tf.Tensor => {
    const a = arrays.get(name);
    if (!a) throw new Error(`${source}: checkpoint lacks ${name}`);
    if (a.shape.join() !== like.shape.join()) throw new Error(`${source}: ${name} has shape [${a.shape}], the model expects [${like.shape}]`);
    return tf.tensor(a.data, [...a.shape]);
  };
  const assignAll = (prefix: string, entries: [string, tf.Variable][]) => {
    for (const [name, v] of entries) {
      const t = take(`${prefix}/${name}`, v);
      v.assign(t);
      t.dispose();
    }
  };
  assignAll('G', tr.G.store.trainable());
  assignAll('G.buffer', tr.G.store.bufferEntries());
  assignAll('D', tr.D.store.trainable());
  assignAll('D.buffer', tr.D.store.bufferEntries());
  assignAll('ema', [...tr.ema.shadow.entries()]);
  const opts: [string, Adam, number, ParamStore][] = [
    ['optG', tr.optG, meta.optGSteps, tr.G.store],
    ['optD', tr.optD, meta.optDSteps, tr.D.store],
  ];
  for (const [tag, opt, steps, store] of opts) {
    const m = new Map<string, tf.Tensor>();
    const v = new Map<string, tf.Tensor>();
    for (const [name, p] of store.trainable()) {
      if (!arrays.has(`${tag}.m/${name}`)) continue; // never on a trained path: no moments yet
      m.set(name, take(`${tag}.m/${name}`, p));
      v.set(name, take(`${tag}.v/${name}`, p));
    }
    opt.restore(steps, m, v);
    for (const t of [...m.values(), ...v.values()]) t.dispose();
  }
  tr.iteration = meta.iteration;
}
