import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import * as ops from '../src/backend/ops.js';
import { startBackend } from '../src/backend/select.js';
import { loadBlasAddon } from '../src/backend/blas/addon.js';
import { printTable, timeIt, type BenchRow } from './report.js';

/**
 * The `blas` backend's 3×3 conv (forward, forward+backward) at the compute notes' reference shape, per
 * OpenBLAS thread count: whether a second core pays while tfjs's own work between kernels stays on one.
 */
export async function benchBlasThreads(): Promise<void> {
  const load = loadBlasAddon();
  if (!load.ok) {
    console.log(`\nblas threads: skipped: ${load.why}`);
    return;
  }
  await startBackend('blas');
  const initial = load.addon.threads();
  const [batch, size, cin, cout] = [32, 16, 128, 128];
  const flops = 2 * batch * size * size * cin * cout * 9;
  const x = tf.randomNormal([batch, size, size, cin]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D;
  const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => ops.conv2d(a as tf.Tensor4D, b as tf.Tensor4D).sum());
  const rows: BenchRow[] = [];
  for (let threads = 1; threads <= availableParallelism(); threads++) {
    load.addon.setThreads(threads);
    const fwd = await timeIt(() => tf.tidy(() => void ops.conv2d(x, w).dataSync()), 5);
    const fb = await timeIt(() => tf.tidy(() => grad([x, w]).forEach((g) => g.dataSync())), 5);
    rows.push({ bench: 'blas-threads', threads, fwd_ms: fwd * 1e3, fwd_gflops: flops / fwd / 1e9, fwd_bwd_ms: fb * 1e3, fwd_bwd_gflops: (3 * flops) / fb / 1e9 });
  }
  load.addon.setThreads(initial);
  x.dispose();
  w.dispose();
  printTable(`blas backend, 3x3 conv ${batch}x${size}x${size} ${cin}->${cout}, by OpenBLAS threads (default ${initial})`, rows);
}
