/**
 * The study job's bad input, as the library gets it: an InputError naming the key or option, before anything is
 * written. (A study run through the library, config as a value, is test/study-kill-resume.test.ts's uninterrupted one.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { study } from '../src/jobs/study.js';
import { rejects } from './support/rejects.js';
import { TINY_STUDY } from './support/study.js';

const root = mkdtempSync(join(tmpdir(), 'agts-jobs-study-'));
const tiny = JSON.parse(readFileSync(TINY_STUDY, 'utf8'));
// A value's relative base is under the working folder.
const value = { ...tiny, base: 'configs/smoke.json', arms: ['full'] };

test('bad input rejects with an InputError naming the key, and writes nothing', async () => {
  const out = join(root, 'bad');
  await rejects(study({ config: { ...value, seeds: [] }, out }), /seeds/);
  assert.not.ok(existsSync(out));
  await rejects(study({ config: value, resume: join(root, 'elsewhere') }), /--config/);
  await rejects(study({ config: { ...value, base: 'configs/no-such.json' }, out }), /no-such\.json/);
  assert.not.ok(existsSync(out));
});

test.run();
