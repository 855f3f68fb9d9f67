/** The Resetter actor's logic: the loss-variance windows of the dynamic reset, from the settings it is given. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { resetterSettings } from '../../protocol/resetter.js';
import { makeResetter } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';

export function createLogic(init: ActorInit): ActorLogic<'resetter'> {
  return makeResetter(resetterSettings.parse(init.config, 'config'));
}
