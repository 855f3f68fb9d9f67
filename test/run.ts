/**
 * `npm test`: uvu's own runner (what `uvu DIR PATTERN` does, after uvu/run), made to fail whenever a test that
 * should have run did not, and to say why.
 *
 * uvu 0.5.6 returns from a `finally` in its suite runner, so an error thrown by a `before` (or `after.each`) hook
 * is dropped: the suite's remaining tests never run, none is reported failed, and the exit code is 0. Suites made
 * with test/support/suite.ts report such an error as each test's failure; for any suite, this runner compares how
 * many tests ran with how many it has, which needs no cooperation from the test file and so also catches hooks
 * that were not written through the helper. A test file that throws while it loads, or a suite whose `after`
 * hook throws, becomes a failed test of its own (plain uvu stops the whole run there). Tests skipped for a
 * missing optional dependency are listed with why, and the heaviest files by CPU time (test/support/file-times.ts).
 *
 * Usage: node .test-build/test/run.js [DIR] [PATTERN], as `uvu DIR PATTERN`.
 */
import { pathToFileURL } from 'node:url';
import { clock, FileTimes } from './support/file-times.js';
import { skipReasons } from './support/skipped.js';

/** What uvu's suite runner resolves with: its errors (true when none), tests passed, tests skipped, tests it had. */
type Outcome = [errors: string | true, passed: number, skipped: number, total: number];
type Group = [file: string | null, ...runs: (() => Promise<Outcome>)[]];
declare global {
  var UVU_DEFER: number;
  var UVU_INDEX: number;
  var UVU_QUEUE: Group[];
}

const [dir = '.test-build/test', pattern = '\\.test\\.js$'] = process.argv.slice(2);
// As uvu/run does: uvu reads these when it is first imported, so it is imported only after they are set.
globalThis.UVU_DEFER = 1;
globalThis.UVU_QUEUE = [];
const uvu = await import('uvu');
const { parse } = await import('uvu/parse');

const unrun: string[] = [];
const times = new FileTimes();
const { suites: files } = await parse(dir, pattern);
for (const [index, file] of files.entries()) {
  globalThis.UVU_INDEX = index;
  const group: Group = [file.name];
  globalThis.UVU_QUEUE.push(group);
  const loaded = clock();
  try {
    await import(pathToFileURL(file.file).href);
  } catch (error) {
    const loading = uvu.suite(`${file.name} did not load`);
    loading('the file loads', () => {
      throw error;
    });
    loading.run();
  }
  times.add(file.name, loaded());
  const runs = group.slice(1) as (() => Promise<Outcome>)[];
  group.splice(1, runs.length, ...runs.map((run, i) => async (): Promise<Outcome> => {
    let outcome: Outcome;
    const ran = clock();
    try {
      outcome = await run();
    } catch (error) {
      // An `after` hook threw: uvu's runner rethrows it and loses the suite's counts. One failure, so the other
      // suites still run and the run fails naming it.
      return [`  ${file.name}, suite ${i + 1} of ${runs.length}: an after hook threw: ${(error as Error).stack ?? String(error)}\n`, 0, 0, 1];
    } finally {
      times.add(file.name, ran());
    }
    const [errors, passed, , total] = outcome;
    if (errors === true && passed < total) {
      unrun.push(`${file.name}, suite ${i + 1} of ${runs.length}: ${total - passed} of its ${total} tests did not run, and none failed: `
        + 'a before or after.each hook threw, and uvu drops that error (make the suite with test/support/suite.ts to see it)');
    }
    return outcome;
  }));
}

await uvu.exec();

const out: string[] = [...times.heaviest(15), ''];
for (const [why, tests] of skipReasons()) out.push(`  Skipped (${tests.length}): ${why}`, ...tests.map((t) => `    - ${t}`));
if (unrun.length) out.push('  Tests that did not run:', ...unrun.map((u) => `    ✘ ${u}`));
if (out.length) process.stdout.write(`${out.join('\n')}\n\n`);
if (unrun.length) process.exitCode = 1;
