import { suite } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import { BLAS_TF_NAME, registerBlasBackend } from '../src/backend/blas/backend.js';
import { JS_PARAM_LOOPS, paramLoops, type ParamLoops } from '../src/backend/param-loops.js';
import { Rng } from '../src/util/rng.js';
import { skipping } from './support/skipped.js';

registerBlasBackend();
const load = loadBlasAddon();
const s = suite('per-parameter loops: the addon against JS');
const check = load.ok ? s : skipping(s, `the blas addon is unavailable, so only the JS loops serve: ${load.ok ? '' : load.why}`);

function randoms(n: number, seed: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** Runs `f` with each implementation on fresh output arrays of the given lengths; returns both outputs. */
function both(lengths: number[], f: (loops: ParamLoops, out: Float32Array[]) => number | void): { js: Float32Array[]; native: Float32Array[]; results: unknown[] } {
  const run = (loops: ParamLoops) => {
    const out = lengths.map((n) => new Float32Array(n));
    return { out, result: f(loops, out) };
  };
  const js = run(JS_PARAM_LOOPS);
  const native = run(load.ok ? load.addon : JS_PARAM_LOOPS);
  return { js: js.out, native: native.out, results: [js.result, native.result] };
}

const same = (a: Float32Array[], b: Float32Array[], what: string) => a.forEach((x, i) => assert.equal(Array.from(b[i]!), Array.from(x), `${what}: output ${i}`));

check('Adam: the same moments and parameters bit for bit, at several steps and betas', () => {
  for (const [i, n] of [1, 7, 1000, 16_411].entries()) {
    const [p, m, g] = [randoms(n, 10 * i + 1), randoms(n, 10 * i + 2, 1e-2), randoms(n, 10 * i + 3, 1e-1)];
    const v = randoms(n, 10 * i + 4, 1e-3).map(Math.abs);
    for (const [b1, b2, t] of [[0, 0.9, 1], [0.5, 0.999, 7], [0.9, 0.999, 1000]] as const) {
      const c = Float32Array.of(b1, 1 - b1, b2, 1 - b2, (2e-4) / (1 - b1 ** t), 1 - b2 ** t, 1e-8);
      const r = both([n, n, n], (loops, [p2, m2, v2]) => loops.adamUpdate(p, m, v, g, p2!, m2!, v2!, c));
      same(r.js, r.native, `Adam n=${n} β=(${b1}, ${b2}) t=${t}`);
      assert.not.equal(Array.from(r.native[0]!), Array.from(p), 'p moved');
    }
  }
});

check('the moving average: the same bit for bit', () => {
  for (const decay of [0.9, 0.999]) {
    const n = 5003;
    const r = both([n], (loops, [out]) => loops.emaUpdate(randoms(n, 1), randoms(n, 2), out!, Float32Array.of(decay, 1 - decay)));
    same(r.js, r.native, `EMA ${decay}`);
  }
});

check("spectral norm: power iteration, W/σ and its gradient the same bit for bit, σ the same double", () => {
  for (const [rows, cols] of [[1, 1], [3, 27], [32, 288], [64, 576]] as const) {
    const w = randoms(rows * cols, rows + cols);
    const u0 = randoms(cols, 3);
    const it = both([rows, cols], (loops, [v, u]) => loops.powerIterate(w, u0, v!, u!));
    same(it.js, it.native, `power iteration ${rows}×${cols}`);
    const [v, u] = it.js as [Float32Array, Float32Array];
    const fwd = both([rows * cols], (loops, [y]) => loops.spectralNormalize(w, u, v, y!));
    same(fwd.js, fwd.native, `W/σ ${rows}×${cols}`);
    assert.is(fwd.results[1], fwd.results[0], 'σ');
    const sigma = fwd.results[0] as number;
    const dy = randoms(rows * cols, 99);
    const grad = both([rows * cols], (loops, [dw]) => loops.spectralNormalizeGrad(dy, w, u, v, sigma, dw!));
    same(grad.js, grad.native, `dW ${rows}×${cols}`);
  }
});

check('bad arguments are refused with what is wrong, and nothing is written', () => {
  if (!load.ok) return;
  const a = load.addon;
  const out = new Float32Array(4);
  assert.throws(() => a.emaUpdate(new Float32Array(4), new Float32Array(3), out, Float32Array.of(0.9, 0.1)), /differ in length/);
  const two = () => new Float32Array(2);
  assert.throws(() => a.adamUpdate(two(), two(), two(), two(), two(), two(), two(), new Float32Array(6)), /7 constants/);
  assert.throws(() => a.powerIterate(new Float32Array(5), new Float32Array(2), new Float32Array(2), new Float32Array(2)), /rows × cols/);
  assert.throws(() => a.spectralNormalize(new Float64Array(4) as never, new Float32Array(2), new Float32Array(2), out), /Float32Array/);
  assert.equal(Array.from(out), [0, 0, 0, 0]);
});

check('the addon serves while the blas backend runs, the JS loops under any other', async () => {
  await tf.setBackend('cpu');
  assert.is(paramLoops(), JS_PARAM_LOOPS);
  await tf.setBackend(BLAS_TF_NAME);
  assert.is(paramLoops(), load.ok ? load.addon : JS_PARAM_LOOPS);
});

s.run();
