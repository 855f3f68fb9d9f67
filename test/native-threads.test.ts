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

// oneDNN's OpenMP team size is per calling thread: a worker's share must not change the main thread's.
test("a thread's oneDNN share is its own", async () => {
  const load = loadBlasAddon();
  if (!load.ok) throw new Error('the native addon is not built (npm run build:native)');
  if (load.addon.dnnl() === null) return void console.log('native-threads: the addon has no oneDNN; nothing to share');
  load.addon.setDnnlThreads(2);
  const addonUrl = new URL('../src/backend/blas/addon.js', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(addonUrl)}).then((m) => { const a = m.loadBlasAddon().addon; a.setDnnlThreads(1); require('node:worker_threads').parentPort.postMessage(a.dnnlThreads()); })`,
    { eval: true },
  );
  const inWorker = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  assert.is(inWorker, 1);
  assert.is(load.addon.dnnlThreads(), 2);
});

test.run();
