/** The SharedTrainer actor's logic: the shared GAN, its optimizers and its data, from the settings it is given. */
import { useCoreShare } from '../../backend/blas/threads.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { trainerSettings } from '../../protocol/shared-trainer.js';
import { makeSharedTrainer } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';

export function createLogic(init: ActorInit): Promise<ActorLogic<'trainer'>> {
  const settings = trainerSettings.parse(init.config, 'config');
  useCoreShare(settings.threads);
  return makeSharedTrainer(settings);
}
