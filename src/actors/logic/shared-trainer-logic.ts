/** The SharedTrainer actor's logic: the shared GAN, its optimizers and its data. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeSharedTrainer } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';
import { actorConfigOf } from './actor-config.js';

export function createLogic(init: ActorInit): Promise<ActorLogic<'trainer'>> {
  return makeSharedTrainer(actorConfigOf(init.config).run);
}
