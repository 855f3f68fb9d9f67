import * as tf from '@tensorflow/tfjs';

/** Hinge loss of D (Lim & Ye 2017; reference): mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). */
export function discriminatorHingeLoss(realScores: tf.Tensor, fakeScores: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.relu(tf.sub(1, realScores))), tf.mean(tf.relu(tf.add(1, fakeScores)))) as tf.Scalar;
}

/** Hinge loss of G: −mean(D(fake)). */
export function generatorHingeLoss(fakeScores: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(fakeScores)) as tf.Scalar;
}
