/**
 * The study job as the library calls it: a study config given as a value runs and resolves to the table that
 * study.json holds, its runs sharing one computation of the reference statistics; a resume of the finished study runs nothing and gives the same table; bad input rejects with
 * an InputError naming the key, before anything is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { study } from '../src/jobs/study.js';
import { rejects } from './support/rejects.js';
import { TINY_STUDY, readStudyJson, withoutTimings } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-jobs-study-'));
const tiny = JSON.parse(readFileSync(TINY_STUDY, 'utf8'));
// One arm, the fewest seeds a study takes (two): two short runs. A value's relative base is under the working folder.
const value = { ...tiny, base: 'configs/smoke.json', arms: ['full'] };

test('a study config as a value runs; the result is study.json\'s table, and a resume of the finished study runs nothing', async () => {
  const out = join(root, 'study');
  const lines: string[] = [];
  const result = await study({ config: value, out, log: (l) => lines.push(l) });
  assert.is(result.dir, out);
  assert.is(result.complete, true);
  assert.is(result.runs.length, 2);
  assert.ok(result.runs.every((r) => r.best !== null));
  const { dir: _dir, ...table } = result;
  assert.equal(table, readStudyJson(out));
  assert.ok(lines.some((l) => l.startsWith('study: run 1 of 2: full, seed 1, new')), lines.join('\n'));
  // The reference statistics are computed once, by the first run, into the study's folder.
  assert.is(readdirSync(join(out, 'stats')).filter((f) => f.endsWith('.npz')).length, 1);
  assert.is(lines.filter((l) => l.startsWith('reference statistics: ') && l.includes(' images of ')).length, 1, lines.join('\n'));
  for (const run of ['full-seed1', 'full-seed2']) assert.not.ok(existsSync(join(out, 'runs', run, 'stats')), run);

  const logBefore = readFileSync(join(out, 'runs', 'full-seed1', 'events.jsonl'), 'utf8');
  const again = await study({ resume: out, log: (l) => lines.push(l) });
  assert.equal(withoutTimings(again), withoutTimings(result));
  assert.is(readFileSync(join(out, 'runs', 'full-seed1', 'events.jsonl'), 'utf8'), logBefore);
});

test('bad input rejects with an InputError naming the key, and writes nothing', async () => {
  const out = join(root, 'bad');
  await rejects(study({ config: { ...value, seeds: [] }, out }), /seeds/);
  assert.not.ok(existsSync(out));
  await rejects(study({ config: value, resume: join(root, 'study') }), /--config/);
});

test.run();
