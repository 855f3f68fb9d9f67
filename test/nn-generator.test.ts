import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { Generator } from '../src/nn/generator.js';
import { STAGE_PREFIX_LENGTH, TOKEN_CHOICES } from '../src/nn/arch.js';
import { startBackend } from '../src/backend/select.js';
import { TINY_G } from './support/tiny-gan.js';

test.before(async () => {
  await startBackend('auto');
});

/** For each stage, each token and each of its values: one architecture with that value, the rest varied. */
function coveringArchs(): number[][] {
  const archs: number[][] = [];
  for (const len of STAGE_PREFIX_LENGTH) {
    for (let i = 0; i < len; i++) {
      for (let v = 0; v < TOKEN_CHOICES[i]!; v++) {
        archs.push(Array.from({ length: len }, (_, j) => (j === i ? v : (i + j + v) % TOKEN_CHOICES[j]!)));
      }
    }
  }
  return archs;
}

test('every token value at every stage runs forward and backward with the expected shapes', () => {
  const g = new Generator(TINY_G, { kind: 'shared' }, 3);
  const z = tf.randomNormal([2, TINY_G.latent], 0, 1, 'float32', 1) as tf.Tensor2D;
  const vars = g.store.trainable().map(([, v]) => v);
  const before = tf.memory().numTensors;
  for (const arch of coveringArchs()) {
    const side = 4 * 2 ** (STAGE_PREFIX_LENGTH.indexOf(arch.length) + 1);
    const { value, grads } = tf.variableGrads(() => {
      const y = g.forward(z, arch, true);
      assert.equal(y.shape, [2, side, side, 1], `shape for [${arch}]`);
      return tf.mean(tf.square(y));
    }, vars);
    assert.ok(Number.isFinite(value.dataSync()[0]!), `finite loss for [${arch}]`);
    assert.ok(Object.keys(grads).length > 0, `gradients for [${arch}]`);
    for (const t of Object.values(grads)) assert.ok(tf.tidy(() => tf.all(tf.isFinite(t)).dataSync()[0]) === 1, `finite gradients for [${arch}]`);
    value.dispose();
    Object.values(grads).forEach((t) => t.dispose());
  }
  assert.is(tf.memory().numTensors, before, 'no tensors leak across architectures');
  z.dispose();
  g.dispose();
});

test('a derived generator holds only its own path', () => {
  const arch = [1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 3];
  const d = new Generator({ ...TINY_G, channels: 3 }, { kind: 'derived', arch }, 1);
  const names = d.store.trainable().map(([n]) => n);
  assert.ok(names.every((n) => !n.includes('.post') && !n.includes('deconv') && !n.includes('.bn') || n.startsWith('g.out')), names.join());
  assert.ok(names.includes('g.cell3.skip_from1.conv.w') && names.includes('g.cell3.skip_from2.conv.w'));
  assert.not.ok(names.includes('g.cell3.shortcut.conv.w'));
  const y = tf.tidy(() => d.forward(tf.randomNormal([2, TINY_G.latent]) as tf.Tensor2D, arch, false));
  assert.equal(y.shape, [2, 32, 32, 3]);
  y.dispose();
  assert.throws(() => d.forward(tf.zeros([1, TINY_G.latent]) as tf.Tensor2D, [0, 0, 0, 0], true), /derived generator/);
  d.dispose();
});

test('the same seed builds the same weights; another seed does not', () => {
  const a = new Generator(TINY_G, { kind: 'shared' }, 5);
  const b = new Generator(TINY_G, { kind: 'shared' }, 5);
  const c = new Generator(TINY_G, { kind: 'shared' }, 6);
  const w = (g: Generator) => Array.from(g.store.get('g.cell2.pre1.conv.w').dataSync());
  assert.equal(w(a), w(b));
  assert.not.equal(w(a), w(c));
  [a, b, c].forEach((g) => g.dispose());
});

test("transposed convs start as the authors' code leaves them (PyTorch's default, ±1/√(4·Cout)), not from Xavier", () => {
  const g = new Generator(TINY_G, { kind: 'shared' }, 5);
  const deconvs = g.store.trainable().filter(([name]) => name.endsWith('deconv.w'));
  assert.ok(deconvs.length > 0, 'the shared generator has transposed convs');
  const bound = 1 / Math.sqrt(4 * TINY_G.gf); // every one is gf → gf
  const widest = Math.max(...deconvs.map(([, w]) => Math.max(...Array.from(w.dataSync(), Math.abs))));
  // Hundreds of uniform draws come within 10 % of their bound; Xavier's bound is 1.7× this one.
  assert.ok(widest <= bound && widest > 0.9 * bound, `widest ${widest} against ±${bound}`);
  g.dispose();
});

test.run();
