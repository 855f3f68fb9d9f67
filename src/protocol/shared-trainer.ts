/**
 * The SharedTrainer's channel (SharedTrainerPort). Besides request/response it carries a stream: while a
 * `trainer.train` request runs, the actor sends one `trainer.loss` per iteration under the request's id, and
 * the parent may answer with `trainer.stop` (the conductor's onLoss said 'stop'), honoured between iterations.
 */
import { actorState, method, tensorBundle, type MessageBase, type RequestOf } from './base.js';
import { arr, bool, int, none, nullable, num, obj, type Infer } from './schema.js';

export const trainLoss = obj({ step: int, dLoss: num, gLoss: nullable(num) });
const trainSummary = obj({ iterations: int, meanDLoss: num, meanGLoss: num, stoppedEarly: bool, seconds: num });
export const weightSnapshot = obj({ version: int, stage: int, arrays: tensorBundle });

export const trainerMethods = {
  'trainer.train': method(obj({ stage: int, archs: arr(arr(int)) }), trainSummary),
  'trainer.snapshot': method(obj({ version: int, stage: int }), weightSnapshot),
  'trainer.reset': method(obj({ resetIndex: int }), none),
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
