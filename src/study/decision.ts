/**
 * How a paired comparison of two arms is decided, from the mean difference A − B over seeds:
 * - **better** or **worse**: its 95 % interval lies on one side of zero (a two-sided test at 5 %);
 * - **equivalent** (within the margin): its 90 % interval lies inside ±margin, the practical margin the study config
 *   states in advance. That is the two one-sided tests (TOST) at 5 % each: "A − B ≤ −margin" and "A − B ≥ +margin"
 *   are both rejected. A difference can be both shown and smaller than the margin; then it is better (or worse),
 *   and the comparison says it is within the margin too;
 * - **undecided**: neither, with the seeds that would decide it, from the measured difference and its spread.
 *
 * A percentile bootstrap over n seeds cannot reach beyond the seeds' own range: whenever all n differences share
 * a sign its interval excludes zero, which chance alone does with probability 2/2ⁿ (25 % for 3 seeds). So an
 * interval decides only from MIN_SEEDS seeds on, where that chance falls under 5 %; below, a verdict it would give
 * is "too few seeds". The equivalence verdict waits for as many: under six seeds the percentile interval is too
 * narrow to hold its level (see EQUIVALENCE_LEVEL).
 *
 * Pure arithmetic on intervals and differences: the intervals themselves come from statistics.ts.
 */
import type { ArmName } from './arms.js';
import { meanStd, type Interval } from './statistics.js';

/** Each test's level: the two-sided test's in all, each one-sided test's of TOST. */
const ALPHA = 0.05;
/** Coverage of the interval that decides better or worse (and of every other interval a study shows). */
export const LEVEL = 1 - ALPHA;
/**
 * Coverage of the interval that decides equivalence: 1 − 2α, so that lying inside ±margin is both one-sided tests
 * rejecting at α.
 *
 * It is the bootstrap's 90 % percentile interval, not a t-interval, for three reasons. It comes from the same
 * resamples as the 95 % interval that decides better or worse (same seed, same draws), so both verdicts read one
 * picture of the spread and the 90 % interval always lies inside the 95 % one. It assumes no normal shape, and FID
 * differences are skewed (in the first MNIST study one random-independent seed scored FID 3,045 against that arm's
 * mean of 969). And its known cost is the one the 95 % interval already bears: at few seeds a percentile interval is
 * narrower than the t-interval (by z·√((n−1)/n)/t: 25 % at 6 seeds, 7 % at 20, 4 % at 40), so with normal
 * differences each one-sided test rejects 9.7 % of the time at 6 seeds, 6.3 % at 20 and 5.6 % at 40 where it should
 * 5 % (the 95 % interval: 13 %, 7.1 %, 6.0 %). That shrinks with the seed counts a deciding study runs (20 and more)
 * and is why nothing is decided under MIN_SEEDS.
 */
export const EQUIVALENCE_LEVEL = 1 - 2 * ALPHA;
/** The fewest seeds whose all-same-sign chance, 2/2ⁿ, is under α: 6. */
export const MIN_SEEDS = Math.ceil(Math.log2(2 / ALPHA));

/** Power the seed counts are sized for. */
export const POWER = 0.8;
/** Standard normal quantiles at 1 − α/2, 1 − α and POWER: z₀.₉₇₅, z₀.₉₅ and z₀.₈ (scipy.stats.norm.ppf). */
const Z_TWO_SIDED = 1.959963984540054;
const Z_ONE_SIDED = 1.6448536269514722;
const Z_POWER = 0.8416212335729143;
/** A paired two-sided z-test at α with POWER needs this many times (sd / difference)² pairs: 7.85. */
const SUPERIORITY_FACTOR = (Z_TWO_SIDED + Z_POWER) ** 2;
/** TOST at α with POWER, at a true difference δ inside the margin, needs this many times (sd / (margin − |δ|))²: 6.18. */
const EQUIVALENCE_FACTOR = (Z_ONE_SIDED + Z_POWER) ** 2;

export type Verdict = 'better' | 'worse' | 'equivalent' | 'undecided' | 'too few seeds';

/**
 * A practical margin, stated in the study config before any run: a difference of less than it counts as none.
 * Absolute, in the metric's units, or a fraction of the mean of a named arm (e.g. 10 % of `full`'s mean FID).
 */
export type Margin = { readonly absolute: number } | { readonly relative: number; readonly of: ArmName };

/** The margin in the metric's units: null when it is relative to an arm with no value yet. */
export function marginValue(m: Margin, meanOf: (arm: ArmName) => number | null): number | null {
  if ('absolute' in m) return m.absolute;
  const mean = meanOf(m.of);
  return mean === null ? null : m.relative * Math.abs(mean);
}

/** The interval lies strictly inside (−margin, +margin): both one-sided tests reject a difference of the margin. */
export function withinMargin(i: Interval, margin: number): boolean {
  return -margin < i.low && i.high < margin;
}

/**
 * The verdict of a comparison from `pairs` seeds: `difference` is the 95 % interval of the mean difference (null
 * under two pairs), `within` whether its 90 % interval lies inside the margin (false when no margin is set).
 */
export function verdictOf(difference: Interval | null, within: boolean, pairs: number, lowerIsBetter: boolean): Verdict {
  if (difference === null) return 'too few seeds';
  const side = difference.low > 0 ? 'above' : difference.high < 0 ? 'below' : null;
  if ((side !== null || within) && pairs < MIN_SEEDS) return 'too few seeds';
  if (side !== null) return (side === 'below') === lowerIsBetter ? 'better' : 'worse';
  return within ? 'equivalent' : 'undecided';
}

/**
 * Seeds in all that would decide a comparison whose differences are `diffs`, were the true difference and spread
 * what they measure: the fewer of those a paired z-test needs to tell the difference from zero and those TOST needs to
 * show it within `margin` (possible only where the measured difference is smaller than the margin), at 5 % with 80 %
 * power, and at least MIN_SEEDS. Normal approximations (Chow, Shao & Wang, Sample Size Calculations in Clinical
 * Research, §3.2): n = (z₁₋α/₂ + z₁₋β)² σ²/δ² and n = (z₁₋α + z₁₋β)² σ²/(margin − |δ|)². Null when neither can
 * decide: under two differences, or a difference of zero without a margin.
 */
export function seedsToDecide(diffs: readonly number[], margin: number | null): number | null {
  const { mean: d, std } = meanStd(diffs);
  if (d === null || std === null) return null;
  const needed: number[] = [];
  if (d !== 0) needed.push(SUPERIORITY_FACTOR * (std / d) ** 2);
  if (margin !== null && Math.abs(d) < margin) needed.push(EQUIVALENCE_FACTOR * (std / (margin - Math.abs(d))) ** 2);
  return needed.length === 0 ? null : Math.max(MIN_SEEDS, Math.ceil(Math.min(...needed)));
}
