/**
 * uvu's `suite` and `test`, with an error in a `before` hook reported as the failure of every test of the suite.
 *
 * uvu 0.5.6 runs a suite's `before` hooks inside a `try` whose `finally` returns (dist/index.mjs, `runner`), so
 * an error thrown there is dropped: the suite's tests never run, none is reported as failed, and the exit code
 * stays 0. Here the hook's error is kept, and a `before.each` that runs ahead of the suite's own throws it for
 * each test, so that uvu, which does report `before.each` errors, names it once per test that did not run.
 * test/run.ts (the `npm test` runner) still fails any suite, made here or not, whose tests neither ran nor failed.
 */
import { suite as uvuSuite, type Callback, type Test } from 'uvu';

/** The error of a suite's setup, as the failure of a test that therefore did not run. */
function setupFailure(cause: unknown): Error {
  const what = cause instanceof Error ? cause : new Error(String(cause));
  const failure = new Error(`the suite's setup (a before hook) failed, so this test did not run: ${what.message}`, { cause });
  failure.stack = `${failure.message}\n${(what.stack ?? '').split('\n').slice(1).join('\n')}`;
  return failure;
}

export function suite<T = Record<string, unknown>>(name?: string, state?: T): Test<T> {
  const s = uvuSuite<T>(name, state);
  const { before, run } = s;
  // One record per run: uvu empties a suite's hooks when it is queued by run(), and `test` below is shared by files.
  let setup: { failed: boolean; cause: unknown };
  const begin = () => {
    const current = { failed: false, cause: undefined as unknown };
    setup = current;
    before.each(() => {
      if (current.failed) throw setupFailure(current.cause);
    });
  };
  begin();
  s.before = Object.assign(
    (hook: Callback<T>) => {
      const current = setup;
      before(async (context) => {
        if (current.failed) return;
        try {
          await hook(context);
        } catch (cause) {
          Object.assign(current, { failed: true, cause });
        }
      });
    },
    { each: (hook: Callback<T>) => before.each(hook) },
  );
  s.run = () => {
    run();
    begin();
  };
  return s;
}

export const test = suite();
