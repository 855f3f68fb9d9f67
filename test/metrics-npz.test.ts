import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../src/errors.js';
import { loadGaussianStats, saveGaussianStats } from '../src/metrics/gaussian-stats-file.js';
import { encodeNpy } from '../src/metrics/npy.js';
import { encodeNpz, readNpz, writeNpz } from '../src/metrics/npz.js';
import { tempDir } from './support/datafiles.js';
import { randomStats } from './support/gaussians.js';
import { python, scipyTest } from './support/python.js';

const dir = tempDir('npz');
const f8 = (shape: number[], values: number[]) => ({ dtype: '<f8' as const, shape, data: Float64Array.from(values) });
const f4 = (shape: number[], values: number[]) => ({ dtype: '<f4' as const, shape, data: Float32Array.from(values) });

const inputError = (re: RegExp) => (e: Error) => e instanceof InputError && re.test(e.message.replaceAll(`${dir}/`, ''));

test('stored and deflated archives round-trip every array exactly', () => {
  const arrays = { mu: f8([3], [1, 2, Math.PI]), sigma: f4([2, 2], [1, 0.5, 0.5, 2]), scalar: f8([], [7]) };
  for (const compress of [false, true]) {
    const path = join(dir, `rt-${compress}.npz`);
    writeNpz(path, arrays, { compress });
    const back = readNpz(path);
    assert.equal([...back.keys()], ['mu', 'sigma', 'scalar']);
    for (const [key, a] of Object.entries(arrays)) {
      const b = back.get(key)!;
      assert.equal([b.dtype, b.shape, Array.from(b.data as Float64Array)], [a.dtype, a.shape, Array.from(a.data)]);
    }
  }
});

test('Gaussian statistics saved as .npz load back bit for bit', () => {
  const stats = randomStats(3, 17);
  const path = join(dir, 'stats.npz');
  saveGaussianStats(path, stats);
  const back = loadGaussianStats(path);
  assert.is(back.dim, 17);
  assert.equal(Array.from(back.mu), Array.from(stats.mu));
  assert.equal(Array.from(back.sigma), Array.from(stats.sigma));
});

scipyTest(test)('numpy reads our archives, and we read np.savez and np.savez_compressed (zip64 entries)', () => {
  writeNpz(join(dir, 'ours.npz'), { mu: f8([2], [1, 2]), sigma: f8([2, 2], [2, 1, 1, 2]) }, { compress: true });
  const out = python(
    `import sys, numpy as np
d = sys.argv[1]
z = np.load(f'{d}/ours.npz'); print(sorted(z.files), z['mu'].tolist(), z['sigma'].tolist())
rng = np.random.default_rng(0); x = rng.standard_normal((50, 4))
np.savez(f'{d}/np.npz', mu=x.mean(0), sigma=np.cov(x, rowvar=False))
np.savez_compressed(f'{d}/npc.npz', mu=x.mean(0).astype(np.float32), sigma=np.cov(x, rowvar=False).astype(np.float32))
print(repr(float(np.cov(x, rowvar=False)[1, 2])))`,
    dir,
  );
  const [first, cov12] = out.trim().split('\n');
  assert.is(first, "['mu', 'sigma'] [1.0, 2.0] [[2.0, 1.0], [1.0, 2.0]]");
  assert.is(loadGaussianStats(join(dir, 'np.npz')).sigma[1 * 4 + 2], Number(cov12));
  assert.is(loadGaussianStats(join(dir, 'npc.npz')).sigma[1 * 4 + 2], Math.fround(Number(cov12)));
});

test('corrupt archives are input errors naming the file and the problem', () => {
  const good = encodeNpz({ mu: f8([2], [1, 2]) }, false);
  const crcFlipped = Uint8Array.from(good);
  crcFlipped[good.length - 22 - 46 - 6 + 16] ^= 0xff; // CRC field of the central directory entry
  const cases: [string, Uint8Array, RegExp][] = [
    ['cut.npz', good.subarray(0, good.length - 30), /^cut\.npz: not a \.npz file \(no zip end-of-central-directory record/],
    ['crc.npz', crcFlipped, /^crc\.npz:mu\.npy: CRC-32 mismatch: the archive is corrupt/],
  ];
  for (const [name, bytes, re] of cases) {
    writeFileSync(join(dir, name), bytes);
    assert.throws(() => readNpz(join(dir, name)), inputError(re), name);
  }
});

test('statistics files with the wrong content are input errors that say what is wrong', () => {
  const write = (name: string, arrays: Parameters<typeof encodeNpz>[0]) => {
    writeFileSync(join(dir, name), encodeNpz(arrays, false));
    return join(dir, name);
  };
  const cases: [string, RegExp][] = [
    [write('nosigma.npz', { mu: f8([2], [0, 0]) }), /nosigma\.npz: a statistics \.npz needs arrays 'mu' and 'sigma' \(found: mu\)/],
    [write('shape.npz', { mu: f8([2], [0, 0]), sigma: f8([3, 3], Array(9).fill(0)) }), /shape\.npz: sigma has shape \(3, 3\) but mu has 2 entries: expected \(2, 2\)/],
    [write('dtype.npz', { mu: { dtype: '<i4', shape: [1], data: new Int32Array([1]) }, sigma: f8([1, 1], [1]) }), /dtype\.npz: mu has dtype <i4, expected float32 \(<f4\) or float64 \(<f8\)/],
    [write('nan.npz', { mu: f8([2], [0, 0]), sigma: f8([2, 2], [1, 0, 0, NaN]) }), /nan\.npz: sigma\[1, 1\] is NaN/],
    [write('asym.npz', { mu: f8([2], [0, 0]), sigma: f8([2, 2], [1, 0.5, 0.2, 1]) }), /asym\.npz: sigma is not symmetric: sigma\[1, 0\] = 0\.2 but sigma\[0, 1\] = 0\.5/],
  ];
  const features = (name: string, shape: number[], values: number[]) => {
    writeFileSync(join(dir, name), encodeNpy(f4(shape, values)));
    return join(dir, name);
  };
  cases.push([features('few.npy', [3, 4], Array(12).fill(1)), /few\.npy: fewer samples than dimensions: 3 samples of 4-d features/]);
  cases.push([features('flat.npy', [6], Array(6).fill(1)), /flat\.npy: features must be a 2-d array \(samples x dimensions\), has shape \(6\)/]);
  cases.push([features('nanfeat.npy', [3, 1], [1, NaN, 2]), /nanfeat\.npy: feature row 1 has a non-finite value \(NaN\)/]);
  for (const [path, re] of cases) assert.throws(() => loadGaussianStats(path), inputError(re), path);
});

test.run();
