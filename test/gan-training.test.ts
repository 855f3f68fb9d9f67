import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '../src/nn/generator.js';
import { BLOCKS_BY_STAGE } from '../src/nn/discriminator.js';
import { startBackend } from '../src/backend/select.js';
import { readCheckpoint, writeCheckpoint } from '../src/util/checkpoint-file.js';
import { ganStateArrays, ganStateMeta, restoreGanState } from '../src/train/gan-state.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { Discriminator } from '../src/nn/discriminator.js';
import { TINY_G, TINY_TRAIN, disposeGan, fakeReal, snapshot, tinyGan } from './support/tiny-gan.js';

test.before(async () => {
  await startBackend('auto');
});

const changed = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) =>
  [...a.keys()].filter((k) => a.get(k)!.some((v, i) => v !== b.get(k)![i]));

test('a step with one architecture changes only the weights on its path', () => {
  const tr = tinyGan(2);
  const arch = [1, 0, 1, 1, 0, 2, 2, 1, 1];
  const before = snapshot(tr.G.store);
  const real = fakeReal(4, 16, 1);
  tr.trainIteration(real, arch, BLOCKS_BY_STAGE[1]!); // iteration 0: a D step and a G step
  const moved = changed(before, snapshot(tr.G.store));
  const path = new Generator(TINY_G, { kind: 'derived', arch }, 0);
  const pathNames = new Set(path.store.trainable().map(([n]) => n));
  const offPath = moved.filter((n) => !pathNames.has(n));
  assert.equal(offPath, [], `off-path weights moved: ${offPath}`);
  for (const n of ['g.stem.w', 'g.cell1.pre1.conv.w', 'g.cell1.shortcut.conv.w', 'g.cell2.post1.deconv.w', 'g.cell2.skip_from1.conv.w', 'g.cell2.skip_up2.deconv.w', 'g.out.conv.w']) {
    assert.ok(moved.includes(n), `${n} is on the path and should move`);
  }
  assert.not.ok(moved.includes('g.cell1.post1.conv.w'));
  path.dispose();
  real.dispose();
  disposeGan(tr);
});

test('two architectures that share a path read the same weight tensors', () => {
  const tr = tinyGan(3);
  const z = tf.randomNormal([2, TINY_G.latent], 0, 1, 'float32', 4) as tf.Tensor2D;
  const w = tr.G.store.get('g.cell1.pre1.conv.w');
  const gradNorm = (arch: number[]) =>
    tf.tidy(() => {
      const loss = () => tf.mean(tr.G.forward(z, arch, true)) as tf.Scalar;
      try {
        return tf.norm(tf.grad(() => loss())(w) ?? tf.scalar(0)).dataSync()[0]!;
      } catch (e) {
        if (/Cannot compute gradient|connection/.test((e as Error).message)) return 0; // w is not read at all
        throw e;
      }
    });
  assert.ok(gradNorm([1, 0, 1, 1]) > 0);
  assert.ok(gradNorm([1, 0, 0, 0, 0, 2, 2, 1, 1]) > 0);
  assert.is(gradNorm([0, 0, 1, 1]), 0, 'a post-activation cell does not read the pre-activation weights');
  z.dispose();
  disposeGan(tr);
});

test('spectral norm: the largest singular value of each normalised weight is about 1 after a few steps', () => {
  const tr = tinyGan(4);
  const real = fakeReal(4, 32, 2);
  for (let i = 0; i < 6; i++) tr.trainIteration(real, [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3], BLOCKS_BY_STAGE[2]!);
  for (let i = 0; i < 20; i++) tr.D.powerIterate();
  for (const [name, w] of tr.D.store.trainable().filter(([n]) => n.endsWith('.w'))) {
    const cols = w.shape[w.shape.length - 1]!;
    const m = new Matrix(w.size / cols, cols);
    const data = w.dataSync();
    for (let i = 0; i < data.length; i++) m.set(Math.floor(i / cols), i % cols, data[i]!);
    const sigmaTrue = new SingularValueDecomposition(m, { autoTranspose: true, computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal[0]!;
    const estimate = tf.tidy(() => tr.D.spectralNorms().get(name.slice(0, -2))!.sigma().dataSync()[0]!);
    assert.ok(Math.abs(sigmaTrue / estimate - 1) < 0.05, `${name}: σ(W/σ̂) = ${(sigmaTrue / estimate).toFixed(3)}`);
  }
  real.dispose();
  disposeGan(tr);
});

test('growing the discriminator keeps the trained weights of the earlier blocks', () => {
  const tr = tinyGan(5);
  const real8 = fakeReal(4, 8, 3);
  const init = snapshot(tr.D.store);
  for (let i = 0; i < 3; i++) tr.trainIteration(real8, [1, 0, 1, 1], BLOCKS_BY_STAGE[0]!);
  const afterStage0 = snapshot(tr.D.store);
  const moved = changed(init, afterStage0);
  assert.ok(moved.includes('d.block1.c1.w') && moved.includes('d.block4.c2.w'));
  assert.not.ok(moved.includes('d.block2.c1.w'), 'block 2 is not trained at stage 0');
  const real16 = fakeReal(4, 16, 4);
  const scores = tf.tidy(() => tr.D.forward(real16, BLOCKS_BY_STAGE[1]!).shape);
  assert.equal(scores, [4, 1]);
  assert.equal(changed(afterStage0, snapshot(tr.D.store)), [], 'growth itself changes no weight');
  real8.dispose();
  real16.dispose();
  disposeGan(tr);
});

test("the EMA generator samples with its own weights' batch-norm statistics, not the live generator's", () => {
  // Batch norm in every cell, and an EMA slow enough that the averaged weights stay far from the live ones.
  const arch = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3];
  const G = new Generator(TINY_G, { kind: 'derived', arch }, 11);
  const D = new Discriminator({ df: 4, channels: 1 }, 12);
  const tr = new GanTrainer(G, D, { ...TINY_TRAIN, nCritic: 1, lrG: 1e-2, lrD: 1e-2, emaDecay: 0.999 }, 13);
  const real = fakeReal(4, 32, 14);
  for (let i = 0; i < 30; i++) tr.trainIteration(real, arch, BLOCKS_BY_STAGE[2]!);
  const z = tf.randomNormal([256, TINY_G.latent], 0, 1, 'float32', 15) as tf.Tensor2D;
  const sampled = tr.withEmaSampler(arch, (sample) => sample(z));
  // What the averaged weights draw normalised by their own statistics: a large batch in training mode.
  const own = tr.ema.withAverages(() => tf.tidy(() => G.forward(z, arch, true)));
  // Measured: 0.007 on average, 0.08 at most (statistics of other latents); with the live generator's statistics 0.09 and 0.9.
  const [mean, max] = tf.tidy(() => {
    const gap = tf.abs(tf.sub(sampled, own));
    return [tf.mean(gap).dataSync()[0]!, tf.max(gap).dataSync()[0]!];
  });
  assert.ok(mean < 0.02 && max < 0.3, `samples differ from the averaged weights' own by ${mean} on average, ${max} at most`);
  tf.dispose([z, sampled, own, real]);
  disposeGan(tr);
});

test('a checkpoint round-trip restores weights, optimizer state, EMA and the noise counter exactly', () => {
  const arch = [1, 1, 0, 1];
  const a = tinyGan(6);
  const real = fakeReal(4, 8, 5);
  for (let i = 0; i < 3; i++) a.trainIteration(real, arch, BLOCKS_BY_STAGE[0]!);
  const path = join(mkdtempSync(join(tmpdir(), 'agts-ckpt-')), 'c.ckpt');
  writeCheckpoint(path, ganStateMeta(a), ganStateArrays(a));
  const b = tinyGan(6, 99); // same run seed, different init: every weight must come from the file
  const loaded = readCheckpoint<ReturnType<typeof ganStateMeta>>(path);
  restoreGanState(b, loaded.meta, loaded.arrays);
  const same = (x: Map<string, { data: Float32Array }>, y: Map<string, { data: Float32Array }>) =>
    x.size === y.size && [...x].every(([k, v]) => y.has(k) && v.data.every((e, i) => e === y.get(k)!.data[i]));
  assert.ok(same(ganStateArrays(a), ganStateArrays(b)), 'every array equal after restore');
  // Both continue identically.
  const la = a.trainIteration(real, arch, BLOCKS_BY_STAGE[0]!);
  const lb = b.trainIteration(real, arch, BLOCKS_BY_STAGE[0]!);
  assert.equal(la, lb);
  assert.ok(same(ganStateArrays(a), ganStateArrays(b)), 'and stay equal after one more iteration');
  real.dispose();
  disposeGan(a);
  disposeGan(b);
});

test('a trainer from construction to dispose leaves no tensor behind (moments, EMA, restore)', () => {
  const before = tf.memory().numTensors;
  const a = tinyGan(8);
  const real = fakeReal(4, 8, 7);
  for (let i = 0; i < 3; i++) a.trainIteration(real, [1, 0, 1, 1], BLOCKS_BY_STAGE[0]!);
  const b = tinyGan(8, 9);
  restoreGanState(b, ganStateMeta(a), ganStateArrays(a));
  real.dispose();
  disposeGan(a);
  disposeGan(b);
  assert.is(tf.memory().numTensors, before);
});

test('the tensor count stays flat over 30 training iterations (five rounds of the three architectures, each with D and G steps)', () => {
  const tr = tinyGan(7);
  const real = fakeReal(4, 16, 6);
  const archs = [[1, 0, 1, 1, 1, 0, 0, 1, 1], [0, 1, 2, 0, 1, 2, 1, 1, 0], [1, 2, 0, 1, 0, 1, 2, 0, 1]];
  // Adam's moments of a path appear at its first G step; after 6 iterations every arch has had one (nCritic 2).
  for (let i = 0; i < 6; i++) tr.trainIteration(real, archs[i % 3]!, BLOCKS_BY_STAGE[1]!);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 30; i++) {
    const { dLoss } = tr.trainIteration(real, archs[i % 3]!, BLOCKS_BY_STAGE[1]!);
    assert.ok(Number.isFinite(dLoss));
  }
  assert.is(tf.memory().numTensors, before);
  real.dispose();
  disposeGan(tr);
});

test.run();
