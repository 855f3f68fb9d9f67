/** The Evaluator's channel (EvaluatorPort): scores children on a snapshot of the shared weights. */
import { method, type RequestOf } from './base.js';
import { weightSnapshot } from './shared-trainer.js';
import { arr, int, num, obj } from './schema.js';

export const evaluatorMethods = {
  'evaluator.score': method(obj({ snapshot: weightSnapshot, archs: arr(arr(int)), samples: int }), arr(num)),
};

export type EvaluatorRequest = RequestOf<typeof evaluatorMethods>;
