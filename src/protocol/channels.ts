/** Every actor kind and its method table: the one place that says which requests an actor serves. */
import { controllerMethods } from './controller.js';
import { deriverMethods, type DeriverStepMessage } from './deriver.js';
import { evaluatorMethods } from './evaluator.js';
import { resetterMethods } from './resetter.js';
import { trainerMethods, type TrainerLossMessage } from './shared-trainer.js';

export const channels = {
  controller: controllerMethods,
  trainer: trainerMethods,
  evaluator: evaluatorMethods,
  resetter: resetterMethods,
  deriver: deriverMethods,
} as const;

export type ActorKind = keyof typeof channels;
export const ACTOR_KINDS = Object.keys(channels) as ActorKind[];
export type ChannelOf<K extends ActorKind> = (typeof channels)[K];

/** What a kind streams while one of its requests runs (the trainer its losses, a deriver its steps); `never` for the others. */
interface StreamItems {
  trainer: TrainerLossMessage['loss'];
  deriver: DeriverStepMessage['step'];
}
export type StreamItemOf<K extends ActorKind> = K extends keyof StreamItems ? StreamItems[K] : never;
