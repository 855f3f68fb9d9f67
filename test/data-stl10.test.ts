import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelHistogram } from '../src/data/dataset.js';
import { downsampleStlImage, loadStl10 } from '../src/data/stl10.js';
import { stlImages, tempDir, writeStlDir } from './support/datafiles.js';
import { rejects } from './support/rejects.js';


test('column-major source: pixel (row r, col c) lands at row r/2, col c/2 of the 48x48 image', () => {
  // channel 0 holds 2·row, channel 1 holds 2·col: a transposed read would swap them.
  const src = stlImages(1, (_i, c, row, col) => (c === 0 ? 2 * row : c === 1 ? 2 * col : 7));
  const dst = new Uint8Array(48 * 48 * 3);
  downsampleStlImage(src, 0, dst, 0);
  for (const [y, x] of [[0, 0], [0, 47], [10, 3], [47, 0], [47, 47]] as const) {
    const at = (y * 48 + x) * 3;
    // mean of rows 2y, 2y+1 (values 4y, 4y+2) is 4y+1; the same for columns
    assert.equal([dst[at], dst[at + 1], dst[at + 2]], [4 * y + 1, 4 * x + 1, 7], `output pixel ${y},${x}`);
  }
});

test('2x2 area averaging rounds the block mean', () => {
  // A single bright source pixel (row 1, col 0) in a dark image: its 2x2 block averages to 255/4 → 64.
  const src = stlImages(1, (_i, _c, row, col) => (row === 1 && col === 0 ? 255 : 0));
  const dst = new Uint8Array(48 * 48 * 3);
  downsampleStlImage(src, 0, dst, 0);
  assert.equal([dst[0], dst[1], dst[2]], [64, 64, 64]);
  assert.is(dst.reduce((a, b) => a + b, 0), 3 * 64);
});

test('reads train, test, unlabeled and train+unlabeled of the official layout', async () => {
  const root = tempDir('stl');
  writeStlDir(root, { train: 12, test: 5, unlabeled: 7 });
  const train = await loadStl10(root, 'train');
  assert.is(train.count, 12);
  assert.equal([train.height, train.width, train.channels], [48, 48, 3]);
  assert.equal(labelHistogram(train), [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]); // labels 1..10 on disk are 0..9 here
  assert.is((await loadStl10(join(root, 'stl10_binary'), 'test')).count, 5);
  const unlabeled = await loadStl10(root, 'unlabeled');
  assert.is(unlabeled.labels, null);
  const both = await loadStl10(root, 'train+unlabeled');
  assert.is(both.count, 19);
  assert.is(both.labels, null);
  // image 12 of the union is unlabeled image 0, whose channel 2 is 0 (i % 256); train image 11 has 11.
  assert.is(both.pixels[12 * 6912 + 2], 0);
  assert.is(both.pixels[11 * 6912 + 2], 11);
  // reading in chunks keeps images in order across chunk boundaries
  assert.is(both.pixels[(18 * 48 * 48 + 10 * 48 + 20) * 3 + 1], 4 * 20 + 1);
});

test('bad files: wrong image size, label count mismatch, label out of range, missing file', async () => {
  const root = tempDir('stl-bad');
  const dir = writeStlDir(root, { train: 3, test: 2, unlabeled: 2 });
  truncateSync(join(dir, 'unlabeled_X.bin'), 27648 + 1000);
  await rejects(loadStl10(root, 'unlabeled'), /unlabeled_X\.bin: size 28648 bytes is not a whole, non-zero number of 27648-byte records.*2764800000 bytes \(100000 records\)/);
  writeFileSync(join(dir, 'train_y.bin'), Buffer.from([1, 2]));
  await rejects(loadStl10(root, 'train'), /train_y\.bin: size 2 bytes, expected 3 \(one label byte per image of .*train_X\.bin\)/);
  writeFileSync(join(dir, 'test_y.bin'), Buffer.from([1, 0]));
  await rejects(loadStl10(root, 'test'), /test_y\.bin: label 1 is 0, expected 1\.\.10/);
  writeFileSync(join(dir, 'test_y.bin'), Buffer.from([11, 1]));
  await rejects(loadStl10(root, 'test'), /test_y\.bin: label 0 is 11, expected 1\.\.10/);
  await rejects(loadStl10(tempDir('stl-empty'), 'test'), /test_X\.bin: missing; expected 27648-byte records/);
});

test.run();
