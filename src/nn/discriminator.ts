/**
 * The AutoGAN discriminator (reference "Discriminator"): an optimised first block, a downsampling block, two
 * plain blocks, then ReLU → sum over H, W → linear (no bias). Spectral norm on every conv and the head.
 * It grows with the search (paper §3.3): stage 0 (8 px) runs blocks 1 and 4, stage 1 (16 px) blocks 1, 2, 4,
 * stage 2 (32 px) all four. It is one object, so weights trained at an earlier stage are kept.
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../backend/ops.js';
import { Conv, Linear } from './layers.js';
import { ParamStore } from './params.js';
import { SpectralNorm } from './spectral-norm.js';

type T4 = tf.Tensor4D;

/** Which blocks (1-based) run at each search stage; the final (derived) model runs all four. */
export const BLOCKS_BY_STAGE: readonly (readonly number[])[] = [
  [1, 4],
  [1, 2, 4],
  [1, 2, 3, 4],
];

/** A conv with spectral norm on its weight. */
class SnConv {
  readonly conv: Conv;
  readonly sn: SpectralNorm;
  constructor(store: ParamStore, name: string, cin: number, cout: number, k: number) {
    this.conv = new Conv(store, name, cin, cout, k);
    this.sn = new SpectralNorm(store, name, this.conv.w);
  }
  apply(x: T4, activation: ops.Activation = 'linear'): T4 {
    return this.conv.apply(x, this.sn.normalized(), activation);
  }
}

export interface DiscriminatorDims {
  /** Channels in every block (df_dim). */
  readonly df: number;
  /** Image channels. */
  readonly channels: number;
}

export class Discriminator {
  readonly store: ParamStore;
  private readonly b1: { c1: SnConv; c2: SnConv; sc: SnConv };
  private readonly b2: { c1: SnConv; c2: SnConv; sc: SnConv };
  private readonly b3: { c1: SnConv; c2: SnConv };
  private readonly b4: { c1: SnConv; c2: SnConv };
  private readonly head: Linear;
  private readonly headSn: SpectralNorm;

  constructor(readonly dims: DiscriminatorDims, seed: number) {
    this.store = new ParamStore(seed);
    const s = this.store;
    const { df, channels } = dims;
    this.b1 = { c1: new SnConv(s, 'd.block1.c1', channels, df, 3), c2: new SnConv(s, 'd.block1.c2', df, df, 3), sc: new SnConv(s, 'd.block1.sc', channels, df, 1) };
    this.b2 = { c1: new SnConv(s, 'd.block2.c1', df, df, 3), c2: new SnConv(s, 'd.block2.c2', df, df, 3), sc: new SnConv(s, 'd.block2.sc', df, df, 1) };
    this.b3 = { c1: new SnConv(s, 'd.block3.c1', df, df, 3), c2: new SnConv(s, 'd.block3.c2', df, df, 3) };
    this.b4 = { c1: new SnConv(s, 'd.block4.c1', df, df, 3), c2: new SnConv(s, 'd.block4.c2', df, df, 3) };
    this.head = new Linear(s, 'd.head', df, 1, false);
    this.headSn = new SpectralNorm(s, 'd.head', this.head.w);
  }

  /** Every spectral norm, by the name of the layer whose weight it normalises. */
  spectralNorms(): Map<string, SpectralNorm> {
    const convs = [this.b1.c1, this.b1.c2, this.b1.sc, this.b2.c1, this.b2.c2, this.b2.sc, this.b3.c1, this.b3.c2, this.b4.c1, this.b4.c2];
    return new Map([...convs.map((c) => [c.conv.name, c.sn] as const), [this.head.name, this.headSn] as const]);
  }

  /** One power iteration on every spectral-normalised weight: call once per training step, outside the tape. */
  powerIterate(): void {
    for (const sn of this.spectralNorms().values()) sn.powerIterate();
  }

  /** x [B, S, S, C] in [-1, 1] → scores [B, 1]. `blocks` is the stage's block list. */
  forward(x: T4, blocks: readonly number[]): tf.Tensor2D {
    let h = x;
    for (const b of blocks) {
      if (b === 1) {
        const { c1, c2, sc } = this.b1;
        h = tf.add(ops.avgPool2(c2.apply(c1.apply(h, 'relu'))), sc.apply(ops.avgPool2(h)));
      } else if (b === 2) {
        const { c1, c2, sc } = this.b2;
        h = tf.add(ops.avgPool2(c2.apply(c1.apply(tf.relu(h), 'relu'))), ops.avgPool2(sc.apply(h)));
      } else {
        const { c1, c2 } = b === 3 ? this.b3 : this.b4;
        h = tf.add(c2.apply(c1.apply(tf.relu(h), 'relu')), h);
      }
    }
    const pooled = tf.sum(tf.relu(h), [1, 2]) as tf.Tensor2D; // [B, df]
    return this.head.apply(pooled, this.headSn.normalized());
  }

  dispose(): void {
    this.store.dispose();
  }
}
