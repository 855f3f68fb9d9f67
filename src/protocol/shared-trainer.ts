/**
 * The SharedTrainer's channel (SharedTrainerPort). Besides request/response it carries a stream: while a
 * `trainer.train` request runs, the actor sends one `trainer.loss` per iteration under the request's id, and
 * the parent may answer with `trainer.stop` (the conductor's onLoss said 'stop'), honoured between iterations.
 */
import { actorState, archTokens, method, stage, tensorBundle, type MessageBase, type RequestOf } from './base.js';
import { arr, bool, finite, int, natural, none, nullable, num, obj, type Infer } from './schema.js';

/** Losses may be NaN or infinite: a diverged GAN's losses are data, which the Resetter answers with a reset. */
export const trainLoss = obj({ step: natural, dLoss: num, gLoss: nullable(num) });
const trainSummary = obj({ iterations: natural, meanDLoss: num, meanGLoss: num, stoppedEarly: bool, seconds: finite });
export const weightSnapshot = obj({ version: natural, stage, arrays: tensorBundle });

export const trainerMethods = {
  'trainer.train': method(obj({ stage, archs: arr(archTokens) }), trainSummary),
  'trainer.snapshot': method(obj({ version: natural, stage }), weightSnapshot),
  'trainer.reset': method(obj({ resetIndex: natural }), none),
  'trainer.state': method(obj({}), actorState),
  'trainer.restore': method(obj({ state: actorState }), none),
};

export type TrainerRequest = RequestOf<typeof trainerMethods>;

/** Actor → parent, during `trainer.train` request `id`. */
export const trainerLossMessage = obj({ id: int, loss: trainLoss });
export type TrainerLossMessage = MessageBase<'trainer.loss'> & Infer<typeof trainerLossMessage>;

/** Parent → actor: stop the `trainer.train` request `id` after its current iteration. */
export const trainerStopMessage = obj({ id: int });
export type TrainerStopMessage = MessageBase<'trainer.stop'> & Infer<typeof trainerStopMessage>;
