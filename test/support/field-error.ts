import { FieldError } from '../../src/errors.js';

/** The message of the FieldError `f` throws (`field: problem`); fails when it accepts or throws anything else. */
export function fieldErrorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FieldError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}
