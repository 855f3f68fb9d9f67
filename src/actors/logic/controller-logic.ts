/** The Controller actor's logic: the search's policy (or random) controller. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeController } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';
import { actorConfigOf } from './actor-config.js';

export function createLogic(init: ActorInit): ActorLogic<'controller'> {
  return makeController(actorConfigOf(init.config).run);
}
