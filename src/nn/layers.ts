/**
 * Layers as small objects that own named parameters in a ParamStore and apply an op from backend/ops.
 * Creating a layer creates its parameters at once, so a network's parameter set is known after construction.
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../backend/ops.js';
import type { ParamStore } from './params.js';

type T4 = tf.Tensor4D;

/** The ε under the variance of batch and instance norm (PyTorch's); the export writes the same value. */
export const NORM_EPSILON = 1e-5;

/** PyTorch's default bound for linear and conv biases (and linear weights): 1/√fan_in. */
const defaultBound = (fanIn: number) => 1 / Math.sqrt(fanIn);

/** A k×k 'same' conv (k odd; 1 uses the matMul path) with bias. Weight [k, k, Cin, Cout]. */
export class Conv {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(store: ParamStore, readonly name: string, readonly cin: number, readonly cout: number, readonly k: number) {
    const fan = k * k;
    this.w = store.param(`${name}.w`, [k, k, cin, cout], { kind: 'xavier', fanIn: fan * cin, fanOut: fan * cout });
    this.b = store.param(`${name}.b`, [cout], { kind: 'uniform', bound: defaultBound(fan * cin) });
  }
  /** Applies the conv (then the activation), with `w` replaced by a normalised weight when spectral norm is on. */
  apply(x: T4, w: tf.Tensor = this.w, activation: ops.Activation = 'linear'): T4 {
    const conv = this.k === 1 ? ops.conv1x1 : ops.conv2d;
    return conv(x, w as T4, this.b as tf.Tensor1D, activation);
  }
}

/**
 * Transposed conv, kernel 2, stride 2, with bias. Weight [2, 2, Cout, Cin]. PyTorch's default init, as the authors'
 * code leaves it (its Xavier init finds 'Conv2d' in a layer's class name, which 'ConvTranspose2d' does not contain):
 * uniform ±1/√(4·Cout), 1.7× narrower than Xavier. With Xavier, generators whose third cell upsampled by deconv
 * without a norm went dark within 50 steps and never recovered (2 of 8 derived in the proxy study).
 */
export class Deconv {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(store: ParamStore, readonly name: string, cin: number, cout: number) {
    const bound = defaultBound(4 * cout);
    this.w = store.param(`${name}.w`, [2, 2, cout, cin], { kind: 'uniform', bound });
    this.b = store.param(`${name}.b`, [cout], { kind: 'uniform', bound });
  }
  apply(x: T4): T4 {
    return ops.deconv2x2(x, this.w as T4, this.b as tf.Tensor1D);
  }
}

/** Fully connected layer. Weight [in, out]; PyTorch's default init (uniform ±1/√in). */
export class Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;
  constructor(store: ParamStore, readonly name: string, readonly inDim: number, readonly outDim: number, bias = true) {
    this.w = store.param(`${name}.w`, [inDim, outDim], { kind: 'uniform', bound: defaultBound(inDim) });
    this.b = bias ? store.param(`${name}.b`, [outDim], { kind: 'uniform', bound: defaultBound(inDim) }) : null;
  }
  apply(x: tf.Tensor2D, w: tf.Tensor = this.w, activation: ops.Activation = 'linear'): tf.Tensor2D {
    return ops.linear(x, w as tf.Tensor2D, (this.b ?? undefined) as tf.Tensor1D | undefined, activation);
  }
}

/** The running statistics' momentum in training (PyTorch's). */
export const NORM_MOMENTUM = 0.1;

/** Batch norm with learned scale/shift and running statistics (momentum 0.1, as PyTorch). */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  /** Weight of a batch's statistics in the running ones; 1/k at the k-th batch makes them an average (Generator.measureStatistics). */
  momentum = NORM_MOMENTUM;
  constructor(store: ParamStore, readonly name: string, channels: number) {
    this.gamma = store.param(`${name}.gamma`, [channels], { kind: 'normal', mean: 1, std: 0.02 });
    this.beta = store.param(`${name}.beta`, [channels], { kind: 'constant', value: 0 });
    this.runningMean = store.buffer(`${name}.running_mean`, [channels], { kind: 'constant', value: 0 });
    this.runningVar = store.buffer(`${name}.running_var`, [channels], { kind: 'constant', value: 1 });
  }
  /**
   * Training mode normalises with the batch's statistics and updates the running ones. `assign` is not
   * recorded on the gradient tape, so the running statistics never receive gradients. The activation follows
   * inside the norm's kernel where the backend has one.
   */
  apply(x: T4, training: boolean, activation: ops.Activation = 'linear', gamma: tf.Tensor = this.gamma, beta: tf.Tensor = this.beta): T4 {
    const [g, b] = [gamma as tf.Tensor1D, beta as tf.Tensor1D];
    if (!training) return ops.batchNormInfer(x, g, b, this.runningMean as tf.Tensor1D, this.runningVar as tf.Tensor1D, activation, NORM_EPSILON);
    const { y, mean, variance } = ops.batchNormTrain(x, g, b, activation, NORM_EPSILON);
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    const m = this.momentum;
    tf.tidy(() => {
      // PyTorch keeps the unbiased variance in its running estimate.
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(unbiased, m)));
    });
    return y;
  }
}
