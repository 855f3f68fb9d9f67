import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { PolicyController, type ControllerConfig } from '../src/search/controller.js';
import { startBackend } from '../src/backend/select.js';

const CFG: ControllerConfig = { hidden: 3, lr: 0.05, beta1: 0, beta2: 0.9, entropyCoeff: 0, baselineDecay: 0.9, levels: 'multi' };

test.before(async () => {
  await startBackend('auto');
});

/** The policy's log-probability and entropy of an architecture, recomputed with plain numbers. */
function byHand(c: PolicyController, arch: number[]): { logProb: number; entropy: number } {
  const w = (n: string) => (c as unknown as { policy: { store: { get(n: string): tf.Tensor } } }).policy.store.get(n).arraySync() as number[][];
  const embed = w('c.embed');
  const wx = w('c.lstm.wx');
  const wh = w('c.lstm.wh');
  const b = (c as unknown as { policy: { store: { get(n: string): tf.Tensor } } }).policy.store.get('c.lstm.b').arraySync() as unknown as number[];
  const H = CFG.hidden;
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  let x = new Array<number>(H).fill(0);
  let h = new Array<number>(H).fill(0);
  let cell = new Array<number>(H).fill(0);
  const offsets = [0, 2, 5, 8];
  let logProb = 0;
  let entropy = 0;
  for (let t = 0; t < 4; t++) {
    const gates = Array.from({ length: 4 * H }, (_, j) => b[j]! + x.reduce((s, xi, i) => s + xi * wx[i]![j]!, 0) + h.reduce((s, hi, i) => s + hi * wh[i]![j]!, 0));
    cell = cell.map((cv, k) => sig(gates[H + k]!) * cv + sig(gates[k]!) * Math.tanh(gates[2 * H + k]!));
    h = cell.map((cv, k) => sig(gates[3 * H + k]!) * Math.tanh(cv));
    const dw = w(`c.dec${t}.w`);
    const db = (c as unknown as { policy: { store: { get(n: string): tf.Tensor } } }).policy.store.get(`c.dec${t}.b`).arraySync() as unknown as number[];
    const logits = db.map((bj, j) => bj + h.reduce((s, hi, i) => s + hi * dw[i]![j]!, 0));
    const m = Math.max(...logits);
    const lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
    const lp = logits.map((l) => l - lse);
    logProb += lp[arch[t]!]!;
    entropy -= lp.reduce((s, l) => s + Math.exp(l) * l, 0);
    x = embed[offsets[t]! + arch[t]!]!;
  }
  return { logProb, entropy };
}

test('log-probabilities and entropies match a hand computation on a tiny policy', async () => {
  const c = new PolicyController(CFG, 3);
  await c.beginStage({ stage: 0, prefixes: [] });
  for (const s of await c.sample({ count: 5 })) {
    const hand = byHand(c, s.arch);
    assert.ok(Math.abs(hand.logProb - s.logProb) < 1e-4, `log-prob ${s.logProb} vs ${hand.logProb}`);
    assert.ok(Math.abs(hand.entropy - s.entropy) < 1e-4, `entropy ${s.entropy} vs ${hand.entropy}`);
  }
  c.dispose();
});

test('REINFORCE moves the policy toward the rewarded architecture', async () => {
  const target = [1, 2, 0, 1];
  const reward = (a: number[]) => a.filter((v, i) => v === target[i]).length; // known function of the tokens
  const c = new PolicyController(CFG, 4);
  await c.beginStage({ stage: 0, prefixes: [] });
  const meanReward = async () => (await c.sample({ count: 200 })).reduce((s, x) => s + reward(x.arch), 0) / 200;
  const before = await meanReward();
  for (let i = 0; i < 40; i++) {
    const batch = await c.sample({ count: 5 });
    await c.update({ samples: batch.map((s) => ({ arch: s.arch, reward: reward(s.arch) })) });
  }
  const after = await meanReward();
  assert.ok(after > before + 1, `mean reward ${before.toFixed(2)} → ${after.toFixed(2)}`);
  c.dispose();
});

test('beam hand-over: every sample of the next stage starts with one of the kept prefixes', async () => {
  const c = new PolicyController(CFG, 5);
  await c.beginStage({ stage: 0, prefixes: [] });
  const kept = await c.prefixStates({ archs: [[1, 0, 1, 1], [0, 2, 2, 0]] });
  assert.is(kept[0]!.h.length, CFG.hidden);
  await c.beginStage({ stage: 1, prefixes: kept });
  const samples = await c.sample({ count: 30 });
  for (const s of samples) {
    assert.is(s.arch.length, 9);
    assert.ok(kept.some((p) => p.arch.every((v, i) => v === s.arch[i])), `[${s.arch}] starts with a kept prefix`);
  }
  assert.ok(new Set(samples.map((s) => s.arch.slice(0, 4).join())).size === 2, 'both prefixes are used');
  c.dispose();
});

test('the same seed gives the same samples; the state round-trips', async () => {
  const a = new PolicyController(CFG, 9);
  const b = new PolicyController(CFG, 9);
  await a.beginStage({ stage: 0, prefixes: [] });
  await b.beginStage({ stage: 0, prefixes: [] });
  assert.equal(await a.sample({ count: 6 }), await b.sample({ count: 6 }));
  await a.update({ samples: [{ arch: [1, 0, 1, 1], reward: 2 }] });
  const saved = await a.state();
  const c = new PolicyController(CFG, 1);
  await c.restore({ state: saved });
  assert.equal(await a.sample({ count: 6 }), await c.sample({ count: 6 }));
  [a, b, c].forEach((x) => x.dispose());
});

test('sampling and updates leak no tensors', async () => {
  const c = new PolicyController(CFG, 11);
  await c.beginStage({ stage: 0, prefixes: [] });
  await c.update({ samples: (await c.sample({ count: 2 })).map((s) => ({ arch: s.arch, reward: 1 })) }); // Adam's moments appear
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) await c.update({ samples: (await c.sample({ count: 3 })).map((s) => ({ arch: s.arch, reward: i })) });
  assert.is(tf.memory().numTensors, before);
  c.dispose();
});

test.run();
