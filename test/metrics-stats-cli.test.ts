import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../src/backend/select.js';
import { loadMnist } from '../src/data/mnist.js';
import { datasetFeatureStats } from '../src/metrics/dataset-stats.js';
import { loadDigitClassifier } from '../src/metrics/digits/digit-weights-file.js';
import { loadGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { readNpz } from '../src/metrics/npz.js';
import { tempDir } from './support/datafiles.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = tempDir('metrics-stats');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'metrics', 'stats', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('metrics stats writes mu and sigma of a split\'s digit features as float64 arrays, as TTUR\'s files', async () => {
  const out = join(dir, 'mnist-test.npz');
  const r = cli('--dataset', 'mnist', '--split', 'test', '--out', out, '--backend', 'blas');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /mu and sigma of 128-d digits features of 2000 images \(mnist\/test\)/);
  const arrays = readNpz(out);
  assert.equal([...arrays.keys()].sort(), ['mu', 'sigma']);
  assert.equal(arrays.get('mu')!.shape, [128]);
  assert.equal(arrays.get('sigma')!.shape, [128, 128]);
  assert.is(arrays.get('sigma')!.dtype, '<f8');

  await startBackend('blas');
  const { net } = loadDigitClassifier();
  const expected = datasetFeatureStats(loadMnist().test, net);
  net.dispose();
  const got = loadGaussianStats(out);
  const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  const scale = Math.max(...expected.sigma.map(Math.abs));
  assert.ok(maxDiff(got.mu, expected.mu) < 1e-5 * scale && maxDiff(got.sigma, expected.sigma) < 1e-5 * scale);
});

test('bad flags exit 2 and name the flag', () => {
  const out = join(dir, 'x.npz');
  const cases: [string[], RegExp][] = [
    [['--out', out], /--dataset: is required/],
    [['--dataset', 'svhn', '--out', out], /--dataset: must be one of mnist\|cifar10\|stl10/],
    [['--dataset', 'mnist'], /--out: is required/],
    [['--dataset', 'cifar10', '--out', out], /--root: is required for cifar10/],
    [['--dataset', 'cifar10', '--root', dir, '--features', 'digits', '--out', out], /--features: the digit classifier scores MNIST only/],
    [['--dataset', 'cifar10', '--root', dir, '--out', out], /--inception: is required with --features inception/],
    [['--dataset', 'mnist', '--split', 'unlabeled', '--out', out], /--split: mnist has splits train, test, not "unlabeled"/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test.run();
