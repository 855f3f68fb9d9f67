import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { nameSeed } from '../nn/params.js';
import { loadEmaGenerator } from '../train/ema-generator.js';
import { writeImageGrid } from '../util/png-grid.js';
import { intFlag, requiredString, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const help = `Usage: autogan sample --checkpoint PATH --out grid.png [--n 64] [--seed N] [--backend B]

Draws n images from the EMA generator of a training checkpoint (a .ckpt file, or a run directory:
its newest intact checkpoint) and writes them as a PNG grid, 8 per row.

Options:
  --checkpoint PATH   train checkpoint or run directory
  --out FILE          PNG to write
  --n N               images (default 64)
  --seed N            latent seed (default 0)
${BACKEND_HELP}`;

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'draw a PNG grid of samples from a trained generator',
  help,
  options: { checkpoint: { type: 'string' }, out: { type: 'string' }, n: { type: 'string' }, seed: { type: 'string' }, ...BACKEND_OPTION },
  async run(values) {
    const path = requiredString(values, 'checkpoint');
    const out = requiredString(values, 'out');
    const n = intFlag(values, 'n', 1, 4096) ?? 64;
    const seed = seedFlag(values) ?? 0;
    await startBackendFromFlags(values);
    const { G, meta } = loadEmaGenerator(path);
    const images = tf.tidy(() => G.forward(tf.randomNormal([n, G.dims.latent], 0, 1, 'float32', nameSeed(seed, 'sample')) as tf.Tensor2D, meta.arch, false));
    mkdirSync(dirname(out), { recursive: true });
    writeImageGrid(out, images.dataSync() as Float32Array, images.shape);
    images.dispose();
    G.dispose();
    console.log(`wrote ${n} samples of ${meta.arch.join(' ')} to ${out}`);
  },
};
