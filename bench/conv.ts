import * as tf from '@tensorflow/tfjs';
import * as ops from '../src/backend/ops.js';
import { startBackend, type BackendName } from '../src/backend/select.js';
import { printTable, timeIt, type BenchRow } from './report.js';

/** 3×3 conv forward and forward+backward at search widths, per backend: time and GFLOP/s. */
export async function benchConv(backends: readonly BackendName[]): Promise<void> {
  const rows: BenchRow[] = [];
  const shapes = [
    { batch: 32, size: 16, cin: 128, cout: 128 }, // the compute notes' reference shape
    { batch: 32, size: 8, cin: 128, cout: 128 },
  ];
  for (const backend of backends) {
    await startBackend(backend);
    for (const { batch, size, cin, cout } of shapes) {
      const x = tf.randomNormal([batch, size, size, cin]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D;
      const flops = 2 * batch * size * size * cin * cout * 9;
      const fwd = await timeIt(() => tf.tidy(() => void ops.conv2d(x, w).dataSync()), 3);
      const grad = tf.grads((a: tf.Tensor, b: tf.Tensor) => ops.conv2d(a as tf.Tensor4D, b as tf.Tensor4D).sum());
      const fb = await timeIt(() => tf.tidy(() => grad([x, w]).forEach((g) => g.dataSync())), 3);
      rows.push({
        bench: 'conv3x3', backend, shape: `${batch}x${size}x${size} ${cin}->${cout}`,
        fwd_ms: fwd * 1e3, fwd_gflops: flops / fwd / 1e9, fwd_bwd_ms: fb * 1e3, fwd_bwd_gflops: (3 * flops) / fb / 1e9,
      });
      x.dispose();
      w.dispose();
    }
  }
  printTable('3x3 conv (stride 1, same) — PyTorch CPU, 2 threads, reference: 78 GFLOP/s forward', rows);
}
