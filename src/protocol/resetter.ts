/** The Resetter's channel: the loss-variance windows of the dynamic reset (paper §3.4). */
import { actorState, method } from './base.js';
import { trainLoss } from './shared-trainer.js';
import { bool, finite, intIn, none, obj, type Infer } from '../util/schema.js';

/** What the Resetter is given at its start: the dynamic reset's window length and variance threshold. */
export const resetterSettings = obj({ window: intIn(2), threshold: finite });
export type ResetterSettings = Infer<typeof resetterSettings>;

export const resetterMethods = {
  /** Pushes one iteration's losses; true when the windows say the GAN has collapsed. */
  'resetter.push': method(obj({ loss: trainLoss }), bool, { captureState: true }),
  'resetter.clear': method(obj({}), none, { captureState: true }),
  'resetter.state': method(obj({}), actorState),
  'resetter.restore': method(obj({ state: actorState }), none),
};
