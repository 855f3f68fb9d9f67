import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { Adam } from '../src/nn/adam.js';
import { BACKENDS_UNDER_TEST, useBackend } from './support/backends.js';

for (const backend of BACKENDS_UNDER_TEST) {
  const s = suite(`Adam on ${backend}`);
  s.before(() => useBackend(backend));

  s('two steps on p² from p = 1 land where a hand computation does, bias corrections included', () => {
    // lr 0.1, β₁ 0.5, β₂ 0.75, ε 1e-8; the gradient of p² is 2p.
    // t = 1: g = 2;   m = 0.5·2 = 1;           v = 0.25·4 = 1;            m̂ = 1/0.5 = 2;      v̂ = 1/0.25 = 4;
    //        p = 1 − 0.1·2/(√4 + ε) = 0.9.
    // t = 2: g = 1.8; m = 0.5·1 + 0.5·1.8 = 1.4; v = 0.75·1 + 0.25·3.24 = 1.56; m̂ = 1.4/0.75; v̂ = 1.56/0.4375;
    //        p = 0.9 − 0.1·1.86667/1.88831 = 0.8011462. (Without the corrections: 0.9 − 0.1·1.4/√1.56 = 0.7879.)
    const p = tf.variable(tf.scalar(1));
    const adam = new Adam({ lr: 0.1, beta1: 0.5, beta2: 0.75, eps: 1e-8 });
    const loss = () => tf.square(p) as tf.Scalar;
    assert.is(adam.minimize(loss, [['p', p]]), 1, 'minimize returns the loss before the step');
    assert.ok(Math.abs(p.dataSync()[0]! - 0.9) < 1e-7, `after step 1: ${p.dataSync()[0]}`);
    assert.ok(Math.abs(adam.minimize(loss, [['p', p]]) - 0.81) < 1e-6, 'the loss at p = 0.9');
    assert.ok(Math.abs(p.dataSync()[0]! - 0.8011462) < 1e-6, `after step 2: ${p.dataSync()[0]}`);
    const { t, m, v } = adam.state();
    assert.is(t, 2);
    assert.ok(Math.abs(m.get('p')!.dataSync()[0]! - 1.4) < 1e-6 && Math.abs(v.get('p')!.dataSync()[0]! - 1.56) < 1e-6, 'the moments after step 2');
    adam.dispose();
    p.dispose();
  });

  s('takes the steps tfjs\'s own tf.train.adam takes, with a learning-rate scale, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const [start, target] = [tf.randomNormal([7, 13], 0, 1, 'float32', 3), tf.randomNormal([7, 13], 0, 1, 'float32', 4)];
    // A loss whose gradient changes in size and sign from step to step and from entry to entry.
    const lossOf = (x: tf.Tensor) => () => tf.sum(tf.square(tf.sub(tf.mul(x, x), target))) as tf.Scalar;
    for (const [beta1, lrScale] of [[0.5, 1], [0, 0.3]] as const) {
      const ours = tf.variable(start);
      const theirs = tf.variable(start);
      const adam = new Adam({ lr: 0.01, beta1, beta2: 0.999, eps: 1e-8 });
      const reference = tf.train.adam(0.01 * lrScale, beta1, 0.999, 1e-8);
      const s0 = start.dataSync();
      for (let step = 0; step < 5; step++) {
        adam.minimize(lossOf(ours), [['x', ours]], lrScale);
        reference.minimize(lossOf(theirs), false, [theirs]);
        const [a, b] = [ours.dataSync(), theirs.dataSync()];
        // How far apart the two are, against how far tfjs moved the parameters. They differ in rounding only,
        // tfjs's 1 − β₂ᵗ from a float32 running product most (1e-5 of v̂ at β₂ = 0.999): 2.8e-5 at worst here; a
        // wrong bias correction or learning-rate scale is off by a large part of the step.
        const moved = Array.from(b).reduce((w, x, i) => Math.max(w, Math.abs(x - s0[i]!)), 0);
        const apart = Array.from(a).reduce((w, x, i) => Math.max(w, Math.abs(x - b[i]!)), 0);
        assert.ok(moved > 1e-3 && apart < 1e-4 * moved, `β₁ ${beta1}, scale ${lrScale}, step ${step + 1}: ours and tf.train.adam are ${apart} apart, tfjs moved ${moved}`);
      }
      adam.dispose();
      reference.dispose();
      tf.dispose([ours, theirs]);
    }
    tf.dispose([start, target]);
    assert.is(tf.memory().numTensors, before);
  });

  s.run();
}
