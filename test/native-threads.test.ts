import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { coreShare } from '../src/backend/blas/threads.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';

test('each of the threads computing at once gets its share of the cores, at least one', () => {
  assert.is(coreShare(1, 2), 2);
  assert.is(coreShare(2, 2), 1);
  assert.is(coreShare(3, 2), 1);
  assert.is(coreShare(2, 16), 8);
  assert.is(coreShare(3, 16), 5);
  assert.is(coreShare(0, 4), 4);
});

/** OpenBLAS's thread count in a fresh process whose environment has `env`. */
function openBlasThreads(env: NodeJS.ProcessEnv): string {
  const addonUrl = new URL('../src/backend/blas/addon.js', import.meta.url).href;
  const script = `import(${JSON.stringify(addonUrl)}).then((m) => { const l = m.loadBlasAddon(); console.log(String(l.ok ? l.addon.threads() : 'not loaded: ' + l.why)); })`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim();
}

test('OpenBLAS runs one thread per process unless OPENBLAS_NUM_THREADS says otherwise', () => {
  if (!loadBlasAddon().ok) throw new Error('the native addon is not built (npm run build:native)');
  const { OPENBLAS_NUM_THREADS: _, ...env } = process.env;
  assert.is(openBlasThreads(env), '1');
  assert.is(openBlasThreads({ ...env, OPENBLAS_NUM_THREADS: '2' }), '2');
});

test("oneDNN's OpenMP threads wait passively unless the user set how they wait", () => {
  const script = `import(${JSON.stringify(new URL('../src/backend/blas/addon.js', import.meta.url).href)}).then((m) => { m.loadBlasAddon(); console.log(String(process.env.OMP_WAIT_POLICY)); })`;
  const policy = (env: NodeJS.ProcessEnv) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim();
  const { OMP_WAIT_POLICY: _, GOMP_SPINCOUNT: __, ...env } = process.env;
  assert.is(policy(env), 'PASSIVE');
  assert.is(policy({ ...env, OMP_WAIT_POLICY: 'ACTIVE' }), 'ACTIVE');
  assert.is(policy({ ...env, GOMP_SPINCOUNT: '1000' }), 'undefined');
});

// The OpenMP team size is per calling thread: a worker's share must not change the main thread's.
test("a thread's OpenMP team is its own", async () => {
  const load = loadBlasAddon();
  if (!load.ok) throw new Error('the native addon is not built (npm run build:native)');
  load.addon.setKernelThreads(2);
  if (load.addon.kernelThreads() === 1) return void console.log('native-threads: the addon is built without OpenMP; nothing to share');
  const addonUrl = new URL('../src/backend/blas/addon.js', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(addonUrl)}).then((m) => { const a = m.loadBlasAddon().addon; a.setKernelThreads(1); require('node:worker_threads').parentPort.postMessage(a.kernelThreads()); })`,
    { eval: true },
  );
  const inWorker = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  assert.is(inWorker, 1);
  assert.is(load.addon.kernelThreads(), 2);
});

// A product large enough to split over the team (more than twice PRODUCT_MACS_PER_THREAD). The own loops compute
// every element as on one thread, whatever the split. OpenBLAS's kernels sum an element by the tile it falls in, so
// its last bits follow the split, which is a function of the product's size and the team's (set from the config):
// the same on every run.
test('a matrix product split over two threads: the own loops give the bits of one thread, OpenBLAS the same bits on every run', () => {
  const load = loadBlasAddon();
  if (!load.ok) throw new Error('the native addon is not built (npm run build:native)');
  const { addon } = load;
  const [M, N, K] = [517, 67, 640];
  const a = Float32Array.from({ length: 2 * M * K }, (_, i) => Math.sin(0.37 * i));
  const b = Float32Array.from({ length: 2 * K * N }, (_, i) => Math.cos(0.11 * i));
  const product = (threads: number, tA: number, tB: number) => {
    addon.setKernelThreads(threads);
    const c = new Float32Array(2 * M * N);
    addon.batchMatMul(a, b, c, Int32Array.from([2, 2, M, N, K, tA, tB]));
    return c;
  };
  const firstDifference = (x: Float32Array, y: Float32Array) => x.findIndex((v, i) => !Object.is(v, y[i]));
  const before = addon.kernelThreads();
  try {
    for (const openBlas of addon.openBlas() ? [true, false] : [false]) {
      addon.useOpenBlas(openBlas);
      for (const [tA, tB] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const label = `${openBlas ? 'OpenBLAS' : 'own loops'}, transposes ${tA}/${tB}`;
        const one = product(1, tA, tB);
        const two = product(2, tA, tB);
        if (!openBlas) {
          assert.is(firstDifference(one, two), -1, `${label}: an element differs`);
          continue;
        }
        assert.is(firstDifference(two, product(2, tA, tB)), -1, `${label}: two runs on two threads differ`);
        const worst = one.reduce((m, v, i) => Math.max(m, Math.abs(v - two[i]!) / Math.max(1, Math.abs(v))), 0);
        assert.ok(worst < 1e-5, `${label}: relative difference ${worst} from one thread`);
      }
    }
  } finally {
    addon.useOpenBlas(true);
    addon.setKernelThreads(before);
  }
});

// A convolution large enough to share out (302 M multiply-adds): on the own loops its chunks of patch rows (forward,
// input gradient) and its taps (filter gradient) go to the team's threads; every output must be the bits one thread
// gives, and agree with oneDNN where the addon has it.
test('a convolution shared out over two threads on the own loops gives the bits of one thread', () => {
  const load = loadBlasAddon();
  if (!load.ok) throw new Error('the native addon is not built (npm run build:native)');
  const { addon } = load;
  const [B, H, W, C, O] = [32, 32, 32, 32, 32];
  const g = Int32Array.from([B, H, W, C, H, W, O, 3, 3, 1, 1, 1, 1, 1, 1]);
  const x = Float32Array.from({ length: B * H * W * C }, (_, i) => Math.sin(0.7 * i));
  const w = Float32Array.from({ length: 9 * C * O }, (_, i) => Math.cos(0.3 * i) / 10);
  const dy = Float32Array.from({ length: B * H * W * O }, (_, i) => Math.sin(0.13 * i));
  const run = (threads: number) => {
    addon.setKernelThreads(threads);
    const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
    addon.conv2d(x, w, y, g, null, false);
    addon.conv2dBackpropInput(dy, w, dx, g);
    addon.conv2dBackpropFilter(x, dy, dw, g);
    return { y, dx, dw };
  };
  const before = addon.kernelThreads();
  try {
    const onDnnl = addon.dnnl() !== null ? run(2) : null;
    addon.useDnnl(false);
    addon.useOpenBlas(false);
    const one = run(1);
    const two = run(2);
    for (const k of ['y', 'dx', 'dw'] as const) {
      assert.is(one[k].findIndex((v, i) => !Object.is(v, two[k][i])), -1, `${k}: an element differs between one thread and two`);
      if (!onDnnl) continue;
      const worst = one[k].reduce((m, v, i) => Math.max(m, Math.abs(v - onDnnl[k][i]!) / Math.max(1, Math.abs(v))), 0);
      assert.ok(worst < 1e-4, `${k}: relative difference ${worst} from oneDNN`);
    }
  } finally {
    addon.useDnnl(true);
    addon.useOpenBlas(true);
    addon.setKernelThreads(before);
  }
});

test.run();
