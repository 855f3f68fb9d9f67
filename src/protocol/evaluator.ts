/** The Evaluator's channel (EvaluatorPort): scores children on a snapshot of the shared weights. */
import { archTokens, method, type RequestOf } from './base.js';
import { weightSnapshot } from './shared-trainer.js';
import { arr, intIn, num, obj } from './schema.js';

export const evaluatorMethods = {
  // A score may be NaN: what a generator with non-finite images measures is data; the conductor ranks it lowest.
  'evaluator.score': method(obj({ snapshot: weightSnapshot, archs: arr(archTokens), samples: intIn(1) }), arr(num)),
};

export type EvaluatorRequest = RequestOf<typeof evaluatorMethods>;
