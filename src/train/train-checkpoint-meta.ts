/**
 * The metadata of a `train` checkpoint, and its check on reading: every field's type and range, the saved
 * training settings resolved as a config file would be (in either format, src/train/saved-run.ts), the
 * architecture's tokens. A bad field is an InputError naming the file and the field.
 */
import type { TrainingSettings } from '../config/training-settings.js';
import { archTokens } from '../protocol/base.js';
import { evalPoint, type EvalPoint } from '../protocol/evaluation.js';
import { batchCursor, savedLoss as loss, seconds } from '../protocol/saved-state.js';
import { FieldError } from '../errors.js';
import { arr, checkedFromFile, intIn, json, literal, natural, obj, optional, type Infer } from '../util/schema.js';
import { ganStateMetaSchema } from './gan-state.js';
import { SAVED_RUN_FORMAT, savedRunFormat, savedTrainingSettings } from './saved-run.js';

export const lossPoint = obj({ step: intIn(1), dLoss: loss, gLoss: loss });
export type LossPoint = Infer<typeof lossPoint>;

const metaSchema = obj({
  kind: literal('train'),
  format: savedRunFormat,
  /** The training's settings (the whole run config in format 1), resolved as a config file would be, after the fields' check. */
  config: json,
  arch: archTokens,
  step: natural,
  gan: ganStateMetaSchema,
  cursor: batchCursor,
  history: arr(lossPoint),
  /** Loss sums of the steps since the last history point, so a resumed run's history matches. */
  pending: obj({ dSum: loss, gSum: loss, n: natural }),
  wallSeconds: seconds,
  // Checkpoints written before periodic evaluation existed have none.
  evals: optional(arr(evalPoint)),
});

/** A checkpoint's metadata as this program writes it; one of format 1 reads as this. */
export type TrainCheckpointMeta = Omit<Infer<typeof metaSchema>, 'format' | 'config' | 'evals'> & {
  readonly format: typeof SAVED_RUN_FORMAT;
  readonly config: TrainingSettings;
  readonly evals: EvalPoint[];
};

/** Checks the metadata read from the train checkpoint `file`, in either format. */
export function parseTrainCheckpointMeta(raw: unknown, file: string): TrainCheckpointMeta {
  return checkedFromFile(file, () => {
    const meta = metaSchema.parse(raw, 'meta');
    const config = savedTrainingSettings(meta.config, meta.format, `${file}: meta.config`, false);
    if (meta.arch.length !== 14) throw new FieldError('meta.arch', `has ${meta.arch.length} tokens; a trained architecture has 14`);
    if (meta.step > config.train.steps) throw new FieldError('meta.step', `is ${meta.step}, past the run's ${config.train.steps} steps`);
    return { ...meta, format: SAVED_RUN_FORMAT, config, evals: meta.evals ?? [] };
  });
}
