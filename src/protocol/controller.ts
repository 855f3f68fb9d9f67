/** The Controller's channel: the policy's sampling, beam hand-over and REINFORCE steps (ControllerPort). */
import { actorState, method, type RequestOf } from './base.js';
import { arr, int, none, num, obj } from './schema.js';

const tokens = arr(int);
export const beamPrefix = obj({ arch: tokens, h: arr(num), c: arr(num) });
const sampledArch = obj({ arch: tokens, logProb: num, entropy: num });
const updateStats = obj({ loss: num, baseline: num, meanReward: num, meanEntropy: num });

export const controllerMethods = {
  'controller.beginStage': method(obj({ stage: int, prefixes: arr(beamPrefix) }), none),
  'controller.sample': method(obj({ count: int }), arr(sampledArch)),
  'controller.prefixStates': method(obj({ archs: arr(tokens) }), arr(beamPrefix)),
  'controller.update': method(obj({ samples: arr(obj({ arch: tokens, reward: num })) }), updateStats),
  'controller.state': method(obj({}), actorState),
  'controller.restore': method(obj({ state: actorState }), none),
};

export type ControllerRequest = RequestOf<typeof controllerMethods>;
