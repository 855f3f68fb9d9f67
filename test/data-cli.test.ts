import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, writeCifarDir, writeStlDir } from './support/datafiles.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('data check on the embedded MNIST prints counts, shape and label histogram', () => {
  const r = cli('data', 'check', '--dataset', 'mnist');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /train\s+8000 images\s+32x32x1\s+labels 0\.\.9:( \d+){10}/);
  assert.match(r.stdout, /test\s+2000 images\s+32x32x1/);
});

test('data check --json on test-made CIFAR-10 files reports splits and warns about the small counts', () => {
  const root = tempDir('cli-cifar');
  writeCifarDir(root, 3);
  const r = cli('data', 'check', '--dataset', 'cifar10', '--root', root, '--json');
  assert.is(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.splits.map((s: { split: string; count: number }) => [s.split, s.count]), [['train', 15], ['test', 3]]);
  assert.equal(report.splits[0].shape, [32, 32, 3]);
  assert.equal(report.splits[1].labels, [0, 0, 0, 0, 0, 1, 1, 1, 0, 0]);
  assert.equal(report.warnings, ['train has 15 images; the official release has 50000', 'test has 3 images; the official release has 10000']);
});

test('data check on test-made STL-10 files reports 48x48x3 and the unlabeled split', () => {
  const root = tempDir('cli-stl');
  writeStlDir(root, { train: 4, test: 2, unlabeled: 3 });
  const r = cli('data', 'check', '--dataset', 'stl10', '--root', root);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /train\s+4 images\s+48x48x3\s+labels 0\.\.9: 1 1 1 1 0 0 0 0 0 0/);
  assert.match(r.stdout, /unlabeled\s+3 images\s+48x48x3\s+unlabeled/);
  assert.match(r.stderr, /warning: unlabeled has 3 images; the official release has 100000/);
});

test('a truncated data file exits 2 naming the file and what was expected', () => {
  const root = tempDir('cli-bad');
  const dir = writeCifarDir(root, 2);
  truncateSync(join(dir, 'data_batch_5.bin'), 3000);
  const r = cli('data', 'check', '--dataset', 'cifar10', '--root', root);
  assert.is(r.code, 2);
  assert.match(r.stderr, /^error: .*data_batch_5\.bin: size 3000 bytes is not a whole, non-zero number of 3073-byte records/);
});

test('data download refuses an archive already in --root that is not the official one (exit 2, no network)', () => {
  const root = tempDir('cli-dl');
  writeFileSync(join(root, 'cifar-10-binary.tar.gz'), 'not the archive');
  const r = cli('data', 'download', '--dataset', 'cifar10', '--root', root);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /cifar-10-binary\.tar\.gz: MD5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530/);
});

test('usage errors exit 2 with a one-line message; --help describes both sub-commands', () => {
  for (const [args, message] of [
    [['data', 'check', '--dataset', 'cifar10'], /--root: is required for cifar10/],
    [['data', 'check', '--dataset', 'imagenet'], /--dataset: must be one of mnist\|cifar10\|stl10/],
    [['data', 'download', '--dataset', 'mnist', '--root', '/tmp'], /--dataset: must be one of cifar10\|stl10/],
    [['data', 'frob'], /unknown sub-command "frob"/],
  ] as const) {
    const r = cli(...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.is(r.stderr.trim().split('\n').length, 1);
  }
  const help = cli('data', '--help');
  assert.is(help.code, 0);
  assert.match(help.stdout, /data download --dataset cifar10\|stl10 --root DIR/);
  assert.match(help.stdout, /data check --dataset mnist\|cifar10\|stl10/);
});

test.run();
