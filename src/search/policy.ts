/**
 * The controller's policy network (reference "Controller"): an LSTM cell (hidden 100, input 100), an embedding
 * over every token's choices, and one linear decoder per token the stage decides. Sampling runs the tokens one
 * after another: the first input is a zero vector (or, from stage 1 on, the LSTM starts from a kept beam
 * prefix's state), each next input is the embedding of the action just taken.
 */
import * as tf from '@tensorflow/tfjs';
import { STAGE_PREFIX_LENGTH, TOKEN_CHOICES } from '../nn/arch.js';
import { lstmCell, type LstmState } from '../nn/lstm.js';
import { ParamStore } from '../nn/params.js';

/** Offset of token i's choices in the shared embedding table. */
const EMBED_OFFSET = TOKEN_CHOICES.map((_, i) => TOKEN_CHOICES.slice(0, i).reduce((a, b) => a + b, 0));
const EMBED_ROWS = TOKEN_CHOICES.reduce((a, b) => a + b, 0);

/** Index range of the tokens decided at a stage: stage 0 decides 0..3, stage 1 4..8, stage 2 9..13. */
export function stageTokens(stage: number): { first: number; end: number } {
  return { first: stage === 0 ? 0 : STAGE_PREFIX_LENGTH[stage - 1]!, end: STAGE_PREFIX_LENGTH[stage]! };
}

export class Policy {
  readonly store: ParamStore;
  readonly first: number;
  readonly end: number;

  constructor(readonly stage: number, readonly hidden: number, seed: number, firstToken?: number) {
    this.store = new ParamStore(seed);
    ({ first: this.first, end: this.end } = firstToken === undefined ? stageTokens(stage) : { first: firstToken, end: STAGE_PREFIX_LENGTH[stage]! });
    const bound = 1 / Math.sqrt(hidden);
    this.store.param('c.embed', [EMBED_ROWS, hidden], { kind: 'normal', mean: 0, std: 1 });
    this.store.param('c.lstm.wx', [hidden, 4 * hidden], { kind: 'uniform', bound });
    this.store.param('c.lstm.wh', [hidden, 4 * hidden], { kind: 'uniform', bound });
    this.store.param('c.lstm.b', [4 * hidden], { kind: 'uniform', bound });
    for (let i = this.first; i < this.end; i++) {
      this.store.param(`c.dec${i}.w`, [hidden, TOKEN_CHOICES[i]!], { kind: 'uniform', bound });
      this.store.param(`c.dec${i}.b`, [TOKEN_CHOICES[i]!], { kind: 'uniform', bound });
    }
  }

  zeroState(batch: number): LstmState {
    return { h: tf.zeros([batch, this.hidden]), c: tf.zeros([batch, this.hidden]) };
  }

  /**
   * Runs the decided tokens. `choose(i, logProbs)` returns the action of each row for token i (sampled, or
   * given for teacher forcing). Returns the log-probabilities of every token and the final state.
   */
  run(start: LstmState, choose: (token: number, logProbs: tf.Tensor2D) => number[]): { steps: tf.Tensor2D[]; actions: number[][]; state: LstmState } {
    const batch = start.h.shape[0];
    const embed = this.store.get('c.embed') as tf.Tensor2D;
    const weights = { wx: this.store.get('c.lstm.wx') as tf.Tensor2D, wh: this.store.get('c.lstm.wh') as tf.Tensor2D, bias: this.store.get('c.lstm.b') as tf.Tensor1D };
    let x: tf.Tensor2D = tf.zeros([batch, this.hidden]);
    let state = start;
    const steps: tf.Tensor2D[] = [];
    const actions: number[][] = [];
    for (let i = this.first; i < this.end; i++) {
      state = lstmCell(x, state, weights);
      const logits = tf.add(tf.matMul(state.h, this.store.get(`c.dec${i}.w`) as tf.Tensor2D), this.store.get(`c.dec${i}.b`)) as tf.Tensor2D;
      const logProbs = tf.logSoftmax(logits) as tf.Tensor2D;
      const a = choose(i, logProbs);
      steps.push(logProbs);
      actions.push(a);
      // The embedding row of each action: a one-hot matMul, whose gradient every backend has.
      x = tf.matMul(tf.oneHot(a.map((v) => EMBED_OFFSET[i]! + v), EMBED_ROWS).toFloat(), embed) as tf.Tensor2D;
    }
    return { steps, actions, state };
  }

  dispose(): void {
    this.store.dispose();
  }
}
