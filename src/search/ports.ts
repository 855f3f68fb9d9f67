/**
 * What the search conductor (Algorithm 1) asks of each actor, as async interfaces. The conductor runs the
 * same code whether a port is the actor's logic called in-process or a proxy that sends typed messages to
 * a worker thread or a per-GPU process (src/supervisor). Every argument and result is plain data (JSON-safe)
 * except weight snapshots, which travel as transferable ArrayBuffers.
 */

/** One sampled architecture with what REINFORCE needs to know about it. */
export interface SampledArch {
  /** 4, 9 or 14 tokens (the stage's prefix length), beam prefix included. */
  readonly arch: number[];
  /** Sum of log π(token) over the tokens this stage's controller decided. */
  readonly logProb: number;
  /** Sum of the entropies of those tokens' distributions. */
  readonly entropy: number;
}

/** A kept beam prefix with the LSTM state after its last token (reference: top K with (h, c)). */
export interface BeamPrefix {
  readonly arch: number[];
  readonly h: number[];
  readonly c: number[];
}

export interface ControllerUpdateStats {
  readonly loss: number;
  readonly baseline: number;
  readonly meanReward: number;
  readonly meanEntropy: number;
  /** Mean of reward − baseline over the steps: how far the samples beat the policy's running expectation. */
  readonly meanAdvantage: number;
}

/** Named float32 arrays: weights, optimizer moments, buffers. */
import type { TensorBundle } from '../nn/tensor-bundle.js';
export type { TensorBundle };

/** An actor's whole state for checkpoints: arrays plus JSON metadata. */
export interface ActorState {
  readonly meta: unknown;
  readonly arrays: TensorBundle;
}

export interface ControllerPort {
  /** Starts a stage with a fresh policy; stages 1 and 2 start every sample from one of the kept prefixes. */
  beginStage(stage: number, prefixes: BeamPrefix[]): Promise<void>;
  /** Samples architectures from the current policy (θ fixed). */
  sample(count: number): Promise<SampledArch[]>;
  /** Re-runs the policy on given architectures to get their final LSTM states (for beam hand-over). */
  prefixStates(archs: number[][]): Promise<BeamPrefix[]>;
  /** REINFORCE steps, one per (architecture, reward), in order. */
  update(samples: { arch: number[]; reward: number }[]): Promise<ControllerUpdateStats>;
  state(): Promise<ActorState>;
  restore(state: ActorState): Promise<void>;
}

export interface TrainLoss {
  readonly step: number;
  readonly dLoss: number;
  /** Null on D-only iterations. */
  readonly gLoss: number | null;
}

export interface TrainSummary {
  readonly iterations: number;
  readonly meanDLoss: number;
  readonly meanGLoss: number;
  /** True when training stopped early because a collapse was reported. */
  readonly stoppedEarly: boolean;
  readonly seconds: number;
}

/** A versioned copy of the shared generator's weights and buffers, for scoring children. */
export interface WeightSnapshot {
  readonly version: number;
  readonly stage: number;
  readonly arrays: TensorBundle;
}

export interface SharedTrainerPort {
  /**
   * Trains the shared GAN for the given minibatches, one architecture each (paper §3.2). `onLoss` sees every
   * iteration's losses; returning 'stop' ends training early (dynamic reset, §3.4).
   */
  train(stage: number, archs: number[][], onLoss: (loss: TrainLoss) => 'continue' | 'stop'): Promise<TrainSummary>;
  snapshot(version: number, stage: number): Promise<WeightSnapshot>;
  /** Re-creates G, D and both optimizers from fresh initialisation (dynamic reset). */
  reset(resetIndex: number): Promise<void>;
  state(): Promise<ActorState>;
  restore(state: ActorState): Promise<void>;
}

export interface EvaluatorPort {
  /** Scores each architecture on the snapshot: Inception Score (or 1/FID) of `samples` generated images. */
  score(snapshot: WeightSnapshot, archs: number[][], samples: number): Promise<number[]>;
}

export interface ResetterPort {
  /** Pushes one iteration's losses; true when the windows say the GAN has collapsed. */
  push(loss: TrainLoss): Promise<boolean>;
  clear(): Promise<void>;
  state(): Promise<ActorState>;
  restore(state: ActorState): Promise<void>;
}

/** One derivation: a whole architecture and its folder in the run directory (derive/topK). */
export interface DeriveJob {
  readonly arch: number[];
  readonly dir: string;
}

/** One G step of a derivation. */
export interface DeriveStep {
  readonly step: number;
  readonly steps: number;
  readonly dLoss: number;
  readonly gLoss: number;
}

/** Where a derivation stands after an `advance`. */
export interface DeriveChunk {
  readonly step: number;
  readonly steps: number;
  /** Stopped early by onStep ('stop'): a checkpoint holds the step reached. */
  readonly interrupted: boolean;
  /** IS and FID of the final EMA generator once the derivation is done; null before. */
  readonly scores: { readonly is: { readonly mean: number; readonly std: number } | null; readonly fid: number | null } | null;
}

export interface DeriverPort {
  /**
   * Trains the derivation one checkpoint interval on (resuming it from its folder's newest checkpoint unless this
   * deriver already holds it), or to its end, then scores it. `onStep` sees every G step; 'stop' ends the interval
   * after that step, with a checkpoint.
   */
  advance(job: DeriveJob, onStep: (step: DeriveStep) => 'continue' | 'stop'): Promise<DeriveChunk>;
}

/** A deriver and the id its events carry (an actor id such as `deriver-0`). */
export interface DeriveWorker {
  readonly id: string;
  readonly port: DeriverPort;
}
