/** The SharedTrainer actor's logic: the shared GAN, its optimizers and its data. */
import { coreShare, useCoreShare } from '../../backend/blas/threads.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeSharedTrainer } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';
import { actorConfigOf } from './actor-config.js';

export function createLogic(init: ActorInit): Promise<ActorLogic<'trainer'>> {
  const { run } = actorConfigOf(init.config);
  // With overlap the Evaluator scores while this trains: each takes half the cores; else each has them all in turn.
  useCoreShare(coreShare(run.search.overlap ? 2 : 1));
  return makeSharedTrainer(run);
}
