import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudyResult } from '../src/study/study-result.js';
import { cli } from './support/kill.js';
import { TINY_STUDY, readStudyJson, writeTinyStudy } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-study-collapses-'));
const dir = join(root, 'study');
let result: StudyResult;

test.before(() => {
  // The tiny study with a threshold no variance is under: the detector fires whenever its G window (4) is full.
  const tiny = JSON.parse(readFileSync(TINY_STUDY, 'utf8')) as { config: { search: Record<string, unknown> } };
  const config = { ...tiny.config, search: { ...tiny.config.search, reset: { window: 4, threshold: 1e9 } } };
  const study = writeTinyStudy(join(root, 'study.json'), { arms: ['full', 'no-reset'], seeds: [1, 2], config });
  const r = cli('study', '--config', study, '--out', dir);
  assert.is(r.status, 0, r.stderr);
  result = readStudyJson(dir) as unknown as StudyResult;
});

type Event = { type: string; payload: Record<string, unknown> };
const eventsOf = (run: string): Event[] => readFileSync(join(dir, run, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);

test('study.json counts resets in `full` and the collapses `no-reset` trained through, as their logs hold them', () => {
  // Whatever the seed: nCritic 2: a G step every other minibatch, 3 iterations of 5. `full` fires at the GAN's 7th minibatch
  // (its fourth G step: iteration 1's second) and resets, which ends that iteration; a fresh GAN's 5 minibatches never
  // fill the window again. `no-reset` sees one at the run's 7th minibatch and 8 after it: 7 and 15.
  assert.equal(result.runs.map((r) => [r.arm, r.seed, r.resets, r.collapses]), [['full', 1, 1, null], ['no-reset', 1, 0, 2], ['full', 2, 1, null], ['no-reset', 2, 0, 2]]);
  for (const run of result.runs) {
    const events = eventsOf(run.dir);
    const seen = events.filter((e) => e.type === 'search.collapse').map((e) => [e.payload.iteration, e.payload.minibatch]);
    assert.equal(seen, run.arm === 'full' ? [] : [[1, 1], [2, 4]], run.dir);
    assert.is(events.filter((e) => e.type === 'search.reset').length, run.resets, run.dir);
  }
  const arm = (name: string) => result.arms.find((a) => a.arm === name)!;
  assert.equal(arm('no-reset').collapses, { n: 2, mean: 2, std: 0 });
  assert.equal(arm('full').collapses, { n: 0, mean: null, std: null }, 'with reset on, collapses are resets');
  assert.equal(arm('full').resets, { n: 2, mean: 1, std: 0 });
});

test('study.md shows them per arm and per run', () => {
  const md = readFileSync(join(dir, 'study.md'), 'utf8').split('\n');
  assert.ok(md.includes('| arm | search | runs | IS | FID | resets | collapses seen, reset off | minibatches trained | children scored | search s | device-s |'));
  const row = (prefix: string) => md.find((l) => l.startsWith(prefix))!.split(' | ');
  assert.equal(row('| `full`:').slice(5, 7), ['1.0 ± 0.0', '—']);
  assert.equal(row('| `no-reset`:').slice(5, 7), ['0.0 ± 0.0', '2.0 ± 0.0']);
  assert.equal(row('| `full` | 2 |').slice(6, 8), ['1', '—']);
  assert.equal(row('| `no-reset` | 2 |').slice(6, 8), ['0', '2']);
});

test.run();
