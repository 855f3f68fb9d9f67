import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCifar10 } from '../src/data/cifar10.js';
import { gatherBatch, labelHistogram } from '../src/data/dataset.js';
import { cifarRecords, tempDir, writeCifarDir } from './support/datafiles.js';
import { rejects } from './support/rejects.js';


test('reads the train and test splits of the official layout into [N, 32, 32, 3]', async () => {
  const root = tempDir('cifar');
  writeCifarDir(root, 4);
  const train = await loadCifar10(root, 'train');
  const testSet = await loadCifar10(root, 'test');
  assert.is(train.count, 20);
  assert.is(testSet.count, 4);
  assert.equal([train.height, train.width, train.channels], [32, 32, 3]);
  assert.equal(labelHistogram(train), [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  assert.equal(Array.from(testSet.labels!), [0, 1, 2, 3]); // test_batch is file 5: labels (20 + i) % 10
});

test('channel planes are interleaved: pixel (row, col, c) comes from byte 1 + c*1024 + row*32 + col', async () => {
  const root = tempDir('cifar-layout');
  writeCifarDir(root, 2, false); // files directly under root are accepted too
  // Record 1 of data_batch_2 (f = 1, i = 1): value (31 + 7 + 50c + row + col) % 256.
  const ds = await loadCifar10(root, 'train');
  const n = 2 + 1;
  for (const [row, col, c] of [[0, 0, 0], [5, 17, 1], [31, 2, 2], [31, 31, 2]] as const) {
    assert.is(ds.pixels[((n * 32 + row) * 32 + col) * 3 + c], (31 + 7 + 50 * c + row + col) % 256, `pixel ${row},${col},${c}`);
  }
  const f = gatherBatch(ds, [n]);
  assert.is(f[0], Math.fround((31 + 7) / 127.5 - 1));
});

test('a truncated file is an InputError naming the file, its size and the record size', async () => {
  const root = tempDir('cifar-trunc');
  const dir = writeCifarDir(root, 3);
  truncateSync(join(dir, 'data_batch_3.bin'), 3 * 3073 - 100);
  await rejects(loadCifar10(root, 'train'), /data_batch_3\.bin: size 9119 bytes is not a whole, non-zero number of 3073-byte records.*30730000 bytes \(10000 records\)/);
  await loadCifar10(root, 'test'); // the other split is unaffected
});

test('a missing or empty file is an InputError naming the file', async () => {
  const root = tempDir('cifar-missing');
  const dir = writeCifarDir(root, 1);
  rmSync(join(dir, 'test_batch.bin'));
  await rejects(loadCifar10(root, 'test'), /test_batch\.bin: missing; expected 3073-byte records/);
  writeFileSync(join(dir, 'data_batch_1.bin'), '');
  await rejects(loadCifar10(root, 'train'), /data_batch_1\.bin: size 0 bytes/);
  await rejects(loadCifar10(join(root, 'nope'), 'train'), /nope: no such directory/);
});

test('a label outside 0..9 is an InputError naming the file and record', async () => {
  const root = tempDir('cifar-label');
  const dir = writeCifarDir(root, 2);
  writeFileSync(join(dir, 'data_batch_4.bin'), cifarRecords([3, 10], () => 0));
  await rejects(loadCifar10(root, 'train'), /data_batch_4\.bin: record 1 has label 10, expected 0\.\.9/);
});

test.run();
