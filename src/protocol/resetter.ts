/** The Resetter's channel: the loss-variance windows of the dynamic reset (paper §3.4). */
import { actorState, method } from './base.js';
import { trainLoss } from './shared-trainer.js';
import { bool, none, obj } from '../util/schema.js';

export const resetterMethods = {
  /** Pushes one iteration's losses; true when the windows say the GAN has collapsed. */
  'resetter.push': method(obj({ loss: trainLoss }), bool, { captureState: true }),
  'resetter.clear': method(obj({}), none, { captureState: true }),
  'resetter.state': method(obj({}), actorState),
  'resetter.restore': method(obj({ state: actorState }), none),
};
