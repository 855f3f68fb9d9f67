/** The Resetter's channel (ResetterPort): the loss-variance windows of the dynamic reset (paper §3.4). */
import { actorState, method, type RequestOf } from './base.js';
import { trainLoss } from './shared-trainer.js';
import { bool, none, obj } from './schema.js';

export const resetterMethods = {
  'resetter.push': method(obj({ loss: trainLoss }), bool),
  'resetter.clear': method(obj({}), none),
  'resetter.state': method(obj({}), actorState),
  'resetter.restore': method(obj({ state: actorState }), none),
};

export type ResetterRequest = RequestOf<typeof resetterMethods>;
