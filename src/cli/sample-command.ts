import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { generate } from '../export/exported-generator.js';
import { isExportFolder, loadGenerator } from '../export/load-generator.js';
import { nameSeed } from '../nn/params.js';
import { loadEmaGenerator } from '../train/ema-generator.js';
import { writeImageGrid } from '../util/png-grid.js';
import { intFlag, requiredString, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, seedFlag, startBackendFromFlags } from './runtime-flags.js';

const help = `Usage: autogan sample --checkpoint PATH --out grid.png [--n 64] [--seed N] [--backend B]

Draws n images from the EMA generator of a training checkpoint (a .ckpt file, or a run directory:
its newest intact checkpoint), or from the tfjs model of an \`autogan export\` folder, and writes them
as a PNG grid, 8 per row. The same seed gives the same latents either way.

Options:
  --checkpoint PATH   train checkpoint, run directory or export folder
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
    const sampler = await openSampler(path);
    try {
      const z = tf.randomNormal([n, sampler.latent], 0, 1, 'float32', nameSeed(seed, 'sample')) as tf.Tensor2D;
      const images = sampler.draw(z);
      z.dispose();
      mkdirSync(dirname(out), { recursive: true });
      writeImageGrid(out, images.dataSync() as Float32Array, images.shape);
      images.dispose();
      console.log(`wrote ${n} samples of ${sampler.arch} to ${out}`);
    } finally {
      sampler.dispose();
    }
  },
};

/** A generator to draw from: an export's tfjs model, or a checkpoint's EMA generator. */
interface Sampler {
  readonly latent: number;
  readonly arch: string;
  draw(z: tf.Tensor2D): tf.Tensor4D;
  dispose(): void;
}

async function openSampler(path: string): Promise<Sampler> {
  if (isExportFolder(path)) {
    const gen = await loadGenerator(path);
    return { latent: gen.metadata.latent, arch: `${gen.metadata.arch} (exported)`, draw: (z) => generate(gen, z), dispose: () => gen.dispose() };
  }
  const { G, meta } = loadEmaGenerator(path);
  return { latent: G.dims.latent, arch: meta.arch.join(' '), draw: (z) => tf.tidy(() => G.forward(z, meta.arch, false)), dispose: () => G.dispose() };
}
