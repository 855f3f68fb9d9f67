import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frechetDistance } from '../src/metrics/fid.js';
import { saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { encodeNpy } from '../src/metrics/npy.js';
import { Rng } from '../src/util/rng.js';
import { tempDir } from './support/datafiles.js';
import { normals, randomStats } from './support/gaussians.js';

// The CLI as shipped: dist/ is built by `npm test` before the tests run.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const dir = tempDir('metrics-cli');

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'metrics', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const npy = (name: string, shape: number[], data: Float32Array | Float64Array) => {
  const path = join(dir, name);
  writeFileSync(path, encodeNpy({ dtype: data instanceof Float32Array ? '<f4' : '<f8', shape, data }));
  return path;
};

test('metrics is --json prints {mean, std}; four certain classes per split score 4', () => {
  const probs = new Float32Array(40 * 4);
  for (let i = 0; i < 40; i++) probs[i * 4 + (i % 4)] = 1;
  const path = npy('probs.npy', [40, 4], probs);
  const r = cli('is', '--probs', path, '--json');
  assert.is(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { mean: 4, std: 0 });
  const text = cli('is', '--probs', path, '--splits', '2');
  assert.match(text.stdout, /^IS = 4\.0000 ± 0\.0000 \(40 samples, 4 classes, 2 splits\)/);
});

test('metrics fid --json compares a .npy of features with a .npz of statistics', () => {
  const rng = new Rng(1);
  const features = normals(rng, 200 * 5);
  const a = npy('feat.npy', [200, 5], features);
  const stats = randomStats(2, 5);
  const b = join(dir, 'stats.npz');
  saveGaussianStats(b, stats);
  const r = cli('fid', '--a', a, '--b', b, '--json');
  assert.is(r.code, 0, r.stderr);
  const { fid } = JSON.parse(r.stdout) as { fid: number };
  const self = cli('fid', '--a', b, '--b', b, '--json');
  assert.ok(Math.abs(JSON.parse(self.stdout).fid) < 1e-9, self.stdout);
  assert.ok(fid > 1, `FID ${fid}`);
  assert.ok(Math.abs(fid - frechetDistance(stats, stats)) > 1);
});

test('bad files and usage exit 2 with a message naming the file or flag', () => {
  const probs = npy('bad-probs.npy', [2, 2], new Float64Array([0.5, 0.5, 0.9, 0.9]));
  const few = npy('few.npy', [3, 5], new Float32Array(15));
  const five = join(dir, 'five.npz');
  const three = join(dir, 'three.npz');
  saveGaussianStats(five, randomStats(3, 5));
  saveGaussianStats(three, randomStats(4, 3));
  const cases: [string[], RegExp][] = [
    [['is', '--probs', probs, '--splits', '1'], /bad-probs\.npy: row 1 sums to 1\.8, not 1/],
    [['is', '--probs', join(dir, 'none.npy')], /none\.npy: cannot read: ENOENT/],
    [['is'], /--probs: is required/],
    [['is', '--probs', probs, '--splits', 'x'], /--splits: expects an integer/],
    [['fid', '--a', few, '--b', few], /few\.npy: fewer samples than dimensions/],
    [['fid', '--a', probs, '--probs', probs], /--probs: is not an option of "metrics fid"/],
    [['fid', '--a', five, '--b', three], /three\.npz: has 3-d statistics but .*five\.npz has 5-d/],
    [['nope'], /unknown sub-command "nope" \(one of is, fid/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test.run();
