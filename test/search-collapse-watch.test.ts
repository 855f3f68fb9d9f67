import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { startBackend } from '../src/backend/select.js';
import { initialCollapseWatch, watchCollapses, watchesCollapses, type Verdict } from '../src/search/collapse-watch.js';
import { ResetDetector } from '../src/search/reset-detector.js';
import { listCheckpoints } from '../src/train/checkpoint-dir.js';
import { readCheckpoint, writeCheckpoint } from '../src/util/checkpoint-file.js';
import { runTinySearch, tempRunDir, tinySearchConfig } from './support/tiny-search.js';

test.before(async () => {
  await startBackend('auto');
});

/** Minibatches with a G step every `nCritic`-th, as the trainer runs them, and the detector's verdict on each. */
const verdicts = (collapsed: boolean[], nCritic = 1): Verdict[] =>
  collapsed.map((c, i) => ({ loss: { step: i, dLoss: 0, gLoss: i % nCritic === 0 ? 0 : null }, collapsed: c }));

test('a collapse is seen where the detector fires, then not again until a whole window of G steps has passed', () => {
  const state = initialCollapseWatch();
  // Window 3, a G step every minibatch: fired at 1, seen; 2, 3 wait; 4 brings the third G step after it: seen.
  assert.equal(watchCollapses(state, 3, verdicts([false, true, true, true, true, true, true, true])), [1, 4, 7]);
  assert.equal(state, { seen: 3, pause: 3 });
});

test('the pause counts G steps, not minibatches, and goes on across iterations', () => {
  const state = initialCollapseWatch();
  // nCritic 2: G steps at minibatches 0, 2, 4, …; window 2 after the collapse at 0 ends at minibatch 4.
  assert.equal(watchCollapses(state, 2, verdicts([true, true, true], 2)), [0]);
  assert.equal(state, { seen: 1, pause: 1 }, 'one G step (minibatch 2) of the two has passed');
  // The next iteration's first minibatch brings the second.
  assert.equal(watchCollapses(state, 2, verdicts([true, true, true], 2)), [0]);
  assert.equal(state, { seen: 2, pause: 1 });
});

test('no collapse, nothing seen; once the pause is over, the next collapse is seen', () => {
  const state = initialCollapseWatch();
  assert.equal(watchCollapses(state, 2, verdicts([false, false, false])), []);
  assert.equal(state, { seen: 0, pause: 0 });
  assert.equal(watchCollapses(state, 2, verdicts([true, false, false, false, true])), [0, 4]);
});

test('with the detector itself: a frozen GAN counts one collapse per window, a diverged one (NaN losses) too', () => {
  const window = 4;
  const seenIn = (loss: (i: number) => { dLoss: number; gLoss: number | null }) => {
    const detector = new ResetDetector({ window, threshold: 1e-3 });
    const state = initialCollapseWatch();
    const vs = Array.from({ length: 20 }, (_, i) => {
      const l = { step: i, ...loss(i) };
      return { loss: l, collapsed: detector.observe(l) };
    });
    return watchCollapses(state, window, vs);
  };
  // Constant losses: the G window is full at minibatch 3, and every window of 4 G steps after it.
  assert.equal(seenIn(() => ({ dLoss: 0, gLoss: 1 })), [3, 7, 11, 15, 19]);
  // NaN from minibatch 5 on: the detector answers every one, the watch one per window.
  assert.equal(seenIn((i) => ({ dLoss: i < 5 ? i : Number.NaN, gLoss: i < 5 ? i : Number.NaN })), [5, 9, 13, 17]);
  // Noisy losses: nothing.
  assert.equal(seenIn((i) => ({ dLoss: i % 2, gLoss: (i * 7) % 3 })), []);
});

test('only a shared-GAN search with reset off watches', () => {
  const search = (enabled: boolean, strategy: 'rl' | 'random-shared' | 'random-independent') => ({ reset: { enabled, window: 2, threshold: 1 }, strategy });
  assert.is(watchesCollapses(search(false, 'rl')), true);
  assert.is(watchesCollapses(search(false, 'random-shared')), true);
  assert.is(watchesCollapses(search(true, 'rl')), false, 'with reset on the detector acts: those are resets');
  assert.is(watchesCollapses(search(false, 'random-independent')), false, 'a fresh GAN per architecture: nothing to watch');
});

// A threshold no variance is under: the detector fires as soon as its G window (2) is full. nCritic 2 and 3
// iterations of 3 minibatches: G steps at the run's minibatches 0, 2, 4, 6, 8; fired from 2 on; seen at 2 and 6.
const collapsing = (enabled: boolean) => tinySearchConfig({ search: { reset: { enabled, window: 2, threshold: 1e9 } } });

test('reset off: the search logs each collapse it sees, trains every minibatch and resets nothing', async () => {
  const { report, events } = await runTinySearch(collapsing(false), tempRunDir('watch'));
  const seen = events.flatMap((e) => (e.type === 'search.collapse' ? [[e.iteration, e.minibatch, e.collapses]] : []));
  assert.equal(seen, [[0, 2, 1], [2, 0, 2]]);
  assert.is(report.collapses, 2);
  assert.is(report.resets, 0);
  assert.ok(!events.some((e) => e.type === 'search.reset'));
  assert.equal(events.flatMap((e) => (e.type === 'search.trained' ? [[e.minibatches, e.stoppedEarly]] : [])), [[3, false], [3, false], [3, false]]);
  assert.ok(report.iterations.every((i) => !i.reset));
  // With reset on, the same config resets instead, and counts no collapses seen.
  const on = await runTinySearch(collapsing(true), tempRunDir('watch-on'));
  assert.ok(on.report.resets >= 1);
  assert.is(on.report.collapses, null);
  assert.ok(!on.events.some((e) => e.type === 'search.collapse'));
});

test('reset off: a search cut after its first iteration and resumed counts the collapses an uncut one does', async () => {
  const dir = tempRunDir('watch-cut');
  const ctrl = new AbortController();
  const first = await runTinySearch(collapsing(false), dir, { signal: ctrl.signal, onEvent: (e) => e.type === 'search.rewards' && ctrl.abort() });
  assert.ok(first.report.interrupted);
  assert.equal(first.events.filter((e) => e.type === 'search.collapse').length, 1);
  // The pause saved with the checkpoint holds back the detector, which fires again from iteration 1's first minibatch on.
  const resumed = await runTinySearch(collapsing(false), dir, { resume: true });
  assert.equal(resumed.events.flatMap((e) => (e.type === 'search.collapse' ? [[e.iteration, e.minibatch, e.collapses]] : [])), [[2, 0, 2]]);
  assert.is(resumed.report.collapses, 2);
});

test('a checkpoint saved before collapses were counted resumes, and counts those after its resume', async () => {
  const dir = tempRunDir('watch-old');
  const ctrl = new AbortController();
  await runTinySearch(collapsing(false), dir, { signal: ctrl.signal, onEvent: (e) => e.type === 'search.rewards' && ctrl.abort() });
  const newest = listCheckpoints(join(dir, 'checkpoints')).at(-1)!;
  const { meta, arrays } = readCheckpoint<{ conductor: Record<string, unknown> }>(newest);
  delete meta.conductor.collapses;
  writeCheckpoint(newest, meta, arrays);
  const resumed = await runTinySearch(collapsing(false), dir, { resume: true });
  // Nothing pauses the watch at the resume: the detector's restored windows fire at once.
  assert.equal(resumed.events.flatMap((e) => (e.type === 'search.collapse' ? [[e.iteration, e.minibatch, e.collapses]] : [])), [[1, 0, 1], [2, 0, 2]]);
});

test.run();
