import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { study, type StudyConfigInput } from '../src/jobs/study.js';
import { cli, killMidRun } from './support/kill.js';
import { readStudyJson, withoutTimings, writeTinyStudy } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-study-kill-'));
// Two arms that spend the budget in different ways, two seeds: four runs.
const config = writeTinyStudy(join(root, 'study.json'), { arms: ['full', 'random-independent'] });

/** Each finished run's event log, by run: a finished run that is run again writes to it. */
function finishedLogs(dir: string): Map<string, string> {
  const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')) : [];
  return new Map(runs.filter((r) => existsSync(join(dir, 'runs', r, 'report.json'))).map((r) => [r, readFileSync(join(dir, 'runs', r, 'events.jsonl'), 'utf8')]));
}

test('SIGKILL anywhere, again during the resume, then --resume: the same study.json (timings aside), and no finished run is repeated', async () => {
  // The uninterrupted study through the library, with its config as a value: its result is study.json's table,
  // and its runs share one computation of the reference statistics.
  const whole = join(root, 'whole');
  const lines: string[] = [];
  const { dir: studyDir, ...result } = await study({ config: JSON.parse(readFileSync(config, 'utf8')) as StudyConfigInput, out: whole, log: (l) => lines.push(l) });
  // How long the study ran after writing study-config.json, the file the kills wait for.
  const span = Date.now() - statSync(join(whole, 'study-config.json')).mtimeMs;
  assert.is(studyDir, whole);
  assert.equal(result, readStudyJson(whole));
  assert.is(result.complete, true);
  assert.is(readdirSync(join(whole, 'stats')).filter((f) => f.endsWith('.npz')).length, 1);
  assert.is(lines.filter((l) => l.startsWith('reference statistics: ') && l.includes(' images of ')).length, 1, lines.join('\n'));
  for (const run of readdirSync(join(whole, 'runs'))) assert.not.ok(existsSync(join(whole, 'runs', run, 'stats')), run);
  const expected = withoutTimings(readStudyJson(whole));

  const dir = join(root, 'cut');
  const complete = () => existsSync(join(dir, 'study.json')) && readStudyJson(dir).complete === true;
  await killMidRun(['study', '--config', config, '--out', dir], dir, join(dir, 'study-config.json'), 0.8 * span, 'study kill 1', complete);
  // Killed again while it resumes: its runs resume in turn, or are skipped once finished.
  let before = finishedLogs(dir);
  await killMidRun(['study', '--resume', dir], dir, join(dir, 'study-config.json'), 0.5 * span, 'study kill 2', complete);
  for (const [run, log] of before) assert.is(readFileSync(join(dir, 'runs', run, 'events.jsonl'), 'utf8'), log, `${run} finished before and was not run again`);
  before = finishedLogs(dir);
  const resumed = cli('study', '--resume', dir);
  assert.is(resumed.status, 0, resumed.stderr);
  for (const [run, log] of before) assert.is(readFileSync(join(dir, 'runs', run, 'events.jsonl'), 'utf8'), log, `${run} finished before and was not run again`);
  assert.equal(withoutTimings(readStudyJson(dir)), expected);
  assert.equal(readFileSync(join(dir, 'study.md'), 'utf8').split('\n').filter((l) => l.startsWith('- **')), readFileSync(join(whole, 'study.md'), 'utf8').split('\n').filter((l) => l.startsWith('- **')));
});

test('--resume of a finished study runs nothing and writes the same table', () => {
  const whole = join(root, 'whole');
  const logs = finishedLogs(whole);
  const table = withoutTimings(readStudyJson(whole));
  const r = cli('study', '--resume', whole);
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stderr, /study: run \d+ of/);
  assert.equal(finishedLogs(whole), logs);
  assert.equal(withoutTimings(readStudyJson(whole)), table);
});

test.run();
