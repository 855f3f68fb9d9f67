import * as tf from '@tensorflow/tfjs';

/** A seeded 3×3 conv and both its gradients, as plain arrays: the same work on any thread and backend. */
export function convAndGrads(seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal([4, 12, 12, 32], 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 32, 48], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')));
    const [dx, dw] = tf.grads(f)([x, w]);
    return [dx!, dw!].map((t) => t.dataSync() as Float32Array);
  });
}
