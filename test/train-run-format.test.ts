/**
 * What a train run directory saves (src/train/saved-run.ts): format 2 holds the training's own settings in
 * config.json and in each checkpoint's metadata, and round-trips; a directory in format 1 (the whole run config,
 * no format key), as the program before wrote it, resumes to the same result as an uninterrupted run and its
 * checkpoints evaluate as format 2's do; bad or mismatched saved settings are named by file and key, and leave the
 * directory as it was.
 */
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { startBackend } from '../src/backend/select.js';
import type { RunConfig } from '../src/config/run-config.js';
import { trainingSettingsOf, TRAINING_SETTINGS_SCHEMA } from '../src/config/training-settings.js';
import { evaluate } from '../src/jobs/evaluate.js';
import { train } from '../src/jobs/train.js';
import { parseArch } from '../src/nn/arch.js';
import { Problems } from '../src/report/read-files.js';
import { readTrainRun } from '../src/report/train-data.js';
import { checkpointPath, listCheckpoints } from '../src/train/checkpoint-dir.js';
import { loadEmaGenerator } from '../src/train/ema-generator.js';
import { readSavedRun, savedRunText } from '../src/train/saved-run.js';
import { parseTrainCheckpointMeta } from '../src/train/train-checkpoint-meta.js';
import { openTraining, runTraining, type TrainReport } from '../src/train/train-run.js';
import { readCheckpoint, readCheckpointMeta, writeCheckpoint } from '../src/util/checkpoint-file.js';
import { dirBytes } from './support/bad-input.js';
import { rejects } from './support/rejects.js';
import { tempRunDir, tinySearchConfig } from './support/tiny-search.js';

const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream;
const ARCH = parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3');
/** A whole run config, as `train --config` reads one: the run saves only its training settings. */
const run: RunConfig = tinySearchConfig({ train: { steps: 4, checkpointEvery: 2 } });
const settings = trainingSettingsOf(run);
const options = (outDir: string, resume: boolean) => ({ config: run, arch: ARCH, outDir, resume, backend: 'test', log: () => {}, progress: quiet });

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
/** What the same seed must give again: the losses, the final samples' bytes. */
const outcome = (r: TrainReport, dir: string) => ({ steps: r.steps, history: r.history, lastDLoss: r.lastDLoss, final: readFileSync(join(dir, 'samples', 'final.png')).toString('base64') });

/**
 * Rewrites a run directory as the program before format 2 left it: config.json holds `{ config, arch }` with the
 * whole run config, and so does every checkpoint's metadata, without a format key.
 */
function toFormat1(dir: string): void {
  const { arch } = json(join(dir, 'config.json'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ config: run, arch }, null, 2));
  for (const path of listCheckpoints(join(dir, 'checkpoints'))) {
    const { meta, arrays } = readCheckpoint<Record<string, unknown>>(path);
    const { format: _format, ...old } = meta;
    writeCheckpoint(path, { ...old, config: run }, arrays);
  }
}

/** A run trained uninterrupted in format 2: the reference of the resumes. */
const whole = tempRunDir('format-whole');
let wholeReport: TrainReport;

test.before(async () => {
  await startBackend('auto');
  wholeReport = await runTraining(options(whole, false));
});

test('format 2: config.json and the checkpoints hold exactly the training settings, and read back as written', () => {
  const saved = json(join(whole, 'config.json'));
  assert.equal(Object.keys(saved), ['format', 'config', 'arch']);
  assert.is(saved.format, 2);
  assert.equal(Object.keys(saved.config as object), Object.keys(TRAINING_SETTINGS_SCHEMA.fields), 'no search section');
  assert.equal(saved.config, settings);
  assert.equal(readSavedRun(whole), { config: settings, arch: ARCH });
  assert.equal(savedRunText(readSavedRun(whole)).toString(), readFileSync(join(whole, 'config.json'), 'utf8'), 'reading and writing again gives the same bytes');
  for (const path of listCheckpoints(join(whole, 'checkpoints'))) {
    const meta = readCheckpointMeta<Record<string, unknown>>(path);
    assert.is(meta.format, 2);
    assert.equal(meta.config, settings);
    assert.equal(parseTrainCheckpointMeta(meta, path).config, settings);
  }
  assert.equal(wholeReport.config, settings, 'report.json says what the training ran by');
  assert.equal(json(join(whole, 'report.json')).config, settings);
});

test('format 1: a run directory saved before (the whole run config) resumes to the uninterrupted run\'s result', async () => {
  const dir = tempRunDir('format-old');
  const session = await openTraining(options(dir, false));
  try {
    await session.trainUntil(2);
  } finally {
    session.dispose();
  }
  toFormat1(dir);
  const oldConfig = readFileSync(join(dir, 'config.json'), 'utf8');
  assert.equal(readSavedRun(dir), { config: settings, arch: ARCH }, 'format 1 reads as the training settings');
  assert.equal(readTrainRun(dir, new Problems()).targetSteps, 4, 'the report reads format 1');

  const tensors = tf.memory().numTensors;
  const resumed = await train({ resume: dir, backend: 'auto', progress: quiet });
  assert.is(tf.memory().numTensors, tensors, 'the resumed run frees its tensors');
  assert.is(resumed.resumedFromStep, 2);
  assert.equal(outcome(resumed, dir), outcome(wholeReport, whole), 'same seed, same losses and samples');
  assert.equal(resumed.config, settings);
  assert.is(readFileSync(join(dir, 'config.json'), 'utf8'), oldConfig, 'a resume leaves config.json as it was');
  assert.is(readCheckpointMeta<{ format?: number }>(checkpointPath(join(dir, 'checkpoints'), 2)).format, undefined, 'the old checkpoint stays format 1');
  assert.is(readCheckpointMeta<{ format?: number }>(checkpointPath(join(dir, 'checkpoints'), 4)).format, 2, 'the new ones are format 2');
  const problems = new Problems();
  readTrainRun(dir, problems);
  assert.equal(problems.list, []);

  // The format 1 checkpoint evaluates as the uninterrupted run's format 2 checkpoint of the same step.
  const old = loadEmaGenerator(checkpointPath(join(dir, 'checkpoints'), 2));
  try {
    assert.equal(old.meta.config, settings);
  } finally {
    old.G.dispose();
  }
  const scored = (checkpoint: string) => evaluate({ checkpoint, metrics: ['is'], n: 20, batch: 20, backend: 'auto' });
  const [a, b] = [await scored(checkpointPath(join(dir, 'checkpoints'), 2)), await scored(checkpointPath(join(whole, 'checkpoints'), 2))];
  assert.equal({ ...a, checkpoint: '' }, { ...b, checkpoint: '' });
  assert.ok(a.is !== null && Number.isFinite(a.is.mean));
});

test('bad saved settings are named by file and key, and the run directory is left as it was', async () => {
  const full = JSON.stringify(run);
  const slice = JSON.stringify(settings);
  const arch = JSON.stringify(ARCH);
  const cases: [string, RegExp][] = [
    [`{"format": 3, "config": ${slice}, "arch": ${arch}}`, /config\.json: format: expected 2 \(or no format key: a run saved before format 2\), got 3$/],
    [`{"format": "2", "config": ${slice}, "arch": ${arch}}`, /config\.json: format: expected 2 .*, got string$/],
    [`{"format": 2, "config": ${full}, "arch": ${arch}}`, /config\.json \(config\): search: unknown key \(allowed: seed, data, model, train, eval\)$/],
    [`{"format": 2, "config": ${slice.replace(/"lrG":[^,]+,/, '')}, "arch": ${arch}}`, /config\.json \(config\): train\.lrG: missing$/],
    [`{"format": 2, "config": ${slice.replace('"bottom":4', '"bottom":6')}, "arch": ${arch}}`, /config\.json \(config\): model\.bottom: 6 gives 48 px images; mnist is 32 px/],
    [`{"config": ${slice}, "arch": ${arch}}`, /config\.json \(config\): search: missing$/],
  ];
  for (const [i, [text, pattern]] of cases.entries()) {
    const dir = tempRunDir(`format-bad-${i}`);
    cpSync(whole, dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), text);
    const before = dirBytes(dir);
    await rejects(runTraining(options(dir, true)), pattern);
    assert.equal(dirBytes(dir), before, `case ${i}`);
  }
});

test('a checkpoint whose settings or architecture are not its run\'s is named with the key where they part', async () => {
  const differing: [string, (s: { config: typeof settings; arch: number[] }) => void, RegExp][] = [
    ['lrG', (s) => (s.config = { ...s.config, train: { ...s.config.train, lrG: 1e-3 } }), /meta\.config\.train\.lrG: 0\.0002, but the run's config\.json has 0\.001: a checkpoint of another run\?/],
    ['seed', (s) => (s.config = { ...s.config, seed: 4 }), /meta\.config\.seed: 3, but the run's config\.json has 4/],
    ['arch', (s) => (s.arch = [...parseArch('0 0 1 1  1 0 0 1 1  1 0 1 0 3')]), /meta\.arch\[0\]: 1, but the run's config\.json has 0/],
  ];
  for (const [name, edit, pattern] of differing) {
    const dir = tempRunDir(`format-mismatch-${name}`);
    cpSync(whole, dir, { recursive: true });
    const saved = { config: settings, arch: [...ARCH] };
    edit(saved);
    writeFileSync(join(dir, 'config.json'), savedRunText(saved));
    const before = dirBytes(dir);
    const newest = checkpointPath(join(dir, 'checkpoints'), 4).replace(/[.]/g, '\\.');
    await rejects(runTraining(options(dir, true)), new RegExp(`${newest}: ${pattern.source}`));
    assert.equal(dirBytes(dir), before, name);
  }
  // A checkpoint's own metadata: a format this program does not write, or format 2 holding a whole run config.
  const path = checkpointPath(join(whole, 'checkpoints'), 4);
  const meta = readCheckpointMeta<Record<string, unknown>>(path);
  const parse = (m: Record<string, unknown>) => () => parseTrainCheckpointMeta(m, path);
  assert.throws(parse({ ...meta, format: 1 }), (e: Error) => e.message.endsWith('step-000000004.ckpt: meta.format: expected 2 (or no format key: a run saved before format 2), got 1'));
  assert.throws(parse({ ...meta, config: run }), (e: Error) => /step-000000004\.ckpt: meta\.config: search: unknown key/.test(e.message));
});

test.run();
