import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResetDetector } from '../src/search/reset-detector.js';

test('no verdict before the G window is full', () => {
  const r = new ResetDetector({ window: 4, threshold: 1e-3 });
  for (let i = 0; i < 3; i++) assert.is(r.observe({ step: i, dLoss: 1, gLoss: 1 }), false);
  assert.is(r.observe({ step: 3, dLoss: 1, gLoss: 1 }), true, 'four equal G losses: variance 0');
});

test('triggers exactly when the variance of the G window falls under the threshold', () => {
  const r = new ResetDetector({ window: 4, threshold: 0.01 });
  // Population variance of [0, 0.2, 0, 0.2] is 0.01: not under the threshold.
  const g = [0, 0.2, 0, 0.2, 0.1, 0.1, 0.1];
  const d = [5, -5, 5, -5, 5, -5, 5];
  const verdicts = g.map((v, i) => r.observe({ step: i, dLoss: d[i]!, gLoss: v }));
  // Windows: [0,.2,0,.2] var .01 → no; [.2,0,.2,.1] var .006875 → yes.
  assert.equal(verdicts, [false, false, false, false, true, true, true]);
});

test('the D window alone can trigger, once the G window is full', () => {
  const r = new ResetDetector({ window: 3, threshold: 1e-3 });
  const out = [0, 1, 2, 3, 4].map((i) => r.observe({ step: i, dLoss: 2, gLoss: i % 2 === 0 ? i : null }));
  assert.equal(out, [false, false, false, false, true]);
});

test('a non-finite loss counts as a collapse at once', () => {
  const r = new ResetDetector({ window: 100, threshold: 1e-3 });
  assert.is(r.observe({ step: 0, dLoss: 1, gLoss: 2 }), false);
  assert.is(r.observe({ step: 1, dLoss: Number.NaN, gLoss: null }), true);
  assert.is(r.observe({ step: 2, dLoss: 1, gLoss: Number.POSITIVE_INFINITY }), true);
});

test('clear empties both windows; state round-trips', async () => {
  const r = new ResetDetector({ window: 2, threshold: 1e-3 });
  r.observe({ step: 0, dLoss: 1, gLoss: 1 });
  const saved = await r.state();
  const s = new ResetDetector({ window: 2, threshold: 1e-3 });
  await s.restore({ state: saved });
  assert.is(s.observe({ step: 1, dLoss: 1, gLoss: 1 }), true);
  await r.clear();
  assert.is(r.observe({ step: 1, dLoss: 1, gLoss: 1 }), false);
});

test.run();
