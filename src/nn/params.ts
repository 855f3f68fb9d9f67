import * as tf from '@tensorflow/tfjs';

/** How a parameter starts (reference "Init"): Xavier-uniform on conv weights, N(1, 0.02) on batch-norm scales,
 * PyTorch's default U(±1/√fan_in) on linear weights and all biases, constants for buffers. */
export type Init =
  | { kind: 'xavier'; fanIn: number; fanOut: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'constant'; value: number };

/** FNV-1a of the text: a stable 31-bit seed per (run seed, parameter name), independent of creation order. */
export function nameSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}:${name}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 1) & 0x7fffffff;
}

function initialValue(shape: number[], init: Init, seed: number): tf.Tensor {
  switch (init.kind) {
    case 'xavier': {
      const bound = Math.sqrt(6 / (init.fanIn + init.fanOut));
      return tf.randomUniform(shape, -bound, bound, 'float32', seed);
    }
    case 'uniform':
      return tf.randomUniform(shape, -init.bound, init.bound, 'float32', seed);
    case 'normal':
      return tf.randomNormal(shape, init.mean, init.std, 'float32', seed);
    case 'constant':
      return tf.fill(shape, init.value);
  }
}

/**
 * The named tensors of one network: trainable parameters and non-trainable buffers (batch-norm running
 * statistics, spectral-norm vectors). Names are ours, not tfjs's (tfjs variable names must be unique per
 * process, and a run holds several copies of a network: EMA, resets).
 */
export class ParamStore {
  private readonly params = new Map<string, tf.Variable>();
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(readonly seed: number) {}

  /** Creates a trainable parameter; creating the same name twice returns the first (shared weights). */
  param(name: string, shape: number[], init: Init): tf.Variable {
    return this.create(this.params, name, shape, init, true);
  }

  /** Creates a non-trainable buffer. */
  buffer(name: string, shape: number[], init: Init): tf.Variable {
    return this.create(this.buffers, name, shape, init, false);
  }

  private create(map: Map<string, tf.Variable>, name: string, shape: number[], init: Init, trainable: boolean): tf.Variable {
    const existing = map.get(name);
    if (existing) {
      if (existing.shape.join() !== shape.join()) throw new Error(`parameter ${name} exists with shape [${existing.shape}], asked for [${shape}]`);
      return existing;
    }
    const v = tf.tidy(() => tf.variable(initialValue(shape, init, nameSeed(this.seed, name)), trainable));
    map.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.params.get(name) ?? this.buffers.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  /** Trainable parameters, sorted by name so that every copy of a network lists them in the same order. */
  trainable(): [string, tf.Variable][] {
    return [...this.params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  bufferEntries(): [string, tf.Variable][] {
    return [...this.buffers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    return this.trainable().reduce((n, [, v]) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.buffers.values()) v.dispose();
    this.params.clear();
    this.buffers.clear();
  }
}

/** Runs `fn`, then puts back the values `variables` held before it, whatever `fn` assigned to them. */
export function keepingValues<T>(variables: readonly tf.Variable[], fn: () => T): T {
  const saved = variables.map((v) => [v, v.clone()] as const);
  try {
    return fn();
  } finally {
    for (const [v, original] of saved) {
      v.assign(original);
      original.dispose();
    }
  }
}
