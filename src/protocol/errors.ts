/** Named errors of the actor runtime, made in one place, and their wire form (errors cross boundaries as data). */
import { InputError } from '../errors.js';
import { FieldError } from '../util/schema.js';
import type { WireError } from './lifecycle.js';

/** An error as a message: a FieldError keeps the field it names. */
export function toWireError(e: unknown): WireError {
  if (e instanceof FieldError) return { name: e.name, message: e.message, field: e.field };
  if (e instanceof Error) return { name: e.name, message: e.message, field: null };
  return { name: 'Error', message: String(e), field: null };
}

/** A request that an actor answered with an error: the actor's id and its message. */
export class ActorRequestError extends Error {
  override readonly name = 'ActorRequestError';
  constructor(readonly actorId: string, readonly request: string, readonly wire: WireError) {
    super(`${actorId}: ${request} failed: ${wire.name}: ${wire.message}`);
  }
}

/** The supervisor gave up on an actor (too many restarts); every call on the run fails with this. */
export class ActorGaveUpError extends Error {
  override readonly name = 'ActorGaveUpError';
  constructor(readonly actorId: string, readonly reason: string) {
    super(`${actorId}: gave up after repeated failures: ${reason}`);
  }
}

/**
 * An actor could not start because of bad input it was given (a data file, a config value), which a restart would
 * only meet again: the run stops at once with the actor's own message, as an input error (exit 2).
 */
export class ActorInputError extends InputError {
  constructor(readonly actorId: string, readonly reason: string) {
    super(`${actorId}: ${reason}`);
  }
}

/** Why the supervisor stopped the run on an actor's account. */
export type ActorFailure = ActorGaveUpError | ActorInputError;

/** The run is stopping (interrupt or shutdown): no new work is taken. */
export class RunStoppedError extends Error {
  override readonly name = 'RunStoppedError';
  constructor(readonly why: string) {
    super(`the run is stopping (${why}); no new requests are taken`);
  }
}

/** An actor's message failed the boundary check: names the actor, the message type and the field. */
export function malformedMessageError(actorId: string, type: string, e: FieldError): WireError {
  return { name: 'MalformedMessage', message: `${actorId}: rejected malformed ${type} message: ${e.message}`, field: e.field };
}
