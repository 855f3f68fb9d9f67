/**
 * tfjs's cpu backend without the advice it prints on its first tensor ("Hi, looks like you are running
 * TensorFlow.js in Node.js … install our node backend"): every command that made a tensor on it printed that
 * on stderr (`arch`, anything with `--backend cpu`), though `--backend auto` already takes tfjs-node when it is
 * installed. The blas backend extends it for the same reason.
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

export class QuietCpuBackend extends MathBackendCPU {
  constructor() {
    super();
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

// Importing tfjs registered the stock cpu factory and every cpu kernel: the kernels stay, the factory is replaced
// while no cpu backend has been made (one made earlier keeps its tensors). tf.findBackend would make one; the
// engine's registry holds only those made.
if (!('cpu' in tf.engine().registry)) {
  tf.removeBackend('cpu');
  tf.registerBackend('cpu', () => new QuietCpuBackend(), 1);
}
