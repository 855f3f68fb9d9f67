/** The Controller's channel: the policy's sampling, beam hand-over and REINFORCE steps. */
import { CONTROLLER_SETTINGS, SEARCH_LEVELS, SEARCH_STRATEGIES } from '../config/run-config.js';
import { complete } from '../config/schema.js';
import { actorState, archTokens, method, stage } from './base.js';
import { arr, finite, natural, none, num, obj, oneOf, type Infer } from '../util/schema.js';

/** What a Controller is given at its start: the run's seed and the search's strategy, levels and controller settings. */
export const controllerSettings = obj({ seed: natural, strategy: oneOf(SEARCH_STRATEGIES), levels: oneOf(SEARCH_LEVELS), controller: complete(CONTROLLER_SETTINGS) });
export type ControllerSettings = Infer<typeof controllerSettings>;

/**
 * A kept beam prefix with the LSTM state after its last token (reference: top K with (h, c)). The state goes
 * back into the next stage's policy: a NaN there would poison every later sample.
 */
export const beamPrefix = obj({ arch: archTokens, h: arr(finite), c: arr(finite) });
export type BeamPrefix = Infer<typeof beamPrefix>;

/**
 * One sampled architecture with what REINFORCE needs to know about it: `arch` is 4, 9 or 14 tokens (the stage's
 * prefix length, beam prefix included); `logProb` and `entropy` sum over the tokens this stage's controller
 * decided. −∞ (a probability that underflowed) or NaN (a diverged policy) is what the policy saw.
 */
const sampledArch = obj({ arch: archTokens, logProb: num, entropy: num });
export type SampledArch = Infer<typeof sampledArch>;

/**
 * Statistics of a round of REINFORCE steps for the event log; `meanAdvantage` is the mean of reward − baseline,
 * how far the samples beat the policy's running expectation. NaN reports a diverged policy rather than hiding it.
 */
const updateStats = obj({ loss: num, baseline: num, meanReward: num, meanEntropy: num, meanAdvantage: num });
export type ControllerUpdateStats = Infer<typeof updateStats>;

export const controllerMethods = {
  /** Starts a stage with a fresh policy; stages 1 and 2 start every sample from one of the kept prefixes. */
  'controller.beginStage': method(obj({ stage, prefixes: arr(beamPrefix) }), none, { captureState: true }),
  /** Samples architectures from the current policy (θ fixed). */
  'controller.sample': method(obj({ count: natural }), arr(sampledArch), { captureState: true }),
  /** Re-runs the policy on given architectures to get their final LSTM states (for beam hand-over). */
  'controller.prefixStates': method(obj({ archs: arr(archTokens) }), arr(beamPrefix)),
  /**
   * REINFORCE steps, one per (architecture, reward), in order. A NaN reward would turn the policy's weights into
   * NaN for good: the conductor gives such a child the lowest reward.
   */
  'controller.update': method(obj({ samples: arr(obj({ arch: archTokens, reward: finite })) }), updateStats, { captureState: true }),
  'controller.state': method(obj({}), actorState),
  'controller.restore': method(obj({ state: actorState }), none),
};
