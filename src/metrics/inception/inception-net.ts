/**
 * The computation of TensorFlow's inception-2015-12-05 graph in tfjs, forward only, from weights the
 * loader took by node name (see inception-graph.ts for the topology and load-inception.ts for the file).
 * Images go in as the reference feeds them: [-1, 1] → ×127.5 + 127.5, clamped, truncated to 0..255
 * integers (AutoGAN's uint8 cast), then the graph's own preprocessing: ResizeBilinear to 299×299,
 * − `Sub/y`, × `Mul/y`.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureNetwork } from '../feature-network.js';
import { INCEPTION_GRAPH, convLayers, type Block, type Layer } from './inception-graph.js';

/** A conv with its batch norm folded in: y = relu(conv(x, filter) + bias). */
export interface FoldedConv {
  readonly filter: Float32Array; // HWIO
  readonly bias: Float32Array; // [cout]
}

/** Everything the network computes with, as plain arrays. */
export interface InceptionWeights {
  /** ResizeBilinear's align_corners (false in the 2015 graph: TF1's corner-aligned-at-top-left sampling). */
  readonly alignCorners: boolean;
  /** `Sub/y` and `Mul/y`: pixels in 0..255 become (p − shift) × scale. */
  readonly shift: number;
  readonly scale: number;
  readonly convs: ReadonlyMap<string, FoldedConv>;
  /** `softmax/weights`, [2048, 1008]. */
  readonly softmax: Float32Array;
}

type T4 = tf.Tensor4D;

export interface InceptionNetOptions {
  /**
   * Images per forward pass (default 16). `classify` splits larger inputs, so memory stays bounded:
   * activations take a few tens of MB per image.
   */
  readonly batchSize?: number;
}

/**
 * Maps images in [-1, 1] to the integer pixel values the reference feeds the graph. The 1e-3 nudge before
 * truncation makes images that came from 8-bit pixels (p/127.5 − 1) map back to exactly p despite float
 * rounding; it moves no generated value by more than that.
 */
export function toPixels(images: T4): T4 {
  return tf.tidy(() => tf.floor(tf.add(tf.clipByValue(tf.add(tf.mul(images, 127.5), 127.5), 0, 255), 1e-3)));
}

/**
 * The graph's preprocessing of 0..255 pixels: ResizeBilinear to size×size (TF1's sampling: source
 * position = output index × in/out, no half-pixel centres), then (p − shift) × scale.
 */
export function graphPreprocess(pixels: T4, size: number, alignCorners: boolean, shift: number, scale: number): T4 {
  return tf.tidy(() => tf.mul(tf.sub(tf.image.resizeBilinear(pixels, [size, size], alignCorners, false), shift), scale));
}

export class InceptionNet implements FeatureNetwork {
  readonly name = 'inception';
  readonly inputSize = INCEPTION_GRAPH.imageSize;
  readonly featureDim = INCEPTION_GRAPH.featureDim;
  readonly numClasses = INCEPTION_GRAPH.numClasses;
  private readonly convs = new Map<string, { filter: T4; bias: tf.Tensor1D }>();
  private readonly softmax: tf.Tensor2D;
  private readonly batchSize: number;
  private readonly alignCorners: boolean;
  private readonly shift: number;
  private readonly scale: number;

  constructor(weights: InceptionWeights, opts: InceptionNetOptions = {}) {
    this.batchSize = opts.batchSize ?? 16;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${this.batchSize}`);
    ({ alignCorners: this.alignCorners, shift: this.shift, scale: this.scale } = weights);
    for (const [name, { filter, bias }] of weights.convs) {
      const cout = bias.length;
      const layer = this.findConv(name);
      this.convs.set(name, {
        filter: tf.tensor4d(filter, [layer.kernel[0], layer.kernel[1], layer.cin, cout]),
        bias: tf.tensor1d(bias),
      });
    }
    this.softmax = tf.tensor2d(weights.softmax, [this.featureDim, this.numClasses]);
  }

  /**
   * Logits (pool_3 × softmax/weights, no bias: what the Inception Score takes the softmax of) and the
   * 2,048 pool_3 features (FID's), for images in [-1, 1] with 1 (repeated to RGB) or 3 channels.
   */
  classify(images: T4): { logits: tf.Tensor2D; features: tf.Tensor2D } {
    const [n, , , c] = images.shape;
    if (c !== 1 && c !== 3) throw new Error(`Inception takes 1 or 3 channels, got ${c}`);
    const features: tf.Tensor2D[] = [];
    const logits: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += this.batchSize) {
      const [f, l] = tf.tidy(() => {
        const chunk = tf.slice(images, [start, 0, 0, 0], [Math.min(this.batchSize, n - start), -1, -1, -1]);
        const f = this.pool3(c === 1 ? tf.tile(chunk, [1, 1, 1, 3]) : chunk);
        return [f, tf.matMul(f, this.softmax)];
      });
      features.push(f);
      logits.push(l);
    }
    const joined = { logits: concatRows(logits, this.numClasses), features: concatRows(features, this.featureDim) };
    tf.dispose([features, logits]);
    return joined;
  }

  dispose(): void {
    for (const { filter, bias } of this.convs.values()) tf.dispose([filter, bias]);
    this.convs.clear();
    this.softmax.dispose();
  }

  /** [B, H, W, 3] in [-1, 1] → [B, 2048]. Every stage runs in its own tidy so that only its output lives on. */
  private pool3(rgb: T4): tf.Tensor2D {
    let x = tf.tidy(() => graphPreprocess(toPixels(rgb), INCEPTION_GRAPH.imageSize, this.alignCorners, this.shift, this.scale)); // [B, 299, 299, 3]
    for (const layer of INCEPTION_GRAPH.stem) x = this.step(x, () => this.layer(x, layer));
    for (const block of INCEPTION_GRAPH.blocks) x = this.step(x, () => this.block(x, block));
    const pooled = this.layer(x, INCEPTION_GRAPH.finalPool); // [B, 1, 1, 2048]
    x.dispose();
    return tf.reshape(pooled, [pooled.shape[0], this.featureDim]);
  }

  private step(input: T4, run: () => T4): T4 {
    const out = tf.tidy(run);
    input.dispose();
    return out;
  }

  private block(x: T4, block: Block): T4 {
    const towers = block.towers.map(({ layers, split }) => {
      const y = layers.reduce((h, l) => this.layer(h, l), x);
      return split ? tf.concat(split.map((l) => this.layer(y, l)), 3) : y;
    });
    return tf.concat(towers, 3);
  }

  private layer(x: T4, layer: Layer): T4 {
    const pad = layer.padding === 'SAME' ? 'same' : 'valid';
    if (layer.kind === 'conv') {
      const { filter, bias } = this.convs.get(layer.name)!;
      // One fused kernel: XNNPACK on wasm, TF on tfjs-node, OpenBLAS with a native bias + ReLU on blas.
      return tf.fused.conv2d({ x, filter, strides: layer.stride, pad, bias, activation: 'relu' });
    }
    // Max pools read ReLU outputs (≥ 0), so zero and −∞ padding conventions give the same maxima.
    if (layer.op === 'MaxPool') return tf.maxPool(x, layer.size, layer.stride, pad);
    // tfjs's 'same' average pool leaves the padding out of each mean, as TF's does (the FID ports'
    // count_include_pad=False); test/inception-net.test.ts checks this on every backend we test.
    return tf.avgPool(x, layer.size, layer.stride, pad);
  }

  private findConv(name: string) {
    const layer = convLayerByName.get(name);
    if (!layer) throw new Error(`no conv layer "${name}" in the Inception graph`);
    return layer;
  }
}

const convLayerByName = new Map(convLayers().map((l) => [l.name, l]));

function concatRows(parts: tf.Tensor2D[], width: number): tf.Tensor2D {
  if (parts.length === 0) return tf.zeros([0, width]);
  return parts.length === 1 ? parts[0]!.clone() : tf.concat(parts, 0);
}
