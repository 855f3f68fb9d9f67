/**
 * The metadata of a `train` checkpoint, and its check on reading: every field's type and range, the saved
 * config resolved as a config file would be, the architecture's tokens. A bad field is an InputError naming
 * the file and the field.
 */
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import { archTokens } from '../protocol/base.js';
import { batchCursor, savedLoss as loss, seconds } from '../protocol/saved-state.js';
import { FieldError, arr, checkedFromFile, intIn, json, literal, natural, nullable, obj, optional } from '../protocol/schema.js';
import type { BatchCursor } from '../data/batches.js';
import { ganStateMetaSchema, type GanStateMeta } from './gan-state.js';

export interface LossPoint {
  readonly step: number;
  readonly dLoss: number;
  readonly gLoss: number;
}

/** A periodic evaluation (train.evalEvery): IS and FID of the EMA generator at a step. */
export interface EvalPoint {
  readonly step: number;
  readonly is: { readonly mean: number; readonly std: number } | null;
  readonly fid: number | null;
}

export interface TrainCheckpointMeta {
  readonly kind: 'train';
  readonly config: RunConfig;
  readonly arch: number[];
  readonly step: number;
  readonly gan: GanStateMeta;
  readonly cursor: BatchCursor;
  readonly history: LossPoint[];
  /** Loss sums of the steps since the last history point, so a resumed run's history matches. */
  readonly pending: { dSum: number; gSum: number; n: number };
  readonly wallSeconds: number;
  readonly evals: EvalPoint[];
}

const metaSchema = obj({
  kind: literal('train'),
  config: json,
  arch: archTokens,
  step: natural,
  gan: ganStateMetaSchema,
  cursor: batchCursor,
  history: arr(obj({ step: intIn(1), dLoss: loss, gLoss: loss })),
  pending: obj({ dSum: loss, gSum: loss, n: natural }),
  wallSeconds: seconds,
  // Checkpoints written before periodic evaluation existed have none.
  evals: optional(arr(obj({ step: intIn(1), is: nullable(obj({ mean: loss, std: loss })), fid: nullable(loss) }))),
});

/** Checks the metadata read from the train checkpoint `file`. */
export function parseTrainCheckpointMeta(raw: unknown, file: string): TrainCheckpointMeta {
  return checkedFromFile(file, () => {
    const meta = metaSchema.parse(raw, 'meta');
    const config = resolveConfig(meta.config, `${file}: meta.config`);
    if (meta.arch.length !== 14) throw new FieldError('meta.arch', `has ${meta.arch.length} tokens; a trained architecture has 14`);
    if (meta.step > config.train.steps) throw new FieldError('meta.step', `is ${meta.step}, past the run's ${config.train.steps} steps`);
    return { ...meta, config, evals: meta.evals ?? [] };
  });
}
