/**
 * The SharedTrainer's channel. Besides request/response it carries a stream: while a `trainer.train` request
 * runs, the actor sends one `trainer.loss` per iteration under the request's id, and the parent may answer with
 * `trainer.stop` (the conductor's onLoss said 'stop'), honoured between iterations.
 */
import { DATA_SETTINGS, TRAIN_SETTINGS } from '../config/training-settings.js';
import { complete } from '../config/schema.js';
import { actorState, archTokens, method, stage, streaming, tensorBundle } from './base.js';
import { arr, bool, finite, intIn, natural, none, nullable, num, obj, type Infer } from '../util/schema.js';

/** A generator's dimensions (src/nn/generator.ts): the shared one's are the search's widths. */
export const generatorDims = obj({ latent: intIn(1), gf: intIn(1), bottom: intIn(1), channels: intIn(1) });

/** What the SharedTrainer is given at its start: the run's seed, the data set, the shared GAN's widths and its training. */
/** `threads`: its native kernels' threads (src/backend/blas/threads.ts). */
export const trainerSettings = obj({ seed: natural, data: complete(DATA_SETTINGS), generator: generatorDims, df: intIn(1), train: complete(TRAIN_SETTINGS), threads: intIn(1) });
export type TrainerSettings = Infer<typeof trainerSettings>;

/**
 * One iteration's losses; `gLoss` is null on D-only iterations. Losses may be NaN or infinite: a diverged GAN's
 * losses are data, which the Resetter answers with a reset.
 */
export const trainLoss = obj({ step: natural, dLoss: num, gLoss: nullable(num) });
export type TrainLoss = Infer<typeof trainLoss>;

/** `stoppedEarly`: training stopped because a collapse was reported. */
const trainSummary = obj({ iterations: natural, meanDLoss: num, meanGLoss: num, stoppedEarly: bool, seconds: finite });
export type TrainSummary = Infer<typeof trainSummary>;

/** A versioned copy of the shared generator's weights and buffers, for scoring children. */
export const weightSnapshot = obj({ version: natural, stage, arrays: tensorBundle });
export type WeightSnapshot = Infer<typeof weightSnapshot>;

export const trainerMethods = {
  /**
   * Trains the shared GAN for the given minibatches, one architecture each (paper §3.2). The callback sees every
   * iteration's losses; returning 'stop' ends training early (dynamic reset, §3.4).
   */
  'trainer.train': streaming(obj({ stage, archs: arr(archTokens) }), trainSummary, {
    key: 'loss',
    item: trainLoss,
    poisoned: (loss) => ({ step: loss.step, dLoss: NaN, gLoss: loss.gLoss === null ? null : NaN }),
  }),
  'trainer.snapshot': method(obj({ version: natural, stage }), weightSnapshot),
  /**
   * Re-creates G, D and both optimizers from fresh initialisation (dynamic reset). The trainer's weights are
   * large: the supervisor holds them from checkpoints (state/restore) and after a reset only.
   */
  'trainer.reset': method(obj({ resetIndex: natural }), none, { captureState: true }),
  'trainer.state': method(obj({}), actorState),
  'trainer.restore': method(obj({ state: actorState }), none),
};
