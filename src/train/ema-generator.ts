/**
 * The generator a training run evaluates: a derived Generator rebuilt from a train checkpoint's config and
 * architecture, holding the EMA of its weights and their own batch-norm statistics, measured as the run measures
 * them for its sample grids and scores (GanTrainer.withEmaSampler), so it draws the same images.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_CHANNELS } from '../config/training-settings.js';
import { fileError } from '../errors.js';
import { Generator } from '../nn/generator.js';
import { loadNewestCheckpoint } from './checkpoint-dir.js';
import { emaStatisticsSeed } from './gan-trainer.js';
import { readCheckpoint, type CheckpointContents } from '../util/checkpoint-file.js';
import { parseTrainCheckpointMeta, type TrainCheckpointMeta } from './train-checkpoint-meta.js';

export interface EmaGenerator {
  readonly G: Generator;
  readonly meta: TrainCheckpointMeta;
  /** The checkpoint file read (the newest intact one when a run directory was given). */
  readonly path: string;
}

/**
 * Loads `path`: a train checkpoint file, or a run directory (its newest intact checkpoint).
 *
 * @example
 * const { G, meta } = loadEmaGenerator('runs/train-1/checkpoints/step-000050000.ckpt');
 * const images = G.forward(z, meta.arch, false); // inference-mode batch norm
 */
export function loadEmaGenerator(path: string): EmaGenerator {
  const { meta: raw, arrays, file } = readTrainCheckpoint(path);
  if ((raw as { kind?: unknown } | null)?.kind !== 'train') {
    throw fileError(file, `not a checkpoint of \`autogan train\` (kind ${JSON.stringify((raw as { kind?: unknown } | null)?.kind)})`);
  }
  const meta = parseTrainCheckpointMeta(raw, file);
  const arch = meta.arch;
  const { latent, gf, bottom } = meta.config.model;
  const G = new Generator({ latent, gf, bottom, channels: DATASET_CHANNELS[meta.config.data.dataset] }, { kind: 'derived', arch }, 0);
  try {
    const fill = (prefix: string, entries: [string, tf.Variable][]) => {
      for (const [name, v] of entries) {
        const a = arrays.get(`${prefix}/${name}`);
        if (!a) throw fileError(file, `lacks ${prefix}/${name}`);
        if (a.shape.join() !== v.shape.join()) throw fileError(file, `${prefix}/${name} has shape [${a.shape}], the generator expects [${v.shape}]`);
        tf.tidy(() => v.assign(tf.tensor(a.data, v.shape)));
      }
    };
    fill('ema', G.store.trainable());
    G.measureStatistics(arch, emaStatisticsSeed(meta.config.seed));
  } catch (e) {
    G.dispose();
    throw e;
  }
  return { G, meta, path: file };
}

function readTrainCheckpoint(path: string): CheckpointContents<unknown> & { file: string } {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const dir = join(path, 'checkpoints');
    const loaded = loadNewestCheckpoint<unknown>(dir);
    if (!loaded) throw fileError(path, `no checkpoint in ${dir}`);
    return { ...loaded, file: loaded.path };
  }
  return { ...readCheckpoint<unknown>(path), file: path };
}
