/**
 * The Deriver's channel (DeriverPort): derivation (paper §4) as actor work. `deriver.advance` trains one derived
 * architecture in its folder of the run directory for one checkpoint interval, or to its end and scores it. While
 * a request runs the actor streams one `deriver.step` per G step under the request's id, and the parent may answer
 * `deriver.stop` (the run is interrupted): the interval then ends after the current step, with a checkpoint.
 */
import { NUM_STAGES, STAGE_PREFIX_LENGTH } from '../nn/arch.js';
import { archTokens, method, type MessageBase } from './base.js';
import { FieldError, bool, int, intIn, natural, nullable, num, obj, str, type Infer, type Schema } from './schema.js';

/** A whole architecture: derivation trains all 14 tokens. */
const wholeArch: Schema<number[]> = {
  parse(v, path) {
    const tokens = archTokens.parse(v, path);
    const whole = STAGE_PREFIX_LENGTH[NUM_STAGES - 1]!;
    if (tokens.length !== whole) throw new FieldError(path, `${tokens.length} tokens; a derived architecture has all ${whole}`);
    return tokens;
  },
};

/** `dir`: the derivation's folder (derive/topK of the run), where it keeps its checkpoints and report. */
const deriveJob = obj({ arch: wholeArch, dir: str });
/** Losses are data even when NaN (a diverged GAN). */
const deriveStep = obj({ step: intIn(1), steps: intIn(1), dLoss: num, gLoss: num });
/** IS and FID may be NaN: what a generator with non-finite images measures. */
const finalScores = obj({ is: nullable(obj({ mean: num, std: num })), fid: nullable(num) });
/** Where the derivation stands after the request; `scores` once it is done, null before (or when interrupted). */
const deriveChunk = obj({ step: natural, steps: intIn(1), interrupted: bool, scores: nullable(finalScores) });

export const deriverMethods = {
  'deriver.advance': method(deriveJob, deriveChunk),
};

/** Actor → parent, during `deriver.advance` request `id`. */
export const deriverStepMessage = obj({ id: int, step: deriveStep });
export type DeriverStepMessage = MessageBase<'deriver.step'> & Infer<typeof deriverStepMessage>;

/** Parent → actor: end the `deriver.advance` request `id` after its current step. */
export const deriverStopMessage = obj({ id: int });
export type DeriverStopMessage = MessageBase<'deriver.stop'> & Infer<typeof deriverStopMessage>;
