import * as assert from 'uvu/assert';
import { InputError } from '../../src/errors.js';

/** Asserts that `p` rejects with an InputError whose message matches `pattern`. */
export async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, InputError);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an InputError');
}
