/**
 * What the search conductor (Algorithm 1) asks of each actor, as async interfaces derived from the actors'
 * method tables (src/protocol/channels.ts): `controller.sample` is `ControllerPort.sample({ count })`. The
 * conductor runs the same code whether a port is the actor's logic called in-process or a proxy that sends
 * typed messages to a worker thread or a per-GPU process (src/supervisor). Every argument and result is plain
 * data (JSON-safe) except weight snapshots, which travel as transferable ArrayBuffers.
 */
import type { PortOfKind } from '../protocol/channels.js';

export type { ActorState, StreamVerdict } from '../protocol/base.js';
export type { BeamPrefix, ControllerUpdateStats, SampledArch } from '../protocol/controller.js';
export type { DeriveChunk, DeriveJob, DeriveStep } from '../protocol/deriver.js';
export type { TrainLoss, TrainSummary, WeightSnapshot } from '../protocol/shared-trainer.js';
export type { TensorBundle } from '../nn/bundle-layout.js';

export type ControllerPort = PortOfKind<'controller'>;
export type SharedTrainerPort = PortOfKind<'trainer'>;
export type EvaluatorPort = PortOfKind<'evaluator'>;
export type ResetterPort = PortOfKind<'resetter'>;
export type DeriverPort = PortOfKind<'deriver'>;

/** A deriver and the id its events carry (an actor id such as `deriver-0`). */
export interface DeriveWorker {
  readonly id: string;
  readonly port: DeriverPort;
}
