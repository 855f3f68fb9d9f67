import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { adamStepArrays, adamStepKernels, type AdamStepConstants } from '../src/nn/adam-step.js';
import { BACKENDS_UNDER_TEST, useBackend } from './support/backends.js';

/** Three steps of each form from the same start, at the reference's betas and at others. */
function run(form: 'arrays' | 'kernels', c: AdamStepConstants, seed: number): { p: Float32Array; m: Float32Array; v: Float32Array; took: boolean } {
  const [p, m, v] = tf.tidy(() => {
    const start = tf.variable(tf.randomNormal([7, 13], 0, 1, 'float32', seed));
    return [start, tf.variable(tf.zerosLike(start), false), tf.variable(tf.zerosLike(start), false)];
  });
  let took = true;
  for (let step = 0; step < 3; step++) {
    const g = tf.randomNormal([7, 13], 0, 1e-2 * 10 ** step, 'float32', seed + step + 1);
    if (form === 'kernels') adamStepKernels(p, m, v, g, c);
    else took = adamStepArrays(p, m, v, g, c) && took;
    g.dispose();
  }
  const out = { p: p.dataSync() as Float32Array, m: m.dataSync() as Float32Array, v: v.dataSync() as Float32Array, took };
  tf.dispose([p, m, v]);
  return out;
}

const CONSTANTS: AdamStepConstants[] = [
  { beta1: 0, beta2: 0.9, eps: 1e-8, stepSize: 2e-4, vCorrection: 1 - 0.9 ** 3 },
  { beta1: 0.5, beta2: 0.999, eps: 1e-8, stepSize: 3.5e-4 / (1 - 0.5 ** 3), vCorrection: 1 - 0.999 ** 3 },
];

for (const backend of BACKENDS_UNDER_TEST) {
  const s = suite(`Adam step on ${backend}`);
  s.before(() => useBackend(backend));
  s('the array form equals the kernel form bit for bit, or declines and changes nothing', () => {
    CONSTANTS.forEach((c, i) => {
      const before = tf.memory().numTensors;
      const kernels = run('kernels', c, 10 * i + 1);
      const arrays = run('arrays', c, 10 * i + 1);
      assert.is(tf.memory().numTensors, before, 'no tensors leak');
      if (backend === 'wasm') {
        assert.not.ok(arrays.took, 'wasm keeps tensors in its own heap: the kernel form serves');
        return;
      }
      assert.ok(arrays.took, `${backend} keeps tensors in typed arrays`);
      for (const k of ['p', 'm', 'v'] as const) assert.equal(Array.from(arrays[k]), Array.from(kernels[k]), `${k} differs (constants ${i})`);
      assert.not.equal(Array.from(arrays.p), Array.from(run('kernels', { ...c, stepSize: 0 }, 10 * i + 1).p), 'the step moved p');
    });
  });
  s.run();
}
