/**
 * The Deriver's channel: derivation (paper §4) as actor work. `deriver.advance` trains one derived architecture in
 * its folder of the run directory for one checkpoint interval, or to its end and scores it. While a request runs
 * the actor streams one `deriver.step` per G step under the request's id, and the parent may answer
 * `deriver.stop` (the run is interrupted): the interval then ends after the current step, with a checkpoint.
 * A derivation's state is its checkpoints on disk: a restarted deriver resumes from them.
 */
import { complete } from '../config/schema.js';
import { TRAINING_SETTINGS_SCHEMA } from '../config/training-settings.js';
import { NUM_STAGES, STAGE_PREFIX_LENGTH } from '../nn/arch.js';
import { archTokens, streaming } from './base.js';
import { evalPoint } from './evaluation.js';
import { FieldError } from '../errors.js';
import { bool, intIn, natural, nullable, num, obj, optional, str, type Infer, type Schema } from '../util/schema.js';

/**
 * What a Deriver is given at its start: the training settings of every derivation it trains (the run's, whose
 * `train` is the derivation's: search.derive's steps and checkpoint interval), the file of the data set's
 * reference statistics (FID) or null, its share of the cores for its native kernels, and the backend's name for the reports.
 */
export const deriverSettings = obj({ training: complete(TRAINING_SETTINGS_SCHEMA), referenceStats: nullable(str), blasThreads: intIn(1), backend: str });
export type DeriverSettings = Infer<typeof deriverSettings>;

/** A whole architecture: derivation trains all 14 tokens. */
export const wholeArch: Schema<number[]> = {
  parse(v, path) {
    const tokens = archTokens.parse(v, path);
    const whole = STAGE_PREFIX_LENGTH[NUM_STAGES - 1]!;
    if (tokens.length !== whole) throw new FieldError(path, `${tokens.length} tokens; a derived architecture has all ${whole}`);
    return tokens;
  },
};

/** One derivation: a whole architecture and its folder in the run directory (derive/topK). */
const deriveJob = obj({ arch: wholeArch, dir: str });
export type DeriveJob = Infer<typeof deriveJob>;
/** One G step of a derivation. Losses are data even when NaN (a diverged GAN). */
export const deriveStep = obj({ step: intIn(1), steps: intIn(1), dLoss: num, gLoss: num });
/** What a deriver streams per G step: the step, and the evaluation made after it when one was (train.evalEvery). */
const deriveStreamItem = obj({ ...deriveStep.shape, evaluated: optional(evalPoint) });
export type DeriveStep = Infer<typeof deriveStreamItem>;
/** IS and FID of the final EMA generator; either may be NaN: what a generator with non-finite images measures. */
export const finalScores = obj({ is: nullable(obj({ mean: num, std: num })), fid: nullable(num) });
/**
 * Where a derivation stands after an `advance`: `interrupted` when the callback stopped it early (a checkpoint
 * holds the step reached); `scores` once it is done, null before.
 */
const deriveChunk = obj({ step: natural, steps: intIn(1), interrupted: bool, scores: nullable(finalScores) });
export type DeriveChunk = Infer<typeof deriveChunk>;

export const deriverMethods = {
  /**
   * Trains the derivation one checkpoint interval on (resuming it from its folder's newest checkpoint unless this
   * deriver already holds it), or to its end, then scores it. The callback sees every G step; 'stop' ends the
   * interval after that step, with a checkpoint.
   */
  'deriver.advance': streaming(deriveJob, deriveChunk, { key: 'step', item: deriveStreamItem }),
};
