/** The Controller's channel: the policy's sampling, beam hand-over and REINFORCE steps (ControllerPort). */
import { actorState, archTokens, method, stage, type RequestOf } from './base.js';
import { arr, finite, natural, none, num, obj } from './schema.js';

/** The LSTM state goes back into the next stage's policy: a NaN there would poison every later sample. */
export const beamPrefix = obj({ arch: archTokens, h: arr(finite), c: arr(finite) });
/** The policy's own account of a sample: −∞ (a probability that underflowed) or NaN (a diverged policy) is what it saw. */
const sampledArch = obj({ arch: archTokens, logProb: num, entropy: num });
/** Statistics for the event log: NaN there reports a diverged policy rather than hiding it. */
const updateStats = obj({ loss: num, baseline: num, meanReward: num, meanEntropy: num, meanAdvantage: num });

export const controllerMethods = {
  'controller.beginStage': method(obj({ stage, prefixes: arr(beamPrefix) }), none),
  'controller.sample': method(obj({ count: natural }), arr(sampledArch)),
  'controller.prefixStates': method(obj({ archs: arr(archTokens) }), arr(beamPrefix)),
  // A NaN reward would turn the policy's weights into NaN for good: the conductor gives such a child the lowest reward.
  'controller.update': method(obj({ samples: arr(obj({ arch: archTokens, reward: finite })) }), updateStats),
  'controller.state': method(obj({}), actorState),
  'controller.restore': method(obj({ state: actorState }), none),
};

export type ControllerRequest = RequestOf<typeof controllerMethods>;
