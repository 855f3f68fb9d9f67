import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphPreprocess, toPixels, type InceptionNet } from '../src/metrics/inception/inception-net.js';
import { loadInception } from '../src/metrics/inception/load-inception.js';
import { BACKENDS_UNDER_TEST, useBackend } from './support/backends.js';
import { inceptionGraphNodes, writeGraphFile } from './support/inception-graph-file.js';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

test("tfjs's 'same' average pool leaves the padding out of each mean, as TensorFlow's does (the net relies on it)", async () => {
  for (const backend of BACKENDS_UNDER_TEST) {
    await useBackend(backend);
    const [h, w, c] = [4, 5, 2];
    const x = tf.randomUniform([2, h, w, c], -1, 1, 'float32', 3) as tf.Tensor4D;
    const xs = x.dataSync();
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      let sum = 0;
      let count = 0;
      for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
        if (i + di < 0 || i + di >= h || j + dj < 0 || j + dj >= w) continue;
        sum += xs[((b * h + i + di) * w + j + dj) * c + k]!;
        count++;
      }
      expected.push(sum / count);
    }
    const y = tf.avgPool(x, 3, 1, 'same');
    assert.ok(maxDiff(y.dataSync(), expected) < 1e-5, backend);
    tf.dispose([x, y]);
  }
});

test('preprocessing: TF1 ResizeBilinear (no half-pixel centres), then (p − 128)/128, on every backend', async () => {
  const [h, w, size] = [4, 6, 9];
  const p = Float32Array.from({ length: h * w }, (_, i) => (i * 37) % 256);
  const at = (i: number, j: number) => p[i * w + j]!;
  const expected: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const sy = (y * h) / size;
    const sx = (x * w) / size;
    const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
    const [y1, x1] = [Math.min(y0 + 1, h - 1), Math.min(x0 + 1, w - 1)];
    const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * (sx - x0);
    const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * (sx - x0);
    expected.push((top + (bottom - top) * (sy - y0) - 128) / 128);
  }
  for (const backend of BACKENDS_UNDER_TEST) {
    await useBackend(backend);
    const pixels = tf.tensor4d(p, [1, h, w, 1]);
    const out = graphPreprocess(pixels, size, false, 128, 1 / 128);
    assert.ok(maxDiff(out.dataSync(), expected) < 1e-5, backend);
    tf.dispose([pixels, out]);
  }
});

test('images in [-1, 1] become the reference\'s 8-bit pixels, exactly for images that came from 8 bits', async () => {
  await useBackend('wasm');
  const bytes = Array.from({ length: 256 }, (_, i) => i);
  const x = tf.tensor4d(bytes.map((b) => b / 127.5 - 1), [1, 16, 16, 1]);
  assert.equal(Array.from(toPixels(x).dataSync()), bytes);
  const out = toPixels(tf.tensor4d([-1.5, 0.999, 1.2, 0.0039], [1, 1, 4, 1])).dataSync();
  assert.equal(Array.from(out), [0, 254, 255, 127]); // clamped, and truncated like a uint8 cast
});

let dir = '';
let weightsPath = '';
let net: InceptionNet;
let softmaxW: Float32Array;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'inception-net-'));
  weightsPath = join(dir, 'classify_image_graph_def.pb');
  const nodes = inceptionGraphNodes(7);
  const w = nodes.find((n) => n.name === 'softmax/weights')!.attr.get('value');
  if (w?.kind !== 'tensor' || !w.value.content) throw new Error('softmax/weights has no raw content');
  softmaxW = new Float32Array(new Uint8Array(w.value.content).buffer);
  await writeGraphFile(weightsPath, nodes);
});
test.after(async () => {
  net?.dispose();
  await rm(dir, { recursive: true, force: true });
});

test('loads the full-size graph and classifies: features [N, 2048], logits = features × softmax/weights', async () => {
  await useBackend('wasm');
  net = await loadInception(weightsPath, { batchSize: 1 });
  const before = tf.memory().numTensors;
  const images = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
  const first = net.classify(images);
  assert.equal(first.features.shape, [2, 2048]);
  assert.equal(first.logits.shape, [2, 1008]);
  const f = first.features.dataSync();
  const l = first.logits.dataSync();
  assert.ok(f.every((v) => Number.isFinite(v) && v >= 0), 'pool_3 of ReLUs is finite and non-negative');
  assert.ok(new Set(f).size > 1000, 'features vary');
  // Row 1, a few classes, against a float64 product with the weights read straight from the file.
  for (const k of [0, 1, 500, 1007]) {
    let dot = 0;
    for (let i = 0; i < 2048; i++) dot += f[2048 + i]! * softmaxW[i * 1008 + k]!;
    assert.ok(Math.abs(l[1008 + k]! - dot) < 1e-3 * (1 + Math.abs(dot)), `logit ${k}`);
  }

  const again = net.classify(images);
  assert.equal(again.features.dataSync(), f, 'same input, same features');
  assert.equal(again.logits.dataSync(), l);
  tf.dispose([first.features, first.logits, again.features, again.logits, images]);
  assert.is(tf.memory().numTensors, before, 'no tensor left behind');
});

test('a batch gives each image the features it gets alone; grey images are repeated to RGB', async () => {
  await useBackend('wasm');
  const grey = tf.randomUniform([1, 20, 20, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
  const colour = tf.randomUniform([1, 20, 20, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
  const batch = tf.concat([tf.tile(grey, [1, 1, 1, 3]), colour]) as tf.Tensor4D;
  const big = await loadInception(weightsPath, { batchSize: 2 });
  const together = big.classify(batch);
  const alone = net.classify(grey);
  assert.ok(maxDiff(alone.features.dataSync(), together.features.dataSync().slice(0, 2048)) < 1e-4);
  assert.ok(maxDiff(alone.logits.dataSync(), together.logits.dataSync().slice(0, 1008)) < 1e-3);
  big.dispose();
  tf.dispose([grey, colour, batch, together.features, together.logits, alone.features, alone.logits]);
});

test.run();
