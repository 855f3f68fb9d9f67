import * as tf from '@tensorflow/tfjs';
import { paramLoops } from '../backend/param-loops.js';
import { assignArray, hostValues } from './host-arrays.js';
import type { ParamStore } from './params.js';

/**
 * Spectral normalisation of one weight (Miyato et al. 2018), as PyTorch's `spectral_norm`: the weight viewed
 * as a matrix [rest, out] is divided by σ, its largest singular value, estimated by one power iteration per
 * training step. The vectors u [out] and v [rest] are buffers, kept between steps and saved in checkpoints.
 */
export class SpectralNorm {
  private readonly u: tf.Variable;
  private readonly v: tf.Variable;
  private readonly rows: number;
  private readonly cols: number;

  constructor(store: ParamStore, name: string, private readonly weight: tf.Variable) {
    this.cols = weight.shape[weight.shape.length - 1]!;
    this.rows = weight.size / this.cols;
    this.u = store.buffer(`${name}.sn_u`, [this.cols], { kind: 'normal', mean: 0, std: 1 });
    this.v = store.buffer(`${name}.sn_v`, [this.rows], { kind: 'normal', mean: 0, std: 1 });
    tf.tidy(() => {
      this.u.assign(normalize(this.u));
      this.v.assign(normalize(this.v));
    });
  }

  private matrix(): tf.Tensor2D {
    return this.weight.reshape([this.rows, this.cols]);
  }

  /** One power iteration, outside any gradient tape: v ← W u / ‖W u‖, u ← Wᵀ v / ‖Wᵀ v‖. */
  powerIterate(): void {
    if (this.powerIterateArrays()) return;
    tf.tidy(() => {
      const w = this.matrix();
      const v = normalize(tf.matMul(w, this.u.reshape([this.cols, 1])).reshape([this.rows]));
      const u = normalize(tf.matMul(v.reshape([1, this.rows]), w).reshape([this.cols]));
      this.v.assign(v);
      this.u.assign(u);
    });
  }

  /** The same iteration on the arrays (sums in double), where the backend holds them; false elsewhere. */
  private powerIterateArrays(): boolean {
    const [w, u] = [hostValues(this.weight), hostValues(this.u)];
    if (!w || !u) return false;
    const [v2, u2] = [new Float32Array(this.rows), new Float32Array(this.cols)];
    paramLoops().powerIterate(w, u, v2, u2);
    assignArray(this.v, v2);
    assignArray(this.u, u2);
    return true;
  }

  /** σ = vᵀ W u, differentiable in W with u, v held fixed. */
  sigma(): tf.Scalar {
    return sigmaOf(this.weight, this.u, this.v);
  }

  /** W / σ, in the weight's own shape. */
  normalized(): tf.Tensor {
    return spectralNormalize(this.weight, this.u, this.v);
  }
}

/** σ = vᵀ W u of W viewed as [rows, cols] (cols its last axis), as tensor ops. */
function sigmaOf(weight: tf.Tensor, u: tf.Tensor, v: tf.Tensor): tf.Scalar {
  const [rows, cols] = [v.size, u.size];
  return tf.sum(tf.mul(tf.matMul(v.reshape([1, rows]), weight.reshape([rows, cols])), u.reshape([1, cols]))) as tf.Scalar;
}

/**
 * W / σ with u, v held fixed. Where the backend holds arrays, computed on them with its gradient
 * dL/dW = dy/σ − (Σ dy·W)/σ² · v uᵀ in one step each way (sums in double): as tensor ops it is ~15 kernels per
 * weight, for every conv of D at every step.
 */
export function spectralNormalize(weight: tf.Tensor, u: tf.Tensor, v: tf.Tensor): tf.Tensor {
  const [ws, us, vs] = [hostValues(weight), hostValues(u), hostValues(v)];
  if (!ws || !us || !vs) return tf.div(weight, sigmaOf(weight, u, v));
  const [w, uu, vv] = [ws, us, vs];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const shape = (args[0] as tf.Tensor).shape;
    const loops = paramLoops();
    const y = new Float32Array(w.length);
    const sigma = loops.spectralNormalize(w, uu, vv, y);
    const gradFunc = (dy: tf.Tensor) => {
      const dw = new Float32Array(w.length);
      loops.spectralNormalizeGrad(hostValues(dy) ?? (dy.dataSync() as Float32Array), w, uu, vv, sigma, dw);
      return tf.tensor(dw, shape, 'float32');
    };
    return { value: tf.tensor(y, shape, 'float32'), gradFunc };
  })(weight);
}

function normalize(x: tf.Tensor1D | tf.Variable): tf.Tensor1D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12)) as tf.Tensor1D;
}
