/**
 * A sample grid of each search iteration's best architecture: 64 fixed latents through the shared generator
 * of the snapshot its children were scored on, written to the run's samples/ as an 8×8 PNG, so the report
 * (and TensorBoard) can show how the search's best images change. Drawn in the conductor's process from the
 * snapshot it already holds: one generator pass per iteration, no request to the busy actors.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { Generator } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import { checkBundle } from '../nn/bundle-layout.js';
import { layoutOf, restoreEntries } from '../nn/tensor-bundle.js';
import { writeImageGrid } from '../util/png-grid.js';
import { searchGeneratorDims } from './local-ports.js';
import type { WeightSnapshot } from './ports.js';

const GRID_SAMPLES = 64;

/** The grid's file name under samples/ for a (0-based) iteration. */
export function searchGridName(iteration: number): string {
  return `iteration-${String(iteration).padStart(6, '0')}.png`;
}

export class SearchSampleGrids {
  private G: Generator | null = null;
  private z: tf.Tensor2D | null = null;

  constructor(private readonly config: RunConfig, private readonly samplesDir: string) {}

  /** Writes the grid of `arch` on `snapshot` for `iteration`; returns its path. */
  write(iteration: number, arch: readonly number[], snapshot: WeightSnapshot): string {
    const { config } = this;
    this.G ??= new Generator(searchGeneratorDims(config), { kind: 'shared' }, nameSeed(config.seed, 'search-samples.G'));
    this.z ??= tf.randomNormal([GRID_SAMPLES, config.model.latent], 0, 1, 'float32', nameSeed(config.seed, 'search-samples.z')) as tf.Tensor2D;
    const G = this.G;
    checkBundle(snapshot.arrays, layoutOf('G', G.store.trainable()), layoutOf('G.buffer', G.store.bufferEntries()));
    restoreEntries(snapshot.arrays, 'G', G.store.trainable());
    restoreEntries(snapshot.arrays, 'G.buffer', G.store.bufferEntries());
    // Batch statistics, as the evaluator scores children: the running ones mix every path's activations.
    const images = tf.tidy(() => G.forward(this.z!, arch, true));
    mkdirSync(this.samplesDir, { recursive: true });
    const path = join(this.samplesDir, searchGridName(iteration));
    writeImageGrid(path, images.dataSync() as Float32Array, images.shape);
    images.dispose();
    return path;
  }

  dispose(): void {
    this.G?.dispose();
    this.z?.dispose();
    this.G = null;
    this.z = null;
  }
}
