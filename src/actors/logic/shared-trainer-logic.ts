/** The SharedTrainer actor's logic: the shared GAN, its optimizers and its data, from the settings it is given. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { trainerSettings } from '../../protocol/shared-trainer.js';
import { makeSharedTrainer } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';

export function createLogic(init: ActorInit): Promise<ActorLogic<'trainer'>> {
  return makeSharedTrainer(trainerSettings.parse(init.config, 'config'));
}
