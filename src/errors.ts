/**
 * Every error of the program that is more than a message, in one place. `InputError` (exit 2 at the CLI) is for
 * anything the user gave us that is wrong: a flag, a config, a data file, a checkpoint; `FieldError` names the
 * field of a value that fails its schema (src/util/schema.ts); the actor runtime's errors say which actor failed
 * and how. Every other thrown error is a runtime failure (exit 1). Errors cross thread and process boundaries as
 * data (`WireError`, src/protocol/lifecycle.ts).
 */

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly exitCode = 2;
}

/** Bad input found in a file: the message always starts with the file's path. */
export function fileError(path: string, problem: string): InputError {
  return new InputError(`${path}: ${problem}`);
}

/** Bad command-line usage: names the flag and what is wrong with it. */
export function flagError(flag: string, problem: string): InputError {
  return new InputError(`--${flag}: ${problem}`);
}

/** A value the user gave, quoted for a message; a long one is cut, so an error never echoes megabytes. */
export function quote(text: string): string {
  return text.length <= 80 ? `"${text}"` : `"${text.slice(0, 60)}…" (${text.length} characters)`;
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** A value that fails its schema: `field` is its path (`args.prefixes[2].h`), `problem` what is wrong there. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(readonly field: string, readonly problem: string) {
    super(`${field}: ${problem}`);
  }
}

/** A request that an actor answered with an error: the actor's id and its message, as it came over the wire. */
export class ActorRequestError extends Error {
  override readonly name = 'ActorRequestError';
  constructor(readonly actorId: string, readonly request: string, readonly wire: { readonly name: string; readonly message: string; readonly field: string | null }) {
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
