/** Every actor kind and its method table: the one place that says which requests an actor serves. */
import { controllerMethods } from './controller.js';
import { evaluatorMethods } from './evaluator.js';
import { resetterMethods } from './resetter.js';
import { trainerMethods } from './shared-trainer.js';

export const channels = {
  controller: controllerMethods,
  trainer: trainerMethods,
  evaluator: evaluatorMethods,
  resetter: resetterMethods,
} as const;

export type ActorKind = keyof typeof channels;
export const ACTOR_KINDS = Object.keys(channels) as ActorKind[];
export type ChannelOf<K extends ActorKind> = (typeof channels)[K];
