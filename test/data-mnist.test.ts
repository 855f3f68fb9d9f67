import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gatherBatch, labelHistogram } from '../src/data/dataset.js';
import { intensityBytes, loadMnist } from '../src/data/mnist.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const { train, test: heldOut } = loadMnist();

test('splits are 8,000 train and 2,000 held-out 32x32x1 images with labels', () => {
  for (const [ds, n] of [[train, 8000], [heldOut, 2000]] as const) {
    assert.is(ds.count, n);
    assert.equal([ds.height, ds.width, ds.channels], [32, 32, 1]);
    assert.is(ds.pixels.length, n * 32 * 32);
    assert.is(ds.labels?.length, n);
  }
});

test('pixels scale to [-1, 1] with a 2-pixel background border of -1', () => {
  const batch = gatherBatch(train, Array.from({ length: 100 }, (_, i) => i * 80));
  let min = Infinity;
  let max = -Infinity;
  for (const v of batch) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.is(min, -1);
  assert.is(max, 1);
  for (let b = 0; b < 100; b++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        if (y < 2 || y >= 30 || x < 2 || x >= 30) assert.is(batch[b * 1024 + y * 32 + x], -1, `border pixel ${y},${x} of image ${b}`);
      }
    }
  }
  // Digits are strokes on a dark background: most pixels are background, a sizeable share is ink.
  const ink = batch.filter((v) => v > 0).length / batch.length;
  assert.ok(ink > 0.05 && ink < 0.35, `ink share ${ink}`);
});

test('every class is present in both splits in proportion to the 10,000 digits', () => {
  const h = labelHistogram(train)!;
  const t = labelHistogram(heldOut)!;
  assert.is(h.reduce((a, b) => a + b), 8000);
  assert.is(t.reduce((a, b) => a + b), 2000);
  for (let c = 0; c < 10; c++) {
    const total = h[c]! + t[c]!;
    assert.ok(total > 800 && total < 1200, `class ${c}: ${total} digits`);
    assert.ok(Math.abs(t[c]! / total - 0.2) < 0.06, `class ${c}: ${t[c]} of ${total} held out`);
  }
});

test('the split is the same on every load and train and held-out images are disjoint', () => {
  const again = loadMnist();
  assert.ok(Buffer.from(again.train.pixels).equals(Buffer.from(train.pixels)));
  assert.ok(Buffer.from(again.test.labels!).equals(Buffer.from(heldOut.labels!)));
  const seen = new Set<string>();
  for (let i = 0; i < train.count; i++) seen.add(Buffer.from(train.pixels.subarray(i * 1024, (i + 1) * 1024)).toString('base64'));
  let shared = 0;
  for (let i = 0; i < heldOut.count; i++) if (seen.has(Buffer.from(heldOut.pixels.subarray(i * 1024, (i + 1) * 1024)).toString('base64'))) shared++;
  assert.ok(shared <= 2, `${shared} held-out images also in train`); // MNIST has a few exact duplicates at most
});

test('the package\'s files are read to exactly the bytes JSON.parse gives (round(v · 255)), and a malformed one is named', () => {
  const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  for (let digit = 0; digit < 10; digit++) {
    const file = join(digitsDir, `${digit}.json`);
    const bytes = intensityBytes(readFileSync(file), file);
    const values = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    assert.is(bytes.length, values.length, file);
    assert.ok(values.every((v, i) => bytes[i] === Math.round(v * 255)), file);
  }
  const read = (text: string) => Array.from(intensityBytes(Buffer.from(text), 'f.json'));
  // Any JSON number and JSON's whitespace, as JSON.parse reads them.
  const text = '{ "data": [0, 1,0.5 ,\n\t0.2, 1e-1, 2.5E-1, -0, 0.0039215686274509803, 0.001, 0.998] }';
  assert.equal(read(text), (JSON.parse(text) as { data: number[] }).data.map((v) => Math.round(v * 255)));
  assert.equal(read('{"data":[]}'), []);
  for (const [bad, why] of [['{"x":[1]}', 'expected { "data": [numbers] }'], ['{"data":[1,,2]}', '"" at byte 11 is not a number'], ['{"data":[1,]}', 'a comma with no number after it'],
    ['{"data":[01]}', '"01" at byte 9'], ['{"data":[.5]}', '".5" at byte 9'], ['{"data":[5.]}', '"5." at byte 9'], ['{"data":[1 2]}', 'expected a comma at byte 11']]) {
    assert.throws(() => read(bad!), (e: Error) => e.message.startsWith('f.json: ') && e.message.includes(why!), bad);
  }
});

test.run();
