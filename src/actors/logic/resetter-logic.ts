/** The Resetter actor's logic: the loss-variance windows of the dynamic reset. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeResetter } from '../../search/local-ports.js';
import type { ActorLogic } from '../actor-logic.js';
import { actorConfigOf } from './actor-config.js';

export function createLogic(init: ActorInit): ActorLogic<'resetter'> {
  return makeResetter(actorConfigOf(init.config).run);
}
