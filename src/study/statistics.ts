/**
 * The statistics of a study's table: mean ± standard deviation over seeds, Spearman's rank correlation (ties
 * take their average rank), and percentile bootstrap intervals that resample seeds with a seeded generator, so
 * the same runs always give the same intervals.
 */
import { Rng } from '../util/rng.js';

export interface MeanStd {
  readonly n: number;
  readonly mean: number | null;
  /** The sample standard deviation (n − 1 in the denominator); null under two values. */
  readonly std: number | null;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, std: null };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { n, mean, std: Math.sqrt(ss / (n - 1)) };
}

/** 1-based ranks in ascending order; tied values share the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]![1]] = rank;
    start = end + 1;
  }
  return ranks;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation: Pearson's correlation of the average ranks, which is exact with ties (the
 * 1 − 6Σd²/(n(n²−1)) shortcut is not). Null under three pairs or when either side is constant.
 */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} values against ${y.length}`);
  if (x.length < 3) return null;
  return pearson(averageRanks(x), averageRanks(y));
}

/** The q-quantile of sorted values, linear between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface BootstrapSettings {
  /** Resamples drawn. */
  readonly resamples: number;
  /** Seeds the resampling, so an interval is reproducible. */
  readonly seed: number;
}

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * A percentile bootstrap interval of `statistic` over `units` (a study's seeds), covering `level` (e.g. 0.95):
 * each resample draws as many units as there are, with replacement. Resamples whose statistic is undefined (null: a constant sample of a
 * correlation) are dropped. Null when the statistic of the units themselves is undefined, under two units (one
 * unit resamples to itself and says nothing of the spread), or when no resample gave a value.
 */
export function bootstrapInterval<U>(units: readonly U[], statistic: (sample: readonly U[]) => number | null, s: BootstrapSettings, level: number): Interval | null {
  const estimate = units.length < 2 ? null : statistic(units);
  if (estimate === null) return null;
  const rng = new Rng(s.seed);
  const values: number[] = [];
  for (let r = 0; r < s.resamples; r++) {
    const v = statistic(units.map(() => units[rng.int(units.length)]!));
    if (v !== null) values.push(v);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { estimate, low: quantile(values, tail), high: quantile(values, 1 - tail) };
}
