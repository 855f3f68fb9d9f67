/**
 * The RL controller (paper §3.2, Algorithm 1; reference "Controller"): samples architectures from the stage's
 * policy and trains it with REINFORCE, reward = child's score + entropy bonus, moving-average baseline
 * b ← decay·b + (1 − decay)·R, advantage R − b, Adam. One new policy per stage; from stage 1 on, every sample
 * starts from one of the K beam prefixes kept at the previous stage's end, with that prefix's LSTM state.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../nn/adam.js';
import { nameSeed } from '../nn/params.js';
import { Rng } from '../util/rng.js';
import type { LstmState } from '../nn/lstm.js';
import { Policy } from './policy.js';
import type { ActorState, BeamPrefix, ControllerPort, ControllerUpdateStats, SampledArch, TensorBundle } from './ports.js';
import { checkBundle } from '../nn/bundle-layout.js';
import { bundleFromEntries, layoutOf, restoreEntries } from '../nn/tensor-bundle.js';
import type { SearchConfig } from '../config/run-config.js';
import { stage as stageSchema } from '../protocol/base.js';
import { beamPrefix } from '../protocol/controller.js';
import { rngState } from '../protocol/saved-state.js';
import { FieldError } from '../errors.js';
import { arr, finite, natural, nullable, obj, type Infer } from '../util/schema.js';

/** The config's controller slice, plus whether one stage decides all 14 tokens (SLAS). */
export type ControllerConfig = SearchConfig['controller'] & { readonly levels: SearchConfig['levels'] };

const controllerMeta = obj({ stage: stageSchema, baseline: nullable(finite), rng: rngState, prefixes: arr(beamPrefix), adamSteps: natural });
type ControllerMeta = Infer<typeof controllerMeta>;

/** Entropy of each row of a log-probability matrix: −Σ p log p. */
function rowEntropy(logProbs: tf.Tensor2D): tf.Tensor1D {
  return tf.neg(tf.sum(tf.mul(tf.exp(logProbs), logProbs), 1)) as tf.Tensor1D;
}

export class PolicyController implements ControllerPort {
  private policy: Policy | null = null;
  private adam: Adam;
  private baseline: number | null = null;
  private prefixes: BeamPrefix[] = [];
  private stage = 0;
  private rng: Rng;

  constructor(readonly cfg: ControllerConfig, readonly seed: number) {
    this.rng = new Rng(nameSeed(seed, 'controller'));
    this.adam = this.newAdam();
  }

  private newAdam(): Adam {
    return new Adam({ lr: this.cfg.lr, beta1: this.cfg.beta1, beta2: this.cfg.beta2, eps: 1e-8 });
  }

  private current(): Policy {
    if (!this.policy) throw new Error('controller: no stage begun');
    return this.policy;
  }

  async beginStage({ stage, prefixes }: { stage: number; prefixes: BeamPrefix[] }): Promise<void> {
    this.policy?.dispose();
    this.adam.dispose();
    this.adam = this.newAdam();
    this.stage = stage;
    this.prefixes = prefixes.map((p) => ({ arch: [...p.arch], h: [...p.h], c: [...p.c] }));
    this.baseline = null;
    const first = this.cfg.levels === 'single' ? 0 : undefined;
    const policy = new Policy(stage, this.cfg.hidden, nameSeed(this.seed, `policy.stage${stage}`), first);
    this.policy = policy;
    if (policy.first === 0) return;
    if (this.prefixes.length === 0) throw new FieldError('prefixes', `stage ${stage} needs beam prefixes`);
    // A prefix of another stage or LSTM width would fail deep inside sampling; name it here instead.
    this.prefixes.forEach((p, i) => {
      if (p.arch.length !== policy.first) throw new FieldError(`prefixes[${i}].arch`, `has ${p.arch.length} tokens; stage ${stage} starts from ${policy.first}`);
      for (const key of ['h', 'c'] as const) {
        if (p[key].length !== this.cfg.hidden) throw new FieldError(`prefixes[${i}].${key}`, `has ${p[key].length} values; the LSTM has ${this.cfg.hidden}`);
      }
    });
  }

  /** The LSTM state each row starts from: its prefix's, or zeros at the first stage. */
  private startState(prefixIdx: number[]): LstmState {
    const p = this.current();
    if (p.first === 0) return p.zeroState(prefixIdx.length);
    const rows = (key: 'h' | 'c') => tf.tensor2d(prefixIdx.map((i) => this.prefixes[i]![key]), [prefixIdx.length, p.hidden]);
    return { h: rows('h'), c: rows('c') };
  }

  private prefixIndexOf(arch: number[]): number {
    const first = this.current().first;
    const i = this.prefixes.findIndex((p) => p.arch.length === first && p.arch.every((v, j) => v === arch[j]));
    if (first > 0 && i < 0) throw new Error(`controller: [${arch}] does not start with a kept prefix`);
    return i;
  }

  async sample({ count }: { count: number }): Promise<SampledArch[]> {
    const p = this.current();
    const prefixIdx = Array.from({ length: count }, () => (p.first === 0 ? -1 : this.rng.int(this.prefixes.length)));
    return tf.tidy(() => {
      const { steps, actions } = p.run(this.startState(prefixIdx), (_token, logProbs) => {
        const probs = tf.exp(logProbs).arraySync() as number[][];
        return probs.map((row) => {
          let u = this.rng.next();
          for (let k = 0; k < row.length - 1; k++) {
            u -= row[k]!;
            if (u < 0) return k;
          }
          return row.length - 1;
        });
      });
      const logProb = new Array<number>(count).fill(0);
      const entropy = new Array<number>(count).fill(0);
      steps.forEach((lp, t) => {
        const rows = lp.arraySync() as number[][];
        const ent = rowEntropy(lp).arraySync() as number[];
        for (let b = 0; b < count; b++) {
          logProb[b]! += rows[b]![actions[t]![b]!]!;
          entropy[b]! += ent[b]!;
        }
      });
      return prefixIdx.map((pi, b) => ({
        arch: [...(pi < 0 ? [] : this.prefixes[pi]!.arch), ...actions.map((a) => a[b]!)],
        logProb: logProb[b]!,
        entropy: entropy[b]!,
      }));
    });
  }

  /** Teacher-forces `archs` through the policy: the summed log-probability and entropy, and the final state. */
  private forced(archs: number[][]): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; state: LstmState } {
    const p = this.current();
    const { steps, state } = p.run(this.startState(archs.map((a) => this.prefixIndexOf(a))), (token) => archs.map((a) => a[token]!));
    const picked = steps.map((lp, t) => tf.sum(tf.mul(lp, tf.oneHot(archs.map((a) => a[p.first + t]!), lp.shape[1]).toFloat()), 1));
    return { logProb: tf.addN(picked) as tf.Tensor1D, entropy: tf.addN(steps.map(rowEntropy)) as tf.Tensor1D, state };
  }

  async prefixStates({ archs }: { archs: number[][] }): Promise<BeamPrefix[]> {
    return tf.tidy(() => {
      const { state } = this.forced(archs);
      const h = state.h.arraySync() as number[][];
      const c = state.c.arraySync() as number[][];
      return archs.map((arch, i) => ({ arch: [...arch], h: h[i]!, c: c[i]! }));
    });
  }

  async update({ samples }: { samples: { arch: number[]; reward: number }[] }): Promise<ControllerUpdateStats> {
    const { entropyCoeff, baselineDecay } = this.cfg;
    let lossSum = 0;
    let rewardSum = 0;
    let entropySum = 0;
    let advantageSum = 0;
    for (const { arch, reward } of samples) {
      const entropy = tf.tidy(() => this.forced([arch]).entropy.dataSync()[0]!);
      const r = reward + entropyCoeff * entropy;
      this.baseline = this.baseline === null ? r : baselineDecay * this.baseline + (1 - baselineDecay) * r;
      const advantage = r - this.baseline;
      lossSum += this.adam.minimize(() => tf.neg(tf.mul(this.forced([arch]).logProb.sum(), advantage)) as tf.Scalar, this.current().store.trainable());
      rewardSum += reward;
      entropySum += entropy;
      advantageSum += advantage;
    }
    const n = Math.max(1, samples.length);
    return { loss: lossSum / n, baseline: this.baseline ?? 0, meanReward: rewardSum / n, meanEntropy: entropySum / n, meanAdvantage: advantageSum / n };
  }

  async state(): Promise<ActorState> {
    const meta: ControllerMeta = { stage: this.stage, baseline: this.baseline, rng: this.rng.state(), prefixes: this.prefixes, adamSteps: this.adam.state().t };
    const arrays: TensorBundle = { ...bundleFromEntries('policy', this.current().store.trainable()), ...this.adam.toBundle('adam') };
    return { meta, arrays };
  }

  /** A bad state is a FieldError naming its field or array (`meta.stage`, `policy/c.embed`). */
  async restore({ state }: { state: ActorState }): Promise<void> {
    const meta = controllerMeta.parse(state.meta, 'meta');
    try {
      await this.beginStage({ stage: meta.stage, prefixes: meta.prefixes });
    } catch (e) {
      throw e instanceof FieldError ? new FieldError(`meta.${e.field}`, e.problem) : e;
    }
    const params = this.current().store.trainable();
    checkBundle(state.arrays, layoutOf('policy', params), Adam.layout('adam', params));
    this.baseline = meta.baseline;
    this.rng = Rng.fromState(meta.rng);
    restoreEntries(state.arrays, 'policy', params);
    this.adam.restoreFromBundle(meta.adamSteps, state.arrays, 'adam', params);
  }

  dispose(): void {
    this.policy?.dispose();
    this.adam.dispose();
  }
}
