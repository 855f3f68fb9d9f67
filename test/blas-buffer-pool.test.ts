import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { BLAS_TF_NAME, BlasCpuBackend, registerBlasBackend } from '../src/backend/blas/backend.js';
import { BufferPool } from '../src/backend/blas/buffer-pool.js';
import { parseArch } from '../src/nn/arch.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../src/nn/discriminator.js';
import { Generator } from '../src/nn/generator.js';
import { GanTrainer } from '../src/train/gan-trainer.js';
import { skipping } from './support/skipped.js';

const addon = registerBlasBackend();
const test = suite('blas buffer pool');

/** Big enough to be pooled (the pool leaves small arrays to the garbage collector). */
const N = 64 * 1024;

test('an array comes back once the last tensor in it is gone, and not before', () => {
  const pool = new BufferPool(2 ** 30);
  const a = pool.take(N);
  pool.hold(a); // the kernel's output tensor
  pool.hold(a.subarray(10, 20)); // a slice that shares it
  pool.release(a);
  assert.is.not(pool.take(N).buffer, a.buffer, 'the slice still reads it');
  pool.release(a.subarray(10, 20));
  assert.is(pool.take(N).buffer, a.buffer);
  assert.equal(pool.stats(), { served: 3, reused: 1, freeBytes: 0 });
});

test('an array read out of the backend is never reused; small arrays are not pooled', () => {
  const pool = new BufferPool(2 ** 30);
  const a = pool.take(N);
  pool.hold(a);
  pool.escape(a);
  pool.release(a);
  assert.is.not(pool.take(N).buffer, a.buffer);
  const small = pool.take(16);
  pool.hold(small);
  pool.release(small);
  assert.is(pool.stats().freeBytes, 0);
});

test('arrays the pool did not hand out are never pooled; the cap evicts the oldest', () => {
  const pool = new BufferPool(3 * N * 4);
  const foreign = new Float32Array(N);
  pool.hold(foreign);
  pool.release(foreign);
  assert.is(pool.stats().freeBytes, 0);
  const arrays = [pool.take(N), pool.take(N), pool.take(2 * N)];
  for (const a of arrays) pool.hold(a);
  for (const a of arrays) pool.release(a);
  assert.is(pool.stats().freeBytes, 3 * N * 4, 'the first of size N went to make room');
  assert.is(pool.take(N).buffer, arrays[1]!.buffer);
  assert.is(pool.take(2 * N).buffer, arrays[2]!.buffer);
});

const onBlas = addon.ok ? test : skipping(test, `the blas addon is unavailable, so its pool is not exercised: ${addon.why}`);
onBlas('the backend reuses its kernels\' outputs without changing any value a caller reads', async () => {
  await tf.setBackend(BLAS_TF_NAME);
  const backend = tf.backend() as BlasCpuBackend;
  const x = tf.randomNormal([32, 16, 16, 32], 0, 1, 'float32', 1);
  const kept = tf.relu(x); // a live output, not read until the end: its array must not be handed out again
  const keptValues = x.dataSync().map((v) => Math.max(v, 0));
  const plusOne = tf.add(x, 1);
  const read = plusOne.dataSync(); // read out, then disposed: never reused
  const readCopy = read.slice();
  plusOne.dispose();
  const before = backend.buffers.stats();
  for (let i = 0; i < 5; i++) tf.tidy(() => tf.mul(tf.relu(x), tf.add(x, x)).dataSync());
  const after = backend.buffers.stats();
  assert.ok(after.reused - before.reused >= 5, `reused ${after.reused - before.reused} of ${after.served - before.served}`);
  assert.equal(kept.dataSync(), keptValues);
  assert.equal(read, readCopy);
  tf.dispose([x, kept]);
});

onBlas('a shared-GAN training step computes the same with reused arrays as with fresh ones', async () => {
  await tf.setBackend(BLAS_TF_NAME);
  const backend = tf.backend() as BlasCpuBackend;
  // Batch 8 at 32 px, 16 channels: the activations are big enough to be pooled.
  const run = () => {
    const G = new Generator({ latent: 16, gf: 16, bottom: 4, channels: 1 }, { kind: 'shared' }, 1);
    const D = new Discriminator({ df: 16, channels: 1 }, 2);
    const trainer = new GanTrainer(G, D, { dBatch: 8, gBatch: 8, nCritic: 1, lrG: 2e-4, lrD: 2e-4, beta1: 0, beta2: 0.9, emaDecay: 0.999 }, 3);
    const real = tf.randomUniform([8, 32, 32, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    for (let i = 0; i < 3; i++) trainer.trainIteration(real, parseArch('1 0 1 1  1 0 0 1 1  1 0 1 0 3'), BLOCKS_BY_STAGE[2]!);
    const values = [...G.store.trainable(), ...D.store.trainable()].map(([, p]) => p.dataSync().slice());
    tf.dispose(real);
    trainer.dispose();
    G.dispose();
    D.dispose();
    return values;
  };
  const tensors = tf.memory().numTensors;
  const first = run(); // fresh arrays, mostly
  const reusedBefore = backend.buffers.stats().reused;
  const second = run(); // the first run's arrays, reused
  assert.ok(backend.buffers.stats().reused > reusedBefore, 'the second run reused arrays');
  assert.equal(second, first);
  assert.is(tf.memory().numTensors, tensors, 'tensor count flat');
});

test.run();
