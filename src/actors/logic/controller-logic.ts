/** The Controller actor's logic: the search's policy (or random) controller, from the settings it is given. */
import { controllerSettings } from '../../protocol/controller.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeController } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';

export function createLogic(init: ActorInit): ActorLogic<'controller'> {
  return makeController(controllerSettings.parse(init.config, 'config'));
}
