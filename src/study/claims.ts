/**
 * The paper's claims (§4.3) as comparisons a study's runs can decide, each with a 95 % bootstrap interval over
 * seeds. An arm pair is compared seed by seed (each seed ran in both arms): the statistic is the mean difference
 * A − B, and the verdict says "better" or "worse" only when the whole interval lies on one side of zero;
 * otherwise "no difference". No claim is called better on an interval that includes no difference.
 *
 * A percentile bootstrap over n seeds cannot reach beyond the seeds' own range: whenever all n differences share
 * a sign its interval excludes zero, which chance alone does with probability 2/2ⁿ (25 % for 3 seeds). So an
 * interval that excludes zero decides only from MIN_SEEDS seeds on, where that chance falls under 5 %; below,
 * the verdict is "too few seeds". Each comparison also says how many seeds would tell its measured difference
 * from none (a paired z-test at 5 %, 80 % power, from the spread of the differences it saw).
 */
import { ARMS, type ArmName } from './arms.js';
import type { RunOutcome } from './run-outcome.js';
import { bootstrapInterval, meanStd, spearman, type BootstrapSettings, type Interval, type MeanStd } from './statistics.js';

export type Verdict = 'better' | 'no difference' | 'worse' | 'too few seeds';

/** Coverage of every interval. */
export const LEVEL = 0.95;
/** The fewest seeds whose all-same-sign chance, 2/2ⁿ, is under 1 − LEVEL: 6. */
export const MIN_SEEDS = Math.ceil(Math.log2(2 / (1 - LEVEL)));
/** (z₀.₉₇₅ + z₀.₈)²: a paired z-test at 5 % with 80 % power needs this many times (sd / mean)² pairs. */
const Z_SQUARED = (1.959964 + 0.841621) ** 2;

/** What a comparison measures of a finished run, and which way is better. */
export interface Metric {
  readonly name: string;
  readonly lowerIsBetter: boolean;
  readonly of: (r: RunOutcome) => number | null;
}

export const METRICS = {
  fid: { name: 'FID of the derived architecture', lowerIsBetter: true, of: (r) => r.best?.fid ?? null },
  is: { name: 'IS of the derived architecture', lowerIsBetter: false, of: (r) => r.best?.is ?? null },
  minibatches: { name: 'shared-GAN minibatches trained', lowerIsBetter: true, of: (r) => r.budget.minibatches },
  searchSeconds: { name: 'search seconds (training, scoring, controller)', lowerIsBetter: true, of: (r) => r.timings.searchSeconds },
} satisfies Record<string, Metric>;
export type MetricName = keyof typeof METRICS;

interface ClaimDefinition {
  readonly id: string;
  readonly claim: string;
  readonly paper: string;
  /** A is the method the claim is about, B what it is compared with. */
  readonly arms: readonly [ArmName, ArmName];
  /** The first decides the claim's verdict. */
  readonly metrics: readonly MetricName[];
  /** Compared too, but depending on the machine's load: kept apart as timings. */
  readonly timed: readonly MetricName[];
}

export const CLAIMS: readonly ClaimDefinition[] = [
  {
    id: 'rl-beats-random-shared', claim: 'the RL controller finds better architectures than random search with weight sharing',
    paper: 'IS 8.55 vs 8.09, FID 12.42 vs 17.34 on CIFAR-10 (§4.3.5)', arms: ['full', 'random-shared'], metrics: ['fid', 'is'], timed: [],
  },
  {
    id: 'rl-beats-random-independent', claim: 'the RL controller finds better architectures than random search without weight sharing',
    paper: 'IS 8.55 vs 7.97, FID 12.42 vs 21.39 on CIFAR-10 (§4.3.5)', arms: ['full', 'random-independent'], metrics: ['fid', 'is'], timed: [],
  },
  {
    id: 'multi-level-beats-single-level', claim: 'multi-level search (MLAS) finds better architectures than single-level search (SLAS)',
    paper: 'MLAS ends above SLAS in IS, and trains faster (Figure 10, §4.3.4)', arms: ['full', 'single-level'], metrics: ['fid', 'is'], timed: ['searchSeconds'],
  },
  {
    id: 'reset-saves-search-time', claim: 'dynamic reset saves search time at equal quality',
    paper: '43 instead of 72 hours (40 % less) at comparable IS (Figure 9, §4.3.3)', arms: ['full', 'no-reset'], metrics: ['minibatches', 'fid', 'is'], timed: ['searchSeconds'],
  },
];

export interface Comparison {
  readonly metric: MetricName;
  readonly lowerIsBetter: boolean;
  readonly a: MeanStd;
  readonly b: MeanStd;
  /** Seeds finished in both arms with a value of the metric. */
  readonly pairs: number;
  /** Mean of A − B over those seeds, with its bootstrap interval; null under two pairs. */
  readonly difference: Interval | null;
  readonly verdict: Verdict;
  /** Seeds that would tell a difference of the size measured from none, at its measured spread; null when none was measured. */
  readonly seedsToTell: number | null;
}

export interface ComparisonClaim {
  readonly id: string;
  readonly claim: string;
  readonly paper: string;
  readonly arms: readonly [ArmName, ArmName];
  readonly verdict: Verdict;
  readonly comparisons: Comparison[];
  readonly timings: { readonly comparisons: Comparison[] };
}

/** A finished run's outcome, by arm and seed. */
export interface StudyRun {
  readonly arm: ArmName;
  readonly seed: number;
  readonly outcome: RunOutcome;
}

/** Which side of zero the interval lies on, if it does, from MIN_SEEDS seeds on. */
function sideOf(d: Interval | null, seeds: number): 'above' | 'below' | 'neither' | 'too few seeds' {
  if (d === null) return 'too few seeds';
  const side = d.low > 0 ? 'above' : d.high < 0 ? 'below' : 'neither';
  return side !== 'neither' && seeds < MIN_SEEDS ? 'too few seeds' : side;
}

export function verdictOf(d: Interval | null, seeds: number, lowerIsBetter: boolean): Verdict {
  const side = sideOf(d, seeds);
  if (side === 'neither') return 'no difference';
  if (side === 'too few seeds') return side;
  return (side === 'below') === lowerIsBetter ? 'better' : 'worse';
}

/** Pairs a paired z-test needs to tell `diffs`' mean from zero at their spread (at least MIN_SEEDS). */
export function seedsToTell(diffs: readonly number[]): number | null {
  const { mean: m, std } = meanStd(diffs);
  if (m === null || std === null || m === 0) return null;
  return Math.max(MIN_SEEDS, Math.ceil(Z_SQUARED * (std / m) ** 2));
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/** Arm A against arm B on one metric, paired by seed. */
export function compare(runs: readonly StudyRun[], arms: readonly [ArmName, ArmName], metric: MetricName, bootstrap: BootstrapSettings): Comparison {
  const m: Metric = METRICS[metric];
  const valueOf = (arm: ArmName) => new Map(runs.filter((r) => r.arm === arm).flatMap((r) => {
    const v = m.of(r.outcome);
    return v === null ? [] : [[r.seed, v] as const];
  }));
  const a = valueOf(arms[0]);
  const b = valueOf(arms[1]);
  const diffs = [...a].flatMap(([seed, v]) => (b.has(seed) ? [v - b.get(seed)!] : []));
  const difference = bootstrapInterval(diffs, mean, bootstrap, LEVEL);
  return {
    metric, lowerIsBetter: m.lowerIsBetter, a: meanStd([...a.values()]), b: meanStd([...b.values()]), pairs: diffs.length, difference,
    verdict: verdictOf(difference, diffs.length, m.lowerIsBetter), seedsToTell: seedsToTell(diffs),
  };
}

/** The claims whose two arms the study ran. */
export function comparisonClaims(runs: readonly StudyRun[], arms: readonly ArmName[], bootstrap: BootstrapSettings): ComparisonClaim[] {
  return CLAIMS.filter((c) => c.arms.every((a) => arms.includes(a))).map((c) => {
    const comparisons = c.metrics.map((m) => compare(runs, c.arms, m, bootstrap));
    return {
      id: c.id, claim: c.claim, paper: c.paper, arms: c.arms, verdict: comparisons[0]!.verdict, comparisons,
      timings: { comparisons: c.timed.map((m) => compare(runs, c.arms, m, bootstrap)) },
    };
  });
}

export type CorrelationVerdict = 'positive' | 'no correlation shown' | 'negative' | 'too few seeds';

export interface CorrelationClaim {
  readonly id: 'proxy-ranks-like-scratch';
  readonly claim: string;
  readonly paper: string;
  /** The from-scratch score the proxy reward is ranked against: IS, or 1/FID when the search's reward was 1/FID. */
  readonly score: 'is' | '1/fid';
  readonly arms: readonly ArmName[];
  /** Derived architectures with both numbers. */
  readonly points: number;
  /** Spearman's ρ over them all, with a bootstrap interval over seeds. */
  readonly spearman: Interval | null;
  readonly verdict: CorrelationVerdict;
}

/**
 * §4.3.2: does the proxy reward (a child's score on the shared weights) rank the derived architectures as their
 * from-scratch scores do? Over every derived architecture of the arms that search on shared weights, pooled
 * over their runs; the bootstrap resamples seeds, each with all of its derived architectures.
 */
export function proxyCorrelation(runs: readonly StudyRun[], arms: readonly ArmName[], reward: 'is' | 'fid', bootstrap: BootstrapSettings): CorrelationClaim {
  const shared = arms.filter((a) => ARMS[a].strategy !== 'random-independent');
  const scratch = (d: RunOutcome['derived'][number]) => (reward === 'is' ? d.is : d.fid === null || d.fid <= 0 ? null : 1 / d.fid);
  const bySeed = new Map<number, [number, number][]>();
  for (const r of runs) {
    if (!shared.includes(r.arm)) continue;
    for (const d of r.outcome.derived) {
      const s = scratch(d);
      if (s === null || !Number.isFinite(d.proxyReward)) continue;
      bySeed.set(r.seed, [...(bySeed.get(r.seed) ?? []), [d.proxyReward, s]]);
    }
  }
  const rho = (seeds: readonly (readonly [number, number][])[]) => {
    const points = seeds.flat();
    return spearman(points.map((p) => p[0]), points.map((p) => p[1]));
  };
  const units = [...bySeed.values()];
  const interval = bootstrapInterval(units, rho, bootstrap, LEVEL);
  const side = sideOf(interval, units.length);
  const verdict: CorrelationVerdict = side === 'above' ? 'positive' : side === 'below' ? 'negative' : side === 'neither' ? 'no correlation shown' : side;
  return {
    id: 'proxy-ranks-like-scratch', claim: 'the proxy reward on shared weights ranks architectures as their training from scratch does',
    paper: "Spearman's ρ 0.779 between proxy and from-scratch IS (Figure 7, §4.3.2)", score: reward === 'is' ? 'is' : '1/fid', arms: shared,
    points: units.flat().length, spearman: interval, verdict,
  };
}
