import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { discriminatorHingeLoss, generatorHingeLoss } from '../src/nn/losses.js';
import { Ema } from '../src/nn/ema.js';
import { ParamStore } from '../src/nn/params.js';
import { startBackend } from '../src/backend/select.js';

test.before(async () => {
  await startBackend('auto');
});

test('hinge losses equal hand-computed values', () => {
  const real = tf.tensor2d([[2], [0.5], [-1]]);
  const fake = tf.tensor2d([[-2], [0], [1.5]]);
  // D: mean(relu(1 − [2, 0.5, −1])) = (0 + 0.5 + 2)/3; mean(relu(1 + [−2, 0, 1.5])) = (0 + 1 + 2.5)/3
  assert.ok(Math.abs(discriminatorHingeLoss(real, fake).dataSync()[0]! - (2.5 / 3 + 3.5 / 3)) < 1e-6);
  // G: −mean([−2, 0, 1.5]) = 0.5/3
  assert.ok(Math.abs(generatorHingeLoss(fake).dataSync()[0]! - 0.5 / 3) < 1e-6);
});

test('EMA update equals decay·avg + (1 − decay)·param, and withAverages restores the parameters', () => {
  const store = new ParamStore(1);
  const p = store.param('p', [2], { kind: 'constant', value: 1 });
  const ema = new Ema(store, 0.9);
  p.assign(tf.tensor1d([3, -1]));
  ema.update(); // 0.9·1 + 0.1·3 = 1.2; 0.9·1 + 0.1·(−1) = 0.8
  const avg = Array.from(ema.shadow.get('p')!.dataSync());
  assert.ok(Math.abs(avg[0]! - 1.2) < 1e-6 && Math.abs(avg[1]! - 0.8) < 1e-6, `got ${avg}`);
  const inside = ema.withAverages(() => Array.from(p.dataSync()));
  assert.ok(Math.abs(inside[0]! - 1.2) < 1e-6);
  assert.equal(Array.from(p.dataSync()), [3, -1]);
  ema.dispose();
  store.dispose();
});

test.run();
