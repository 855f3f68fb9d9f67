import * as tf from '@tensorflow/tfjs';
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
    const { rows, cols } = this;
    const v = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let c = 0; c < cols; c++) acc += w[r * cols + c]! * u[c]!;
      v[r] = acc;
    }
    const vn = normalizeArray(v);
    const un = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const vr = vn[r]!;
      for (let c = 0; c < cols; c++) un[c]! += w[r * cols + c]! * vr;
    }
    assignArray(this.v, vn);
    assignArray(this.u, normalizeArray(un));
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
  const [rows, cols] = [vv.length, uu.length];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const shape = (args[0] as tf.Tensor).shape;
    let sigma = 0;
    for (let r = 0; r < rows; r++) {
      let acc = 0;
      for (let c = 0; c < cols; c++) acc += w[r * cols + c]! * uu[c]!;
      sigma += vv[r]! * acc;
    }
    const y = new Float32Array(w.length);
    for (let i = 0; i < y.length; i++) y[i] = w[i]! / sigma;
    const gradFunc = (dy: tf.Tensor) => {
      const d = hostValues(dy) ?? (dy.dataSync() as Float32Array);
      let dot = 0;
      for (let i = 0; i < d.length; i++) dot += d[i]! * w[i]!;
      const k = dot / (sigma * sigma);
      const dw = new Float32Array(w.length);
      for (let r = 0; r < rows; r++) {
        const kv = k * vv[r]!;
        for (let c = 0; c < cols; c++) dw[r * cols + c] = d[r * cols + c]! / sigma - kv * uu[c]!;
      }
      return tf.tensor(dw, shape, 'float32');
    };
    return { value: tf.tensor(y, shape, 'float32'), gradFunc };
  })(weight);
}

function normalize(x: tf.Tensor1D | tf.Variable): tf.Tensor1D {
  return tf.div(x, tf.add(tf.norm(x), 1e-12)) as tf.Tensor1D;
}

/** x / (‖x‖ + 1e-12), rounded to float32. */
function normalizeArray(x: Float64Array): Float32Array {
  let sq = 0;
  for (const a of x) sq += a * a;
  const scale = 1 / (Math.sqrt(sq) + 1e-12);
  return Float32Array.from(x, (a) => a * scale);
}
