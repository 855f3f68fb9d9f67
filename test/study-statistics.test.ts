import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compare, proxyCorrelation, type StudyRun } from '../src/study/claims.js';
import type { RunOutcome } from '../src/study/run-outcome.js';
import { averageRanks, bootstrapInterval, meanStd, quantile, spearman } from '../src/study/statistics.js';

const close = (a: number | null, b: number, tol = 1e-12) => assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} != ${b}`);
const mean = (v: readonly number[]) => v.reduce((x, y) => x + y, 0) / v.length;
const BOOT = { resamples: 10000, seed: 0 };

test('mean ± sample standard deviation (n − 1), as numpy.std(ddof=1)', () => {
  const m = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.is(m.n, 8);
  close(m.mean, 5);
  close(m.std, 2.138089935299395);
  assert.equal(meanStd([3]), { n: 1, mean: 3, std: null });
  assert.equal(meanStd([]), { n: 0, mean: null, std: null });
});

test('Spearman with ties: average ranks, as scipy.stats.spearmanr', () => {
  assert.equal(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
  assert.equal(averageRanks([5, 5, 5]), [2, 2, 2]);
  // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]).correlation and the same for the pairs below.
  close(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
  close(spearman([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]), 0.19885368120992467);
  close(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  close(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.is(spearman([1, 2, 3], [7, 7, 7]), null, 'a constant side has no rank correlation');
  assert.is(spearman([1, 2], [1, 2]), null, 'under three pairs');
});

test('quantiles as numpy.quantile (linear); the bootstrap interval is exact on a case that can be enumerated', () => {
  assert.is(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.is(quantile([1, 2, 3, 4], 1), 4);
  // Two units 0 and 1: the resampled mean is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4; the 95 % interval is [0, 1].
  const i = bootstrapInterval([0, 1], mean, BOOT, 0.95)!;
  assert.equal(i, { estimate: 0.5, low: 0, high: 1 });
  // A 40 % interval of the same: between the 30th and 70th percentiles, all 0.5.
  assert.equal(bootstrapInterval([0, 1], mean, BOOT, 0.4), { estimate: 0.5, low: 0.5, high: 0.5 });
  assert.equal(bootstrapInterval([2, 2, 2], mean, BOOT, 0.95), { estimate: 2, low: 2, high: 2 });
  assert.is(bootstrapInterval([1], mean, BOOT, 0.95), null, 'one unit says nothing of the spread');
});

test('the bootstrap is reproducible from its seed and changes with it', () => {
  const units = [0.3, -1.2, 2.5, 0.7, 1.1, -0.4];
  const a = bootstrapInterval(units, mean, BOOT, 0.95)!;
  assert.equal(bootstrapInterval(units, mean, BOOT, 0.95), a);
  // With few resamples the percentiles move with the draws: another seed draws others.
  const few = (seed: number) => bootstrapInterval(units, mean, { resamples: 200, seed }, 0.95);
  assert.equal(few(1), few(1));
  assert.not.equal(few(1), few(2));
  close(a.estimate, mean(units));
  assert.ok(a.low < a.estimate && a.estimate < a.high && a.low >= -1.2 && a.high <= 2.5, JSON.stringify(a));
});

/** A finished run with the given derived result, minibatches and proxy reward. */
function outcome(is: number, fid: number, minibatches = 100, proxyReward = 1): RunOutcome {
  const d = { rank: 1, arch: '0 0 0 0  0 0 0 0 0  0 0 0 0 0', proxyReward, is, fid };
  return {
    derived: [d], best: d, resets: 0, collapses: null, budget: { iterations: 3, minibatches, cutByReset: 0, childEvaluations: 15, derived: 1, deriveSteps: 2 },
    timings: { searchSeconds: 1, derivationSeconds: 1, deviceSeconds: 2 },
  };
}

test('an arm comparison pairs seeds, takes the mean of A − B, and counts only seeds run in both arms', () => {
  const fids = { full: [10, 12, 11, 9, 10, 13, 20], base: [15, 14, 16, 15, 17, 15] };
  const runs: StudyRun[] = [
    ...fids.full.map((f, seed) => ({ arm: 'full' as const, seed, outcome: outcome(5, f) })),
    ...fids.base.map((f, seed) => ({ arm: 'random-shared' as const, seed, outcome: outcome(4, f) })),
  ];
  const c = compare(runs, ['full', 'random-shared'], 'fid', null, BOOT);
  assert.is(c.pairs, 6, 'seed 6 ran in one arm only');
  close(c.difference!.estimate, mean([-5, -2, -5, -6, -7, -2]));
  assert.ok(c.difference!.high < 0);
  assert.is(c.verdict, 'better', 'lower FID in all six');
  close(c.a.mean, mean(fids.full));
  assert.is(c.a.n, 7);
  const is = compare(runs, ['full', 'random-shared'], 'is', null, BOOT);
  assert.equal([is.difference!.estimate, is.difference!.low, is.difference!.high, is.verdict], [1, 1, 1, 'better']);
});

test('the proxy correlation pools the derived architectures of the shared-weight arms only', () => {
  const runs: StudyRun[] = [];
  for (let seed = 0; seed < 6; seed++) {
    runs.push({ arm: 'full', seed, outcome: outcome(2 + seed, 100, 100, 1 + seed) });
    runs.push({ arm: 'single-level', seed, outcome: outcome(2.5 + seed, 100, 100, 1.5 + seed) });
    // Anti-correlated, and left out: its proxy reward is not a score on shared weights.
    runs.push({ arm: 'random-independent', seed, outcome: outcome(10 - seed, 100, 100, seed) });
  }
  const p = proxyCorrelation(runs, ['full', 'single-level', 'random-independent'], 'is', BOOT);
  assert.equal(p.arms, ['full', 'single-level']);
  assert.is(p.points, 12);
  assert.equal([p.spearman!.estimate, p.spearman!.low, p.spearman!.high, p.verdict], [1, 1, 1, 'positive']);
  const byFid = proxyCorrelation(runs.map((r) => ({ ...r, outcome: outcome(1, 50 - r.seed, 100, r.seed) })), ['full', 'single-level'], 'fid', BOOT);
  assert.is(byFid.score, '1/fid');
  close(byFid.spearman!.estimate, 1, 1e-12);
});

test.run();
