/**
 * The AutoGAN generator (reference "Generator cell"): a linear stem to bottom×bottom×gf, then up to three
 * cells that each double the resolution, then batch norm → ReLU → 3×3 conv → tanh. The same class builds
 * the shared search-time generator, which owns every option's weights so that choosing an architecture only
 * switches paths (paper §3.2, parameter sharing), and a derived generator that owns only one architecture's path.
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../backend/ops.js';
import { cellCount, cellOf, skipSources, type Arch, type Cell } from './arch.js';
import { BatchNorm, Conv, Deconv, Linear } from './layers.js';
import { ParamStore } from './params.js';

type T4 = tf.Tensor4D;

export interface GeneratorDims {
  /** Latent size (128 in the reference). */
  readonly latent: number;
  /** Channels in every cell (gf_dim). */
  readonly gf: number;
  /** Side of the stem's output: 4 for 32 px, 6 for STL-10's 48 px. */
  readonly bottom: number;
  /** Image channels: 1 for MNIST, 3 for CIFAR-10 and STL-10. */
  readonly channels: number;
}

/** Shared: every path's weights (search). Derived: one architecture's path only (training from scratch). */
export type GeneratorPaths = { readonly kind: 'shared' } | { readonly kind: 'derived'; readonly arch: Arch };

const UP_BILINEAR = 0;
const UP_NEAREST = 1;
const UP_DECONV = 2;
const CONV_PRE = 1;
const NORM_BATCH = 1;
const NORM_INSTANCE = 2;

/** One of the four blocks of a shared cell (post/pre activation × first/second). */
class Block {
  readonly conv: Conv;
  readonly bn: BatchNorm | null;
  readonly deconv: Deconv | null;
  constructor(store: ParamStore, name: string, c: number, withBn: boolean, withDeconv: boolean) {
    this.conv = new Conv(store, `${name}.conv`, c, c, 3);
    this.bn = withBn ? new BatchNorm(store, `${name}.bn`, c) : null;
    this.deconv = withDeconv ? new Deconv(store, `${name}.deconv`, c, c) : null;
  }

  /** The cell's norm, then ReLU: one kernel for both where the backend has one. */
  private normRelu(x: T4, norm: number, training: boolean): T4 {
    if (norm === NORM_BATCH) return this.bn!.apply(x, training, 'relu');
    if (norm === NORM_INSTANCE) return ops.instanceNorm(x, 'relu');
    return tf.relu(x);
  }

  /** Pre-activation: norm → ReLU → upsample → conv. Post-activation: upsample → conv → norm → ReLU. */
  apply(x: T4, cell: Cell, upsample: boolean, training: boolean): T4 {
    const up = (t: T4) => (upsample ? upsampleBy(t, 2, cell.up, this.deconv ? [this.deconv] : []) : t);
    if (cell.conv === CONV_PRE) return this.conv.apply(up(this.normRelu(x, cell.norm, training)));
    // Without a norm between them, the ReLU runs inside the conv's kernel.
    if (cell.norm !== NORM_BATCH && cell.norm !== NORM_INSTANCE) return this.conv.apply(up(x), this.conv.w, 'relu');
    return this.normRelu(this.conv.apply(up(x)), cell.norm, training);
  }
}

/** Resize by 2 or 4 in the cell's mode; deconv mode applies the given transposed convs (one per ×2). */
function upsampleBy(x: T4, factor: number, mode: number, deconvs: readonly Deconv[]): T4 {
  if (mode === UP_BILINEAR) return ops.upsampleBilinear(x, factor);
  if (mode === UP_NEAREST) return ops.upsampleNearest(x, factor);
  if (deconvs.length !== Math.log2(factor)) throw new Error(`deconv ×${factor} needs ${Math.log2(factor)} transposed convs`);
  return deconvs.reduce((t, d) => d.apply(t), x);
}

/** Cell k (0-based): the blocks, shortcut and skip-in layers of the paths it is built for. */
class GeneratorCell {
  private readonly blocks = new Map<string, Block>();
  private readonly scDeconv: Deconv | null;
  private readonly scConv: Conv | null;
  private readonly skipConvs = new Map<number, Conv>();
  /** Transposed convs that bring skip-ins up in deconv mode: ×2 (one) and ×4 (two in a row). */
  private readonly skipUp2: Deconv[] = [];
  private readonly skipUp4: Deconv[] = [];

  constructor(store: ParamStore, readonly k: number, c: number, only: Cell | null) {
    const name = `g.cell${k + 1}`;
    const kinds = only ? [only.conv] : [0, 1];
    const bn = !only || only.norm === NORM_BATCH;
    const deconv = !only || only.up === UP_DECONV;
    for (const kind of kinds) {
      const tag = kind === CONV_PRE ? 'pre' : 'post';
      this.blocks.set(`${tag}1`, new Block(store, `${name}.${tag}1`, c, bn, deconv));
      this.blocks.set(`${tag}2`, new Block(store, `${name}.${tag}2`, c, bn, false));
    }
    const shortcut = !only || only.shortcut === 1;
    this.scDeconv = shortcut && deconv ? new Deconv(store, `${name}.shortcut.deconv`, c, c) : null;
    this.scConv = shortcut ? new Conv(store, `${name}.shortcut.conv`, c, c, 1) : null;
    const sources = only ? skipSources(only, k) : Array.from({ length: k }, (_, j) => j);
    for (const j of sources) this.skipConvs.set(j, new Conv(store, `${name}.skip_from${j + 1}.conv`, c, c, 1));
    if (deconv) {
      // Source j sits k − j cells below: ×2 from the previous cell, ×4 from the one before it.
      if (sources.some((j) => k - j === 1)) this.skipUp2.push(new Deconv(store, `${name}.skip_up2.deconv`, c, c));
      if (sources.some((j) => k - j === 2)) {
        this.skipUp4.push(new Deconv(store, `${name}.skip_up4a.deconv`, c, c), new Deconv(store, `${name}.skip_up4b.deconv`, c, c));
      }
    }
  }

  /** Returns the cell's output and its skip output (h after the skip-ins are added, as the reference does). */
  apply(x: T4, cell: Cell, skips: readonly T4[], training: boolean): { out: T4; skipOut: T4 } {
    const tag = cell.conv === CONV_PRE ? 'pre' : 'post';
    let h = this.blocks.get(`${tag}1`)!.apply(x, cell, true, training);
    for (const j of skipSources(cell, this.k)) {
      const factor = h.shape[1] / skips[j]!.shape[1];
      const up = upsampleBy(skips[j]!, factor, cell.up, factor === 2 ? this.skipUp2 : this.skipUp4);
      h = tf.add(h, this.skipConvs.get(j)!.apply(up));
    }
    let out = this.blocks.get(`${tag}2`)!.apply(h, cell, false, training);
    if (cell.shortcut === 1) {
      const up = upsampleBy(x, 2, cell.up, this.scDeconv ? [this.scDeconv] : []);
      out = tf.add(out, this.scConv!.apply(up));
    }
    return { out, skipOut: h };
  }
}

export class Generator {
  readonly store: ParamStore;
  private readonly stem: Linear;
  private readonly cells: GeneratorCell[] = [];
  private readonly outBn: BatchNorm;
  private readonly outConv: Conv;

  constructor(readonly dims: GeneratorDims, readonly paths: GeneratorPaths, seed: number) {
    this.store = new ParamStore(seed);
    const { latent, gf, bottom, channels } = dims;
    this.stem = new Linear(this.store, 'g.stem', latent, bottom * bottom * gf);
    const n = paths.kind === 'shared' ? 3 : cellCount(paths.arch);
    for (let k = 0; k < n; k++) {
      this.cells.push(new GeneratorCell(this.store, k, gf, paths.kind === 'shared' ? null : cellOf(paths.arch, k)));
    }
    this.outBn = new BatchNorm(this.store, 'g.out.bn', gf);
    this.outConv = new Conv(this.store, 'g.out.conv', gf, channels, 3);
  }

  /** Output side for an architecture prefix of `cells` cells. */
  resolution(cells: number): number {
    return this.dims.bottom * 2 ** cells;
  }

  /**
   * z [B, latent] → images [B, S, S, channels] in [-1, 1], S = bottom·2^cells. `arch` is a 4-, 9- or 14-token
   * prefix: stage s of the search generates after cell s+1. A derived generator accepts only its own arch.
   */
  forward(z: tf.Tensor2D, arch: Arch, training: boolean): T4 {
    if (this.paths.kind === 'derived' && arch.join() !== this.paths.arch.join()) {
      throw new Error(`derived generator for [${this.paths.arch}] asked to run [${arch}]`);
    }
    const { gf, bottom } = this.dims;
    const b = z.shape[0];
    let x = this.stem.apply(z).reshape([b, bottom, bottom, gf]) as T4;
    const skips: T4[] = [];
    for (let k = 0; k < cellCount(arch); k++) {
      const { out, skipOut } = this.cells[k]!.apply(x, cellOf(arch, k), skips, training);
      skips.push(skipOut);
      x = out;
    }
    return tf.tanh(this.outConv.apply(this.outBn.apply(x, training, 'relu')));
  }

  dispose(): void {
    this.store.dispose();
  }
}
