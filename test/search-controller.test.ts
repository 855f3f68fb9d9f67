import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { PolicyController, type ControllerConfig } from '../src/search/controller.js';
import { startBackend } from '../src/backend/select.js';
import type { Policy } from '../src/search/policy.js';

const CFG: ControllerConfig = { hidden: 3, lr: 0.05, beta1: 0, beta2: 0.9, entropyCoeff: 0, baselineDecay: 0.9, levels: 'multi' };

test.before(async () => {
  await startBackend('auto');
});

/** A policy's parameters as plain numbers (row-major), by name. */
type Params = Map<string, number[]>;
const paramsOf = (c: PolicyController): Params =>
  new Map((c as unknown as { policy: Policy }).policy.store.trainable().map(([name, t]) => [name, Array.from(t.dataSync())]));

/** The stage-0 policy's log-probability and entropy of an architecture, computed with plain float64 numbers. */
function byHand(params: Params, arch: number[]): { logProb: number; entropy: number } {
  const H = CFG.hidden;
  const [embed, wx, wh, b] = ['c.embed', 'c.lstm.wx', 'c.lstm.wh', 'c.lstm.b'].map((n) => params.get(n)!) as [number[], number[], number[], number[]];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  let x = new Array<number>(H).fill(0);
  let h = new Array<number>(H).fill(0);
  let cell = new Array<number>(H).fill(0);
  const offsets = [0, 2, 5, 8];
  let logProb = 0;
  let entropy = 0;
  for (let t = 0; t < 4; t++) {
    const gates = Array.from({ length: 4 * H }, (_, j) => b[j]! + x.reduce((s, xi, i) => s + xi * wx[i * 4 * H + j]!, 0) + h.reduce((s, hi, i) => s + hi * wh[i * 4 * H + j]!, 0));
    cell = cell.map((cv, k) => sig(gates[H + k]!) * cv + sig(gates[k]!) * Math.tanh(gates[2 * H + k]!));
    h = cell.map((cv, k) => sig(gates[3 * H + k]!) * Math.tanh(cv));
    const dw = params.get(`c.dec${t}.w`)!;
    const db = params.get(`c.dec${t}.b`)!;
    const logits = db.map((bj, j) => bj + h.reduce((s, hi, i) => s + hi * dw[i * db.length + j]!, 0));
    const m = Math.max(...logits);
    const lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
    const lp = logits.map((l) => l - lse);
    logProb += lp[arch[t]!]!;
    entropy -= lp.reduce((s, l) => s + Math.exp(l) * l, 0);
    x = embed.slice((offsets[t]! + arch[t]!) * H, (offsets[t]! + arch[t]! + 1) * H);
  }
  return { logProb, entropy };
}

/**
 * The controller's update done by hand in float64, one sample after another: reward R + coeff·entropy, the
 * baseline (the first reward, then decay·b + (1 − decay)·r), advantage r − b, loss −advantage·log π(arch) whose
 * gradient comes from central differences of byHand, and one Adam step per sample (PyTorch's, ε 1e-8).
 */
function updateByHand(start: Params, cfg: ControllerConfig, samples: { arch: number[]; reward: number }[]) {
  const params: Params = new Map([...start].map(([n, w]) => [n, [...w]]));
  const m: Params = new Map([...start].map(([n, w]) => [n, w.map(() => 0)]));
  const v: Params = new Map([...start].map(([n, w]) => [n, w.map(() => 0)]));
  let baseline: number | null = null;
  const each = samples.map(({ arch, reward }, i) => {
    const { logProb, entropy } = byHand(params, arch);
    const r = reward + cfg.entropyCoeff * entropy;
    baseline = baseline === null ? r : cfg.baselineDecay * baseline + (1 - cfg.baselineDecay) * r;
    const advantage = r - baseline;
    const grads = new Map([...params].map(([n, w]) => [n, w.map((wj, j) => {
      const at = (d: number) => {
        w[j] = wj + d;
        const l = byHand(params, arch).logProb;
        w[j] = wj;
        return l;
      };
      return (-advantage * (at(1e-6) - at(-1e-6))) / 2e-6;
    })]));
    const t = i + 1;
    for (const [n, w] of params) {
      const [g, mn, vn] = [grads.get(n)!, m.get(n)!, v.get(n)!];
      w.forEach((_, j) => {
        mn[j] = cfg.beta1 * mn[j]! + (1 - cfg.beta1) * g[j]!;
        vn[j] = cfg.beta2 * vn[j]! + (1 - cfg.beta2) * g[j]! ** 2;
        w[j]! -= ((cfg.lr / (1 - cfg.beta1 ** t)) * mn[j]!) / (Math.sqrt(vn[j]! / (1 - cfg.beta2 ** t)) + 1e-8);
      });
    }
    return { loss: -advantage * logProb, reward, entropy, advantage };
  });
  const mean = (k: 'loss' | 'reward' | 'entropy' | 'advantage') => each.reduce((s, e) => s + e[k], 0) / each.length;
  return { params, stats: { loss: mean('loss'), baseline: baseline!, meanReward: mean('reward'), meanEntropy: mean('entropy'), meanAdvantage: mean('advantage') } };
}

test('log-probabilities and entropies match a hand computation on a tiny policy', async () => {
  const c = new PolicyController(CFG, 3);
  await c.beginStage({ stage: 0, prefixes: [] });
  for (const s of await c.sample({ count: 5 })) {
    const hand = byHand(paramsOf(c), s.arch);
    assert.ok(Math.abs(hand.logProb - s.logProb) < 1e-4, `log-prob ${s.logProb} vs ${hand.logProb}`);
    assert.ok(Math.abs(hand.entropy - s.entropy) < 1e-4, `entropy ${s.entropy} vs ${hand.entropy}`);
  }
  c.dispose();
});

test('an update\'s baseline, advantages, entropy bonus, loss and parameter change match a hand computation', async () => {
  // β₁ > 0 and an entropy bonus, so that both bias corrections and the bonus count; three samples, so that the
  // second and third Adam steps weigh gradients of different advantages against each other.
  const cfg: ControllerConfig = { ...CFG, beta1: 0.5, entropyCoeff: 0.3 };
  const c = new PolicyController(cfg, 3);
  await c.beginStage({ stage: 0, prefixes: [] });
  const samples = [{ arch: [1, 2, 0, 1], reward: 1.5 }, { arch: [0, 1, 2, 0], reward: 0.25 }, { arch: [1, 0, 1, 1], reward: 2 }];
  const start = paramsOf(c);
  const hand = updateByHand(start, cfg, samples);
  const stats = await c.update({ samples });
  for (const [k, expected] of Object.entries(hand.stats)) {
    const got = stats[k as keyof typeof stats];
    assert.ok(Math.abs(got - expected) < 1e-5 * Math.max(1, Math.abs(expected)), `${k}: ${got}, by hand ${expected}`);
  }
  const after = paramsOf(c);
  let worst = 0;
  let moved = 0;
  for (const [n, w] of hand.params) {
    w.forEach((wj, j) => {
      worst = Math.max(worst, Math.abs(after.get(n)![j]! - wj));
      moved = Math.max(moved, Math.abs(wj - start.get(n)![j]!));
    });
  }
  // Adam moves each parameter by about lr per step whatever its gradient's size: the parameters' change is
  // checked against lr, of which the float32 rounding of the controller's gradients leaves 3e-6.
  assert.ok(moved > cfg.lr, `the hand computation moved the parameters by ${moved}`);
  assert.ok(worst < 1e-4 * cfg.lr, `parameters after the update differ from the hand computation's by ${worst}`);
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
