/**
 * The AutoGAN generator (reference "Generator cell"): a linear stem to bottom×bottom×gf, then up to three
 * cells that each double the resolution, then batch norm → ReLU → 3×3 conv → tanh. The same class builds
 * the shared search-time generator, which owns every option's weights so that choosing an architecture only
 * switches paths (paper §3.2, parameter sharing), and a derived generator that owns only one architecture's path.
 * The forward pass is written once, against GeneratorOps: run on tensors here, recorded as a graph by the
 * export (src/export), so an exported model has the structure the trained one has.
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../backend/ops.js';
import { cellCount, cellOf, skipSources, type Arch, type Cell } from './arch.js';
import { BatchNorm, Conv, Deconv, Linear, NORM_EPSILON, NORM_MOMENTUM } from './layers.js';
import { nameSeed, ParamStore } from './params.js';

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

/** Upsampling by interpolation; deconv upsampling is a learned layer (GeneratorOps.deconv). */
export type InterpolationMode = 'bilinear' | 'nearest';

/**
 * The operations the generator is made of. `X` is what flows between them: a tensor when the generator runs,
 * a node of a graph when the export records it. Images are NHWC; batch norm runs in the mode the
 * implementation was made for (training statistics or running ones).
 */
export interface GeneratorOps<X> {
  linear(layer: Linear, x: X): X;
  /** [B, side·side·channels] → [B, side, side, channels]. */
  toImage(x: X, side: number, channels: number): X;
  /** The conv, its bias, then the activation. */
  conv(layer: Conv, x: X, activation: ops.Activation): X;
  deconv(layer: Deconv, x: X): X;
  /** The norm, then the activation (one kernel for both where the backend has one). */
  batchNorm(layer: BatchNorm, x: X, activation: ops.Activation): X;
  /** Per image and channel over H and W, without affine parameters; then the activation. */
  instanceNorm(x: X, activation: ops.Activation): X;
  upsample(x: X, factor: number, mode: InterpolationMode): X;
  relu(x: X): X;
  tanh(x: X): X;
  add(a: X, b: X): X;
}

/** GeneratorOps on tensors: what training, sampling and scoring run. */
function tensorOps(training: boolean): GeneratorOps<tf.Tensor> {
  const t4 = (x: tf.Tensor) => x as T4;
  return {
    linear: (layer, x) => layer.apply(x as tf.Tensor2D),
    toImage: (x, side, channels) => x.reshape([-1, side, side, channels]),
    conv: (layer, x, activation) => layer.apply(t4(x), layer.w, activation),
    deconv: (layer, x) => layer.apply(t4(x)),
    batchNorm: (layer, x, activation) => layer.apply(t4(x), training, activation),
    instanceNorm: (x, activation) => ops.instanceNorm(t4(x), activation, NORM_EPSILON),
    upsample: (x, factor, mode) => (mode === 'bilinear' ? ops.upsampleBilinear(t4(x), factor) : ops.upsampleNearest(t4(x), factor)),
    relu: (x) => tf.relu(x),
    tanh: (x) => tf.tanh(x),
    add: (a, b) => tf.add(a, b),
  };
}

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
  private normRelu<X>(op: GeneratorOps<X>, x: X, norm: number): X {
    if (norm === NORM_BATCH) return op.batchNorm(this.bn!, x, 'relu');
    if (norm === NORM_INSTANCE) return op.instanceNorm(x, 'relu');
    return op.relu(x);
  }

  /** Pre-activation: norm → ReLU → upsample → conv. Post-activation: upsample → conv → norm → ReLU. */
  apply<X>(op: GeneratorOps<X>, x: X, cell: Cell, upsample: boolean): X {
    const up = (t: X) => (upsample ? upsampleBy(op, t, 2, cell.up, this.deconv ? [this.deconv] : []) : t);
    if (cell.conv === CONV_PRE) return op.conv(this.conv, up(this.normRelu(op, x, cell.norm)), 'linear');
    // Without a norm between them, the ReLU runs inside the conv's kernel.
    if (cell.norm !== NORM_BATCH && cell.norm !== NORM_INSTANCE) return op.conv(this.conv, up(x), 'relu');
    return this.normRelu(op, op.conv(this.conv, up(x), 'linear'), cell.norm);
  }
}

/** Resize by 2 or 4 in the cell's mode; deconv mode applies the given transposed convs (one per ×2). */
function upsampleBy<X>(op: GeneratorOps<X>, x: X, factor: number, mode: number, deconvs: readonly Deconv[]): X {
  if (mode === UP_BILINEAR) return op.upsample(x, factor, 'bilinear');
  if (mode === UP_NEAREST) return op.upsample(x, factor, 'nearest');
  if (deconvs.length !== Math.log2(factor)) throw new Error(`deconv ×${factor} needs ${Math.log2(factor)} transposed convs`);
  return deconvs.reduce((t, d) => op.deconv(d, t), x);
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

  /** The batch norms of this cell's paths. */
  batchNorms(): BatchNorm[] {
    return [...this.blocks.values()].flatMap((b) => (b.bn ? [b.bn] : []));
  }

  /** Returns the cell's output and its skip output (h after the skip-ins are added, as the reference does). */
  apply<X>(op: GeneratorOps<X>, x: X, cell: Cell, skips: readonly X[]): { out: X; skipOut: X } {
    const tag = cell.conv === CONV_PRE ? 'pre' : 'post';
    let h = this.blocks.get(`${tag}1`)!.apply(op, x, cell, true);
    for (const j of skipSources(cell, this.k)) {
      // Cell j's skip output is k − j doublings below h.
      const factor = 2 ** (this.k - j);
      const up = upsampleBy(op, skips[j]!, factor, cell.up, factor === 2 ? this.skipUp2 : this.skipUp4);
      h = op.add(h, op.conv(this.skipConvs.get(j)!, up, 'linear'));
    }
    let out = this.blocks.get(`${tag}2`)!.apply(op, h, cell, false);
    if (cell.shortcut === 1) {
      const up = upsampleBy(op, x, 2, cell.up, this.scDeconv ? [this.scDeconv] : []);
      out = op.add(out, op.conv(this.scConv!, up, 'linear'));
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
    return this.build(tensorOps(training), z, arch) as T4;
  }

  /** The forward pass in the given operations: on tensors (forward), or recorded as a graph (the export). */
  build<X>(op: GeneratorOps<X>, z: X, arch: Arch): X {
    if (this.paths.kind === 'derived' && arch.join() !== this.paths.arch.join()) {
      throw new Error(`derived generator for [${this.paths.arch}] asked to run [${arch}]`);
    }
    const { gf, bottom } = this.dims;
    let x = op.toImage(op.linear(this.stem, z), bottom, gf);
    const skips: X[] = [];
    for (let k = 0; k < cellCount(arch); k++) {
      const { out, skipOut } = this.cells[k]!.apply(op, x, cellOf(arch, k), skips);
      skips.push(skipOut);
      x = out;
    }
    return op.tanh(op.conv(this.outConv, op.batchNorm(this.outBn, x, 'relu'), 'linear'));
  }

  /**
   * Sets every batch norm's running statistics to those of the current weights: the average, per layer, of the
   * batch statistics of `STATISTICS_BATCHES` training-mode forwards on latents drawn from `seed`. The running
   * statistics of training belong to the weights of the last hundred or so steps; weights from elsewhere (the EMA's)
   * need their own.
   */
  measureStatistics(arch: Arch, seed: number): void {
    const norms = [...this.cells.flatMap((c) => c.batchNorms()), this.outBn];
    try {
      for (let k = 1; k <= STATISTICS_BATCHES.count; k++) {
        for (const bn of norms) bn.momentum = 1 / k;
        tf.tidy(() => {
          this.forward(tf.randomNormal([STATISTICS_BATCHES.size, this.dims.latent], 0, 1, 'float32', nameSeed(seed, `statistics/${k}`)) as tf.Tensor2D, arch, true);
        });
      }
    } finally {
      for (const bn of norms) bn.momentum = NORM_MOMENTUM;
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Latents `measureStatistics` averages over: 320, a per-channel mean over 320·H·W positions at every layer. */
const STATISTICS_BATCHES = { count: 5, size: 64 };
