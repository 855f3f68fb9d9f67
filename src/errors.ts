/**
 * Errors that carry the exit code the CLI must return.
 * `InputError` (exit 2) is for anything the user gave us that is wrong: a flag, a config, a data file,
 * a checkpoint. Every other thrown error is a runtime failure (exit 1).
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
