import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, readNpy, writeNpy, type NpyArray } from '../src/metrics/npy.js';
import { InputError } from '../src/errors.js';
import { tempDir } from './support/datafiles.js';
import { python, scipyTest } from './support/python.js';

const dir = tempDir('npy');

const samples: NpyArray[] = [
  { dtype: '<f4', shape: [2, 3], data: new Float32Array([1.5, -2, 3e-38, Infinity, -0, 7]) },
  { dtype: '<f8', shape: [2, 2, 2], data: new Float64Array([Math.PI, -1e300, 5e-324, 0, 1, 2, 3, 4]) },
  { dtype: '<f8', shape: [], data: new Float64Array([42.25]) },
  { dtype: '<f4', shape: [0, 5], data: new Float32Array(0) },
  { dtype: '<f4', shape: [7], data: new Float32Array([1, 2, 3, 4, 5, 6, 7]) },
  { dtype: '<i4', shape: [3], data: new Int32Array([-1, 0, 2 ** 31 - 1]) },
  { dtype: '<i8', shape: [2], data: new BigInt64Array([-(2n ** 62n), 5n]) },
  { dtype: '|u1', shape: [2, 2], data: new Uint8Array([0, 1, 254, 255]) },
];

test('write then read returns the same dtype, shape and bits', () => {
  samples.forEach((a, i) => {
    const path = join(dir, `a${i}.npy`);
    writeNpy(path, a);
    const b = readNpy(path);
    assert.is(b.dtype, a.dtype);
    assert.equal(b.shape, a.shape);
    assert.equal(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength), Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  });
});

test('the header is padded so the data starts on a 64-byte boundary, as numpy writes it', () => {
  const bytes = encodeNpy(samples[0]!);
  const headerLen = bytes[8]! | (bytes[9]! << 8);
  assert.is((10 + headerLen) % 64, 0);
  assert.is(bytes[10 + headerLen - 1], 0x0a);
});

scipyTest(test)('numpy reads our files and we read numpy\'s, float32 and float64, 0-d to 3-d', () => {
  samples.slice(0, 5).forEach((a, i) => writeNpy(join(dir, `ours${i}.npy`), a));
  const out = python(
    `import sys, numpy as np
d = sys.argv[1]
for i in range(5):
  a = np.load(f'{d}/ours{i}.npy'); print(a.dtype.str, a.shape, float(a.sum()) if a.size else 0)
np.save(f'{d}/np_f4.npy', np.arange(12, dtype=np.float32).reshape(3, 4) / 3)
np.save(f'{d}/np_f8.npy', np.float64(2.5))
np.save(f'{d}/np_big.npy', np.zeros((2, 3)).astype('>f8'))
np.save(f'{d}/np_fortran.npy', np.asfortranarray(np.ones((2, 3))))`,
    dir,
  );
  assert.equal(out.trim().split('\n'), ['<f4 (2, 3) inf', '<f8 (2, 2, 2) -1e+300', '<f8 () 42.25', '<f4 (0, 5) 0', '<f4 (7,) 28.0']);
  const f4 = readNpy(join(dir, 'np_f4.npy'));
  assert.equal(f4.shape, [3, 4]);
  assert.equal(Array.from(f4.data as Float32Array), Array.from(new Float32Array(Array.from({ length: 12 }, (_, i) => i / 3))));
  const f8 = readNpy(join(dir, 'np_f8.npy'));
  assert.equal([f8.shape, Array.from(f8.data as Float64Array)], [[], [2.5]]);
  assert.throws(() => readNpy(join(dir, 'np_big.npy')), /np_big\.npy: unsupported dtype '>f8' \(big-endian is not supported\)/);
  assert.throws(() => readNpy(join(dir, 'np_fortran.npy')), /np_fortran\.npy: array is in Fortran order/);
});

test('bad files are input errors that name the file and the problem', () => {
  const good = encodeNpy(samples[0]!);
  const cases: [string, Uint8Array, RegExp][] = [
    ['magic.npy', Buffer.from('PK\u0003\u0004 not numpy at all'), /^magic\.npy: not a \.npy file \(bad magic bytes\)/],
    ['short.npy', good.subarray(0, good.length - 4), /^short\.npy: truncated: shape \(2, 3\) of <f4 needs 24 bytes of data, the file has 20/],
    ['header.npy', good.subarray(0, 40), /^header\.npy: truncated \.npy header/],
    ['extra.npy', Buffer.concat([good, Buffer.alloc(8)]), /^extra\.npy: 8 bytes past the end of the array/],
    ['version.npy', Uint8Array.from(good, (b, i) => (i === 6 ? 9 : b)), /^version\.npy: unsupported \.npy format version 9\.0/],
    ['dtype.npy', Buffer.from(Buffer.from(good).toString('latin1').replace("'<f4'", "'<c8'"), 'latin1'), /^dtype\.npy: unsupported dtype '<c8'/],
    ['fortran.npy', Buffer.from(Buffer.from(good).toString('latin1').replace('False', 'True '), 'latin1'), /^fortran\.npy: array is in Fortran order/],
  ];
  for (const [name, bytes, message] of cases) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    assert.throws(() => readNpy(path), (e: Error) => e instanceof InputError && message.test(e.message.replace(`${dir}/`, '')), name);
  }
  assert.throws(() => readNpy(join(dir, 'missing.npy')), /missing\.npy: cannot read: ENOENT/);
});

test('a header written as version 2.0 (4-byte length) is read', () => {
  const v1 = encodeNpy(samples[4]!);
  const headerLen = v1[8]! | (v1[9]! << 8);
  const v2 = new Uint8Array(v1.length + 2);
  v2.set(v1.subarray(0, 8));
  v2[6] = 2;
  new DataView(v2.buffer).setUint32(8, headerLen, true);
  v2.set(v1.subarray(10), 12);
  assert.equal(Array.from(decodeNpy(v2, 'v2.npy').data as Float32Array), [1, 2, 3, 4, 5, 6, 7]);
});

test.run();
