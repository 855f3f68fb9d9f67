/** The Evaluator's channel: scores children on a snapshot of the shared weights. */
import { archTokens, method } from './base.js';
import { weightSnapshot } from './shared-trainer.js';
import { arr, intIn, num, obj } from '../util/schema.js';

export const evaluatorMethods = {
  /**
   * Scores each architecture on the snapshot: Inception Score (or 1/FID) of `samples` generated images. A score
   * may be NaN: what a generator with non-finite images measures is data; the conductor ranks it lowest.
   */
  'evaluator.score': method(obj({ snapshot: weightSnapshot, archs: arr(archTokens), samples: intIn(1) }), arr(num)),
};
