import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../src/backend/select.js';
import { resolveConfig } from '../src/config/run-config.js';
import { loadGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { workerStats } from '../src/queue/worker-stats.js';

// As `autogan worker` does before it takes a job: the main thread starts the backend and so holds the native
// addon (with its OpenMP threads' code) loaded for the process's life, past the end of each statistics thread.
await startBackend('auto');
const mnist = resolveConfig({ data: { dataset: 'mnist' }, model: { bottom: 4 }, eval: { features: 'digits' } }, 'test');

test('a worker computes a data set\'s reference statistics once, off its main thread (which renews its jobs\' locks meanwhile), into its folder, where its next start finds them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agts-worker-stats-'));
  const lines: string[] = [];
  let turned = false;
  let turnedWhileComputing: boolean | null = null;
  const stats = workerStats(dir, 'auto', (line) => {
    lines.push(line);
    // Called as the computation starts: a main thread free meanwhile runs the next turn of its event loop before
    // the computation ends; one computing it would run that turn only after.
    if (line.startsWith('reference statistics: 8000 images')) setImmediate(() => (turned = true));
    if (line.startsWith('cached them in')) turnedWhileComputing = turned;
  });
  // Two jobs of the same data set at once: one computation.
  const [file, again] = await Promise.all([stats.fileFor(mnist), stats.fileFor(mnist)]);
  assert.is(again, file);
  assert.is(turnedWhileComputing, true, lines.join('\n'));
  assert.is(lines.filter((l) => l.startsWith('reference statistics: 8000 images of mnist/train through digits')).length, 1, lines.join('\n'));
  assert.ok(file.startsWith(join(dir, 'stats')) && existsSync(file), file);
  const { dim, mu } = loadGaussianStats(file);
  assert.is(dim, 128);
  assert.ok(mu.every(Number.isFinite));
  // The next job finds them there.
  assert.is(await stats.fileFor(mnist), file);
  assert.is(lines.filter((l) => l.startsWith('reference statistics: 8000 images')).length, 1);
  // So does the worker's next start, in the same folder, without computing them again.
  const restarted: string[] = [];
  assert.is(await workerStats(dir, 'auto', (line) => restarted.push(line)).fileFor(mnist), file);
  assert.equal(restarted, [`reference statistics: ${file}`]);
});

test('statistics that cannot be computed fail the job that needed them, saying why, and are tried again by the next', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agts-worker-stats-'));
  const stats = workerStats(dir, 'auto', () => undefined);
  const missing = { ...mnist, data: { dataset: 'cifar10' as const, root: join(dir, 'no-cifar') } };
  const first = stats.fileFor(missing);
  assert.is(stats.fileFor(missing), first);
  const message = await first.then(() => 'resolved', (e: Error) => e.message);
  assert.ok(message.includes('no-cifar') && message.includes('no such directory'), message);
  const next = stats.fileFor(missing);
  assert.is.not(next, first);
  assert.is(await next.then(() => 'resolved', (e: Error) => e.message), message);
});

test.run();
