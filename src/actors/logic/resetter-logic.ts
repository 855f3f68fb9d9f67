/** The Resetter actor's logic: the loss-variance windows of the dynamic reset, from the settings it is given. */
import type { ActorInit } from '../../protocol/lifecycle.js';
import { resetterSettings } from '../../protocol/resetter.js';
import { makeResetter } from '../../search/reset-detector.js';
import type { ActorLogic } from '../actor-logic.js';

/** Losses and windows are plain numbers: the host starts no tfjs for this actor. */
export const tensors = false;

export function createLogic(init: ActorInit): ActorLogic<'resetter'> {
  return makeResetter(resetterSettings.parse(init.config, 'config'));
}
