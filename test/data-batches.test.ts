import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MinibatchStream, type Minibatch } from '../src/data/batches.js';
import { makeDataset, type ImageDataset } from '../src/data/dataset.js';

/** 10 images of 2×1×1; image i has pixels (i, 100 + i) and label i % 3, so a batch tells which images it holds. */
function tinySet(count = 10): ImageDataset {
  const pixels = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) {
    pixels[2 * i] = i;
    pixels[2 * i + 1] = 100 + i;
  }
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return makeDataset({ name: 'mnist', split: 'train', count, height: 2, width: 1, channels: 1, pixels, labels, numClasses: 3 });
}

const ids = (b: Minibatch) => Array.from({ length: b.shape[0] }, (_, k) => Math.round((b.images[2 * k]! + 1) * 127.5));

async function take(stream: MinibatchStream, n: number): Promise<Minibatch[]> {
  const out: Minibatch[] = [];
  for (let i = 0; i < n; i++) out.push((await stream.next()).value as Minibatch);
  return out;
}

test('each epoch is a permutation split into full batches; the remainder is dropped', async () => {
  const stream = new MinibatchStream(tinySet(), { batchSize: 3, seed: 5 });
  assert.is(stream.batchesPerEpoch, 3);
  const batches = await take(stream, 6);
  for (const epoch of [0, 1]) {
    const inEpoch = batches.filter((b) => b.epoch === epoch);
    assert.equal(inEpoch.map((b) => b.index), [0, 1, 2]);
    const seen = inEpoch.flatMap(ids);
    assert.is(new Set(seen).size, 9, 'no image twice within an epoch');
  }
  const b = batches[0]!;
  assert.equal(b.shape, [3, 2, 1, 1]);
  assert.equal(Array.from(b.labels!), ids(b).map((i) => i % 3));
  assert.is(b.images[1], Math.fround((100 + ids(b)[0]!) / 127.5 - 1));
  assert.not.equal(ids(batches[0]!).concat(ids(batches[1]!)), ids(batches[3]!).concat(ids(batches[4]!)), 'epochs are reshuffled');
});

test('the order is fixed by the seed', async () => {
  const a = (await take(new MinibatchStream(tinySet(), { batchSize: 2, seed: 9 }), 7)).map(ids);
  const b = (await take(new MinibatchStream(tinySet(), { batchSize: 2, seed: 9 }), 7)).map(ids);
  const c = (await take(new MinibatchStream(tinySet(), { batchSize: 2, seed: 10 }), 7)).map(ids);
  assert.equal(a, b);
  assert.not.equal(a, c);
});

test('resuming from a saved cursor replays exactly the batches that would have come next', async () => {
  const full = (await take(new MinibatchStream(tinySet(), { batchSize: 3, seed: 1 }), 10)).map(ids);
  for (const cut of [1, 3, 4, 8]) {
    const first = new MinibatchStream(tinySet(), { batchSize: 3, seed: 1 });
    await take(first, cut);
    const saved = JSON.parse(JSON.stringify(first.cursor())); // as a checkpoint stores it; a batch is already prefetched
    assert.equal(saved.epoch * 3 + saved.position, cut);
    const resumed = new MinibatchStream(tinySet(), { batchSize: 3, resume: saved });
    assert.equal((await take(resumed, 10 - cut)).map(ids), full.slice(cut), `resumed after ${cut} batches`);
  }
});

test('the next batch is prepared while the caller works on the current one', async () => {
  const stream = new MinibatchStream(tinySet(), { batchSize: 2, seed: 2 });
  await stream.next();
  await new Promise((r) => setImmediate(r)); // the caller yields once, e.g. while awaiting its own work
  let ready = false;
  const next = stream.next().then(() => (ready = true));
  await Promise.resolve();
  await Promise.resolve();
  assert.ok(ready, 'next() resolved without waiting for another turn of the event loop');
  await next;
});

test('bad options and cursors are rejected', () => {
  assert.throws(() => new MinibatchStream(tinySet(), { batchSize: 11 }), /fewer than one batch of 11/);
  assert.throws(() => new MinibatchStream(tinySet(), { batchSize: 0 }), /positive integer/);
  assert.throws(() => new MinibatchStream(tinySet(), { batchSize: 2, resume: { epoch: 0, position: 5, rng: { s: [1, 2, 3, 4] } } }), /position must be an integer in \[0, 4\]/);
  assert.throws(() => new MinibatchStream(tinySet(), { batchSize: 2, resume: { epoch: 0, position: 0, rng: { s: [1] } } }), /batch cursor: Rng state/);
});

test('an iteration loop can stop the endless stream', async () => {
  const stream = new MinibatchStream(tinySet(), { batchSize: 5, seed: 3 });
  let n = 0;
  for await (const b of stream) {
    if (++n === 4) {
      assert.is(b.epoch, 1);
      break;
    }
  }
  assert.is((await stream.next()).done, true);
});

test.run();
