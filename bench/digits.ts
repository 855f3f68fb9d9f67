import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../src/backend/select.js';
import { loadMnist } from '../src/data/mnist.js';
import { digitAccuracy } from '../src/metrics/digits/digit-accuracy.js';
import { loadDigitClassifier } from '../src/metrics/digits/digit-weights-file.js';
import { printTable, timeIt, type BenchRow } from './report.js';

/**
 * The shipped digit classifier (MNIST's IS and FID network): its accuracy on the 2,000 held-out digits
 * (the issue asks for at least 98 %), measured on the fastest backend, and images per second through it
 * on each backend.
 */
export async function benchDigits(backends: readonly BackendName[]): Promise<void> {
  await startBackend('auto');
  const { net, meta } = loadDigitClassifier();
  const accuracy = digitAccuracy(net, loadMnist().test);
  net.dispose();
  printTable('Digit classifier (weights/digits-classifier.bin): accuracy on the 2,000 held-out digits', [
    { bench: 'digits-accuracy', held_out_accuracy: accuracy, recorded_at_training: meta.heldOutAccuracy, at_least_98: accuracy >= 0.98, epochs: meta.epochs, train_seconds: meta.trainSeconds, trained_on: meta.backend },
  ]);

  const rows: BenchRow[] = [];
  for (const backend of backends) {
    await startBackend(backend);
    const { net: timed } = loadDigitClassifier();
    // The pure-JS cpu backend runs a few tens of images per second: a smaller batch, one timed run.
    const batch = backend === 'cpu' ? 100 : 500;
    const images = tf.randomUniform([batch, 32, 32, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const seconds = await timeIt(() => {
      const { logits, features } = timed.classify(images);
      features.dataSync();
      tf.dispose([logits, features]);
    }, backend === 'cpu' ? 1 : 3);
    rows.push({ bench: 'digits-forward', backend, batch, images_per_s: batch / seconds });
    images.dispose();
    timed.dispose();
  }
  printTable('Digit classifier forward (logits + 128-d features): 50,000 images take 50000 / images_per_s seconds', rows);
}
