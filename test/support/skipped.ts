/**
 * Tests skipped because something optional is missing on this machine, each with why: uvu's `skip` only counts
 * them, so the reasons are kept here and test/run.ts lists them under its summary.
 */
import type { Callback, Test } from 'uvu';

const reasons = new Map<string, string[]>();

/** A `test` that skips every test given to it, counted as skipped by uvu and listed with `why` by the runner. */
export function skipping<T>(test: Test<T>, why: string): (name: string, fn: Callback<T>) => void {
  return (name) => {
    test.skip(name);
    reasons.set(why, [...(reasons.get(why) ?? []), name]);
  };
}

/** Why tests were skipped, with the tests each reason skipped. */
export const skipReasons = (): ReadonlyMap<string, readonly string[]> => reasons;
