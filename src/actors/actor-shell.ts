/**
 * An actor shell maps each request of its channel to its logic: one handler per method, typed from the
 * channel's method table, so a missing or misspelt method is a compile error.
 */
import type { ArgsOf, MethodTable, RequestFault, ResultOf } from '../protocol/base.js';
import type { ActorKind, ChannelOf } from '../protocol/channels.js';
import type { ActorMessage } from '../protocol/lifecycle.js';
import type { ActorLogic } from './actor-logic.js';

/** What a handler may do besides returning its result. */
export interface RequestContext {
  readonly id: number;
  /** The fault the supervisor attached to this request ('nan' is the trainer's to act out). */
  readonly fault: RequestFault | null;
  send(msg: ActorMessage): void;
  /** True once the parent asked this request to stop (trainer.stop, deriver.stop). */
  stopRequested(): boolean;
}

export type Handlers<M extends MethodTable> = {
  [K in keyof M & string]: (args: ArgsOf<M, K>, ctx: RequestContext) => Promise<ResultOf<M, K>>;
};

export type ShellOf<K extends ActorKind> = (logic: ActorLogic<K>) => Handlers<ChannelOf<K>>;
