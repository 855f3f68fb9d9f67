import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadStudy } from '../src/study/study-config.js';
import { compare, type StudyRun } from '../src/study/claims.js';
import { EQUIVALENCE_LEVEL, LEVEL, MIN_SEEDS, marginValue, seedsToDecide, verdictOf, withinMargin } from '../src/study/decision.js';
import type { RunOutcome } from '../src/study/run-outcome.js';
import { studyMarkdown } from '../src/study/study-markdown.js';
import { studyResult, type StudyRunState } from '../src/study/study-result.js';
import { TINY_STUDY } from './support/study.js';

const close = (a: number | null, b: number, tol = 1e-12) => assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} != ${b}`);
const BOOT = { resamples: 10000, seed: 0 };

test('levels: 95 % for better or worse, 90 % (1 − 2α) for the two one-sided tests; decided from 6 seeds on', () => {
  assert.is(LEVEL, 0.95);
  assert.is(EQUIVALENCE_LEVEL, 0.9);
  assert.is(MIN_SEEDS, 6, '2/2^6 < 5 % <= 2/2^5');
});

test('verdicts: the 95 % interval off zero decides better or worse, else the 90 % one inside the margin decides equivalent', () => {
  const below = { estimate: -2, low: -3, high: -1 };
  const across = { estimate: -0.2, low: -1, high: 0.6 };
  assert.is(verdictOf(below, false, 6, true), 'better', 'lower is better, all below zero');
  assert.is(verdictOf(below, false, 6, false), 'worse');
  assert.is(verdictOf({ estimate: 2, low: 1, high: 3 }, false, 6, false), 'better');
  assert.is(verdictOf(below, true, 6, true), 'better', 'shown and smaller than the margin: better (the comparison says within too)');
  assert.is(verdictOf(across, true, 6, true), 'equivalent');
  assert.is(verdictOf(across, false, 6, true), 'undecided', 'across zero and not inside the margin');
  assert.is(verdictOf(across, false, 40, true), 'undecided');
  assert.is(verdictOf(across, false, 3, true), 'undecided', 'undecided at any count');
  assert.is(verdictOf(below, false, 5, true), 'too few seeds', 'an interval off zero from 5 seeds is what chance gives 1 time in 16');
  assert.is(verdictOf(across, true, 5, true), 'too few seeds', 'nor does equivalence decide under MIN_SEEDS');
  assert.is(verdictOf(null, false, 1, true), 'too few seeds');
});

test('the margin: absolute, or a fraction of the named arm\'s mean (its size); the interval must lie strictly inside', () => {
  const means: Record<string, number | null> = { full: 522.4, 'random-shared': -4, 'single-level': null };
  const meanOf = (arm: string) => means[arm] ?? null;
  assert.is(marginValue({ absolute: 0.3 }, meanOf), 0.3);
  close(marginValue({ relative: 0.1, of: 'full' }, meanOf), 52.24);
  close(marginValue({ relative: 0.1, of: 'random-shared' }, meanOf), 0.4);
  assert.is(marginValue({ relative: 0.1, of: 'single-level' }, meanOf), null, 'an arm with no value yet');
  assert.ok(withinMargin({ estimate: 0, low: -0.9, high: 0.99 }, 1));
  assert.not.ok(withinMargin({ estimate: 0, low: -1, high: 0.5 }, 1), 'on the margin is not inside it');
  assert.not.ok(withinMargin({ estimate: 0.5, low: -0.5, high: 1.2 }, 1));
});

test('seeds to decide, by hand: min((1.96 + 0.84)² σ²/δ², (1.64 + 0.84)² σ²/(margin − |δ|)²), at least 6', () => {
  // [0, 2]: δ = 1, σ² = 2. Telling δ from zero: 7.8489 · 2 = 15.70 → 16.
  assert.is(seedsToDecide([0, 2], null), 16);
  // Margin 3: TOST needs 6.1826 · 2 / 2² = 3.09, under MIN_SEEDS.
  assert.is(seedsToDecide([0, 2], 3), MIN_SEEDS);
  // Margin 2: 6.1826 · 2 / 1² = 12.37 → 13, fewer than 16.
  assert.is(seedsToDecide([0, 2], 2), 13);
  // Margin 1.5: 6.1826 · 2 / 0.5² = 49.5: telling the difference from zero (16) decides first.
  assert.is(seedsToDecide([0, 2], 1.5), 16);
  assert.is(seedsToDecide([0, 2], 1), 16, 'a difference as large as the margin cannot be shown within it');
  // ±1 alternating: δ = 0, σ² = 6/5. Only TOST can decide: 6.1826 · 1.2 / 0.5² = 29.68 → 30.
  assert.is(seedsToDecide([1, -1, 1, -1, 1, -1], 0.5), 30);
  assert.is(seedsToDecide([1, -1, 1, -1, 1, -1], null), null, 'no difference and no margin: nothing to decide');
  assert.is(seedsToDecide([1, 1, 1], null), MIN_SEEDS, 'no spread');
  assert.is(seedsToDecide([1], 1), null, 'one difference has no spread to size by');
});

/** A finished run whose best derived architecture scored `fid` and `is`. */
function outcome(fid: number, is = 4): RunOutcome {
  const d = { rank: 1, arch: '0 0 0 0  0 0 0 0 0  0 0 0 0 0', proxyReward: fid / 10, is, fid };
  return {
    derived: [d], best: d, resets: 0, collapses: null, budget: { iterations: 3, minibatches: 45, cutByReset: 0, childEvaluations: 15, derived: 1, deriveSteps: 2 },
    timings: { searchSeconds: 1, derivationSeconds: 1, deviceSeconds: 2 },
  };
}

const SEEDS = [1, 2, 3, 4, 5, 6];
/** FID per arm and seed, chosen so that every interval can be worked out by hand (below). */
const FIDS = {
  full: [11, 9, 11, 9, 11, 9],
  // full − random-shared: ±1 alternating.
  'random-shared': [10, 10, 10, 10, 10, 10],
  // full − random-independent: +0.5, −1.5 alternating.
  'random-independent': [10.5, 10.5, 10.5, 10.5, 10.5, 10.5],
  // full − single-level: −1, −3 alternating.
  'single-level': [12, 12, 12, 12, 12, 12],
} as const;
const IS = { full: 4.1, 'random-shared': 4, 'random-independent': 4.1, 'single-level': 4 } as const;
const RUNS: StudyRun[] = SEEDS.flatMap((seed, i) => (Object.keys(FIDS) as (keyof typeof FIDS)[]).map((arm) => ({ arm, seed, outcome: outcome(FIDS[arm][i]!, IS[arm]) })));

/*
 * A mean of six ±1 differences resamples to (2k − 6)/6 with k ~ Binomial(6, ½): k = 0 has chance 1/64 = 1.6 %,
 * k ≤ 1 has 7/64 = 10.9 %. So the 2.5 % and 5 % quantiles both fall on k = 1 (−2/3), and by symmetry both intervals are
 * [−2/3, +2/3]. For +0.5/−1.5 the resampled mean is (2k − 9)/6: both intervals are [−7/6, +1/6].
 */
test('TOST on a comparison: ±1 differences have the 90 % interval [−2/3, +2/3], equivalent within ±0.7, undecided within ±0.5', () => {
  const pair = ['full', 'random-shared'] as const;
  const within = compare(RUNS, pair, 'fid', { relative: 0.07, of: 'full' }, BOOT);
  assert.equal(within.difference, { estimate: 0, low: -2 / 3, high: 2 / 3 });
  close(within.equivalence!.margin, 0.7, 1e-12);
  assert.equal(within.equivalence!.interval, { estimate: 0, low: -2 / 3, high: 2 / 3 });
  assert.equal([within.equivalence!.within, within.verdict], [true, 'equivalent']);
  const outside = compare(RUNS, pair, 'fid', { absolute: 0.5 }, BOOT);
  assert.equal([outside.equivalence!.within, outside.verdict, outside.seedsToDecide], [false, 'undecided', 30]);
  const none = compare(RUNS, pair, 'fid', null, BOOT);
  assert.equal([none.equivalence, none.verdict, none.seedsToDecide], [null, 'undecided', null]);
  // IS +0.1 on every seed: better (higher is better), and by less than a margin of 0.3.
  const is = compare(RUNS, pair, 'is', { absolute: 0.3 }, BOOT);
  assert.equal([is.verdict, is.equivalence!.within], ['better', true]);
  const skewed = compare(RUNS, ['full', 'random-independent'], 'fid', { relative: 0.07, of: 'full' }, BOOT);
  assert.equal(skewed.equivalence!.interval, { estimate: -0.5, low: -7 / 6, high: 1 / 6 });
  // δ = −0.5, σ² = 1.2: from zero 7.8489 · 1.2 / 0.25 = 37.7 → 38; within 0.7, 6.1826 · 1.2 / 0.2² = 185.5.
  assert.equal([skewed.verdict, skewed.seedsToDecide], ['undecided', 38]);
});

test('study.md states the margins, and each comparison its margin, its 90 % interval and its verdict', () => {
  const { study, base } = loadStudy(TINY_STUDY);
  const margins = { fid: { relative: 0.07, of: 'full' }, is: { absolute: 0.3 }, minibatches: null, searchSeconds: null } as const;
  const arms = Object.keys(FIDS) as (keyof typeof FIDS)[];
  const states: StudyRunState[] = RUNS.map((r) => ({ ...r, dir: `runs/${r.arm}-seed${r.seed}` }));
  const md = studyMarkdown(studyResult({ ...study, arms, seeds: SEEDS, margins }, base, states));
  assert.match(md, 'Margins, stated in the study config before the runs: FID of the derived architecture ±7 % of `full`\'s mean; IS of the derived architecture ±0.30.');
  assert.match(md, 'equivalent within the margin** when the 90 % interval of the same resamples lies inside ±margin');
  const line = (id: string) => md.split('\n').find((l) => l.includes(`\`full\` vs \`${id}\``))!;
  assert.ok(line('random-shared').startsWith('- **equivalent within the margin**: the RL controller'), line('random-shared'));
  assert.match(line('random-shared'), 'FID of the derived architecture 0.0 [-0.7, 0.7] (10.0 ± 1.1 vs 10.0 ± 0.0; lower is better; margin ±0.7 (±7 % of `full`\'s mean), 90 % interval [-0.7, 0.7]): **equivalent within the margin**');
  assert.match(line('random-shared'), 'IS of the derived architecture +0.10 [0.10, 0.10] (4.10 ± 0.00 vs 4.00 ± 0.00; higher is better; margin ±0.30, 90 % interval [0.10, 0.10]): **better**, by less than the margin');
  assert.ok(line('random-independent').startsWith('- **undecided**: '), line('random-independent'));
  assert.match(line('random-independent'), '90 % interval [-1.2, 0.2]): **undecided: 32 more seeds would decide** (38 in all, at 80 % power)');
  assert.ok(line('single-level').startsWith('- **better**: '), line('single-level'));
  const noMargins = studyMarkdown(studyResult({ ...study, arms, seeds: SEEDS }, base, states));
  assert.match(noMargins, 'No margin is set, so nothing can be shown equivalent.');
  assert.match(noMargins, '**undecided** (no margin set, and no difference measured to size more seeds by)');
});

test.run();
