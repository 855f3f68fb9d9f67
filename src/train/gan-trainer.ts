/**
 * One GAN training iteration as the reference runs it: a D step on a real minibatch against G's fakes, and,
 * every n_critic-th iteration, a G step. Hinge losses, Adam for both nets, EMA of G after each G step.
 * The architecture is chosen per iteration, so the same class trains the shared generator during search
 * (a sampled architecture per minibatch) and a derived generator from scratch (always its own).
 */
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../nn/arch.js';
import { Adam } from '../nn/adam.js';
import type { Discriminator } from '../nn/discriminator.js';
import { Ema } from '../nn/ema.js';
import type { Generator } from '../nn/generator.js';
import { discriminatorHingeLoss, generatorHingeLoss } from '../nn/losses.js';
import { keepingValues, nameSeed } from '../nn/params.js';

export interface GanTrainConfig {
  /** Real and fake images per D step (64 in the reference). */
  readonly dBatch: number;
  /** Fake images per G step (128 in the reference). */
  readonly gBatch: number;
  /** D steps per G step (5). */
  readonly nCritic: number;
  readonly lrG: number;
  readonly lrD: number;
  /** Adam betas for both nets ((0, 0.9) in the reference). */
  readonly beta1: number;
  readonly beta2: number;
  /** EMA decay of G's weights (0.999). */
  readonly emaDecay: number;
}

/**
 * The latents the EMA generator's batch-norm statistics are measured on, from the run's seed: training's samples and
 * a checkpoint's EMA generator (ema-generator.ts) use the same, so both draw the same images.
 */
export const emaStatisticsSeed = (seed: number): number => nameSeed(seed, 'ema-statistics');

export interface IterationLosses {
  readonly dLoss: number;
  /** Null on iterations without a G step. */
  readonly gLoss: number | null;
}

export class GanTrainer {
  readonly optG: Adam;
  readonly optD: Adam;
  readonly ema: Ema;
  /** D steps taken so far; noise of iteration i is a function of (seed, i), so a resumed run draws the same. */
  iteration = 0;
  /** Multiplies both learning rates: set by a run's schedule before each iteration (1 without one). */
  lrScale = 1;

  constructor(readonly G: Generator, readonly D: Discriminator, readonly cfg: GanTrainConfig, readonly seed: number) {
    this.optG = new Adam({ lr: cfg.lrG, beta1: cfg.beta1, beta2: cfg.beta2, eps: 1e-8 });
    this.optD = new Adam({ lr: cfg.lrD, beta1: cfg.beta1, beta2: cfg.beta2, eps: 1e-8 });
    this.ema = new Ema(G.store, cfg.emaDecay);
  }

  private noise(kind: 'd' | 'g', batch: number): tf.Tensor2D {
    return tf.randomNormal([batch, this.G.dims.latent], 0, 1, 'float32', nameSeed(this.seed, `z.${kind}.${this.iteration}`));
  }

  /** real: [dBatch, S, S, C] in [-1, 1]; arch: the prefix to run; blocks: D's blocks at this stage. */
  trainIteration(real: tf.Tensor4D, arch: Arch, blocks: readonly number[]): IterationLosses {
    const fake = tf.tidy(() => this.G.forward(this.noise('d', real.shape[0]), arch, true));
    this.D.powerIterate();
    // Real and fake go through D as one batch: D has no batch statistics, so the scores are those of two
    // forwards, at half the kernel calls (and one spectral normalisation of each weight instead of two).
    const n = real.shape[0];
    const dLoss = this.optD.minimize(() => {
      const scores = this.D.forward(tf.concat([real, fake]), blocks);
      return discriminatorHingeLoss(tf.slice(scores, [0, 0], [n, 1]), tf.slice(scores, [n, 0], [fake.shape[0], 1]));
    }, this.D.store.trainable(), this.lrScale);
    fake.dispose();
    let gLoss: number | null = null;
    if (this.iteration % this.cfg.nCritic === 0) {
      const z = this.noise('g', this.cfg.gBatch);
      this.D.powerIterate();
      gLoss = this.optG.minimize(() => generatorHingeLoss(this.D.forward(this.G.forward(z, arch, true), blocks)), this.G.store.trainable(), this.lrScale);
      z.dispose();
      this.ema.update();
    }
    this.iteration += 1;
    return { dLoss, gLoss };
  }

  /**
   * Runs `fn` with a sampler of the EMA generator, for evaluations and sample grids: the averaged weights in
   * inference mode, with batch-norm statistics of their own (measured once, on entry; see emaStatisticsSeed).
   * G's weights and statistics are as they were afterwards.
   */
  withEmaSampler<T>(arch: Arch, fn: (sample: (z: tf.Tensor2D) => tf.Tensor4D) => T): T {
    return this.ema.withAverages(() =>
      keepingValues(this.G.store.bufferEntries().map(([, v]) => v), () => {
        this.G.measureStatistics(arch, emaStatisticsSeed(this.seed));
        return fn((z) => tf.tidy(() => this.G.forward(z, arch, false)));
      }),
    );
  }

  dispose(): void {
    this.optG.dispose();
    this.optD.dispose();
    this.ema.dispose();
  }
}
