import * as tf from '@tensorflow/tfjs';

/** Weights of one LSTM cell, gates in PyTorch's order (input, forget, cell, output). */
export interface LstmCellWeights {
  readonly wx: tf.Tensor2D; // [input, 4·hidden]
  readonly wh: tf.Tensor2D; // [hidden, 4·hidden]
  readonly bias: tf.Tensor1D; // [4·hidden]
}

export interface LstmState {
  readonly h: tf.Tensor2D; // [B, hidden]
  readonly c: tf.Tensor2D; // [B, hidden]
}

/** One step of an LSTM cell: x [B, input] and the previous state → the next state. */
export function lstmCell(x: tf.Tensor2D, state: LstmState, w: LstmCellWeights): LstmState {
  const hidden = state.h.shape[1];
  const gates = tf.add(tf.add(tf.matMul(x, w.wx), tf.matMul(state.h, w.wh)), w.bias) as tf.Tensor2D;
  const [i, f, g, o] = tf.split(gates, [hidden, hidden, hidden, hidden], 1) as tf.Tensor2D[];
  const c = tf.add(tf.mul(tf.sigmoid(f!), state.c), tf.mul(tf.sigmoid(i!), tf.tanh(g!))) as tf.Tensor2D;
  const h = tf.mul(tf.sigmoid(o!), tf.tanh(c)) as tf.Tensor2D;
  return { h, c };
}
