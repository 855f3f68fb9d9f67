/**
 * What an actor wraps: the port its logic implements, per kind (derived from the kind's method table), and how
 * a logic module is shaped. A logic module exports `createLogic(init)`; the real ones live in ./logic/, tests
 * pass tiny fixtures (test/fixtures/) through `ActorInit.logicModule`.
 */
import type { ActorKind, PortOfKind } from '../protocol/channels.js';
import type { ActorInit } from '../protocol/lifecycle.js';

/** Logic may hold tensors; `dispose` (when present) frees them at shutdown. */
export type ActorLogic<K extends ActorKind> = PortOfKind<K> & { dispose?(): void };

/** What the host lends a logic: its log lines become `actor.log` events in the run's log. */
export interface LogicHost {
  log(line: string): void;
  /** Frees, at shutdown after the logic's own `dispose`, what `createLogic` made for the logic (a feature network). */
  onDispose(free: () => void): void;
}

export interface LogicModule<K extends ActorKind> {
  createLogic(init: ActorInit, host: LogicHost): ActorLogic<K> | Promise<ActorLogic<K>>;
  /** `false` when the logic holds no tensors: the host then skips starting tfjs (placement backend 'none'). */
  readonly tensors?: boolean;
}
