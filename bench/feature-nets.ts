import * as tf from '@tensorflow/tfjs';
import { startBackend, type BackendName } from '../src/backend/select.js';
import { InceptionNet } from '../src/metrics/inception/inception-net.js';
import { inceptionWeightsFromGraph } from '../src/metrics/inception/load-inception.js';
import { inceptionGraphNodes } from '../test/support/inception-graph-file.js';
import { printTable, timeIt, type BenchRow } from './report.js';

/**
 * Images per second through the Inception network (the 2015-12-05 graph at full size; random weights of
 * the real shapes, which time the same as the official ones), per backend. 32×32 inputs, resized to 299
 * as in CIFAR-10 evaluation.
 */
export async function benchFeatureNets(backends: readonly BackendName[]): Promise<void> {
  const weights = inceptionWeightsFromGraph(inceptionGraphNodes(1));
  const rows: BenchRow[] = [];
  for (const backend of backends) {
    await startBackend(backend);
    // The pure-JS cpu backend takes seconds per image: one image, one timed run.
    const batch = backend === 'cpu' ? 1 : 8;
    const net = new InceptionNet(weights, { batchSize: batch });
    const images = tf.randomUniform([batch, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const seconds = await timeIt(() => {
      const { logits, features } = net.classify(images);
      features.dataSync();
      tf.dispose([logits, features]);
    }, backend === 'cpu' ? 1 : 3);
    rows.push({ bench: 'inception', backend, batch, ms_per_image: (seconds / batch) * 1e3, images_per_s: batch / seconds });
    net.dispose();
    images.dispose();
  }
  printTable('Inception-2015-12-05 forward (299×299, logits + pool_3): 50,000 images take 50000 / images_per_s seconds', rows);
}
