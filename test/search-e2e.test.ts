import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend } from '../src/backend/select.js';
import { evaluate } from '../src/jobs/evaluate.js';
import { finalScoresSeed } from '../src/train/train-run.js';
import { runTinySearch, tempRunDir, tinySearchConfig } from './support/tiny-search.js';

/**
 * The whole search of tinySearchConfig(), run once: the first test checks it, the others compare runs of the same
 * config with it. `atBoundary` is its folder as it stood between stage 0's training and its scoring.
 */
let whole: Awaited<ReturnType<typeof runTinySearch>> & { dir: string; atBoundary: string; leaked: number };

test.before(async () => {
  await startBackend('auto');
  const before = tf.memory().numTensors;
  const dir = tempRunDir('e2e');
  const atBoundary = `${dir}-at-boundary`;
  // Stage 0 has one iteration: when its rewards arrive, the newest checkpoint is the one saved after its
  // training, before its scoring and before the hand-over to stage 1.
  const run = await runTinySearch(tinySearchConfig(), dir, { onEvent: (e) => e.type === 'search.rewards' && e.iteration === 0 && cpSync(dir, atBoundary, { recursive: true }) });
  whole = { ...run, dir, atBoundary, leaked: tf.memory().numTensors - before };
});

test('a whole search: three stages, beam hand-overs, derivation, the report, no leaked tensors', async () => {
  const { report, events, dir } = whole;
  assert.is(whole.leaked, 0, 'every tensor of the run is freed');
  assert.equal(report.iterations.map((i) => i.stage), [0, 1, 2]);
  assert.equal(report.beams.map((b) => b.stage), [0, 1]);
  assert.is(report.beams[1]!.kept[0]!.length, 9);
  const stage2 = events.find((e) => e.type === 'search.stage' && e.stage === 2);
  assert.ok(stage2 && stage2.type === 'search.stage' && stage2.prefixes.length === 2);
  assert.is(report.derived.length, 1);
  const best = report.best!;
  assert.is(best.arch.split(/\s+/).length, 14);
  // Its Inception Score is its final EMA generator's: `eval` of its last checkpoint on the same latents agrees.
  const derived = report.derived[0]!;
  const { config } = JSON.parse(readFileSync(join(derived.dir, 'config.json'), 'utf8')) as { config: { seed: number } };
  const again = await evaluate({ checkpoint: derived.dir, metrics: ['is'], seed: finalScoresSeed(config.seed), batch: 100 });
  assert.ok(best.is !== null && again.is !== null && Math.abs(again.is.mean - best.is.mean) < 1e-6 && Math.abs(again.is.std - best.is.std) < 1e-6, `report ${JSON.stringify(best.is)}, eval ${JSON.stringify(again.is)}`);
  assert.ok(report.candidates.length === 3 && report.overlap === false && report.strategy === 'rl');
  assert.ok(report.wallSeconds.training > 0 && report.wallSeconds.scoring > 0 && report.deviceSeconds > 0);
  assert.ok(existsSync(join(dir, 'report.json')) && existsSync(join(dir, 'derive', 'top1', 'samples', 'final.png')));
});

test('the same seed with overlap off samples the same architectures', async () => {
  const b = await runTinySearch(tinySearchConfig(), tempRunDir('seed-b'));
  const sampled = (r: typeof b) => r.events.flatMap((e) => (e.type === 'search.rewards' ? e.archs : []));
  assert.equal(sampled(whole), sampled(b));
  assert.equal(whole.report.candidates, b.report.candidates);
});

test('a collapse resets the shared GAN and the search goes on', async () => {
  // A threshold no variance is under: the windows report a collapse as soon as the G window is full.
  const cfg = tinySearchConfig({ search: { reset: { enabled: true, window: 2, threshold: 1e9 } } });
  const { report, events } = await runTinySearch(cfg, tempRunDir('reset'));
  assert.ok(report.resets >= 1, `resets: ${report.resets}`);
  assert.ok(events.some((e) => e.type === 'search.reset'));
  assert.ok(report.iterations.some((i) => i.reset));
  assert.is(report.derived.length, 1);
});

test('overlap on: scoring of snapshot v runs beside training of v+1, and the search completes', async () => {
  const cfg = tinySearchConfig({ search: { iterations: [2, 1, 1], overlap: true } });
  const { report } = await runTinySearch(cfg, tempRunDir('overlap'));
  assert.is(report.overlap, true);
  assert.is(report.iterations.length, 4);
  assert.is(report.derived.length, 1);
});

test('the baselines run on the same machinery: random with and without weight sharing, single-level', async () => {
  const shared = await runTinySearch(tinySearchConfig({ search: { strategy: 'random-shared' } }), tempRunDir('rand-shared'));
  assert.is(shared.report.strategy, 'random-shared');
  assert.is(shared.report.derived.length, 1);
  const independent = await runTinySearch(tinySearchConfig({ search: { strategy: 'random-independent', iterations: [1, 1, 1] } }), tempRunDir('rand-indep'));
  assert.is(independent.report.iterations.length, 3);
  assert.ok(independent.report.iterations.every((i) => i.bestArch.length === 14));
  assert.is(independent.report.candidates.length, 3);
  const slas = await runTinySearch(tinySearchConfig({ search: { levels: 'single' } }), tempRunDir('slas'));
  assert.equal(slas.report.iterations.map((i) => i.stage), [2, 2, 2]);
  assert.is(slas.report.beams.length, 0);
  assert.ok(slas.report.iterations.every((i) => i.bestArch.length === 14));
});

test('an interrupted search resumes from its checkpoint and ends as an uninterrupted one', async () => {
  const cfg = tinySearchConfig();
  const dir = tempRunDir('cut');
  const ctrl = new AbortController();
  // Stops after the first iteration is scored (and checkpointed): the resume starts from a mid-search checkpoint.
  const first = await runTinySearch(cfg, dir, { signal: ctrl.signal, onEvent: (e) => e.type === 'search.rewards' && ctrl.abort() });
  assert.ok(first.report.interrupted);
  assert.is(first.report.iterations.length, 1);
  const before = tf.memory().numTensors;
  const resumed = await runTinySearch(cfg, dir, { resume: true });
  assert.is(tf.memory().numTensors, before, 'restoring every actor leaks no tensor');
  const archs = (r: typeof resumed) => r.report.iterations.map((i) => i.bestArch);
  assert.equal(archs(resumed), archs(whole));
  assert.equal(resumed.report.candidates, whole.report.candidates);
  assert.equal(resumed.report.best?.arch, whole.report.best?.arch);
});

test('a search resumed between a stage\'s last training and its scoring hands the beam over and ends as an uninterrupted one', async () => {
  const resumed = await runTinySearch(tinySearchConfig(), whole.atBoundary, { resume: true });
  assert.equal(resumed.report.iterations.map((i) => i.bestArch), whole.report.iterations.map((i) => i.bestArch));
  assert.equal(resumed.report.beams, whole.report.beams);
  assert.equal(resumed.report.candidates, whole.report.candidates);
});

test.run();
