/** The Evaluator's channel: scores children on a snapshot of the shared weights. */
import { REWARDS } from '../config/run-config.js';
import { FEATURE_NETWORKS } from '../config/training-settings.js';
import { archTokens, method } from './base.js';
import { generatorDims, weightSnapshot } from './shared-trainer.js';
import { arr, intIn, natural, nullable, num, obj, oneOf, str, type Infer } from '../util/schema.js';

/**
 * What an Evaluator is given at its start: the run's seed, the shared generator's dimensions, the reward and its
 * IS splits, the feature network to open, and the file of the data set's reference statistics (FID) or null.
 */
export const evaluatorSettings = obj({
  seed: natural, generator: generatorDims, reward: oneOf(REWARDS), splits: intIn(1),
  features: oneOf(FEATURE_NETWORKS), inceptionGraph: nullable(str), referenceStats: nullable(str),
  /** Its native kernels' threads (src/backend/blas/threads.ts). */
  threads: intIn(1),
});
export type EvaluatorSettings = Infer<typeof evaluatorSettings>;

export const evaluatorMethods = {
  /**
   * Scores each architecture on the snapshot: Inception Score (or 1/FID) of `samples` generated images. A score
   * may be NaN: what a generator with non-finite images measures is data; the conductor ranks it lowest.
   */
  'evaluator.score': method(obj({ snapshot: weightSnapshot, archs: arr(archTokens), samples: intIn(1) }), arr(num)),
};
