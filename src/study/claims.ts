/**
 * The paper's claims (§4.3) as comparisons a study's runs can decide. An arm pair is compared seed by seed (each
 * seed ran in both arms): the statistic is the mean difference A − B, with its 95 % and 90 % bootstrap intervals
 * over seeds, and the verdict (decision.ts) says better, worse, equivalent within the metric's margin from the
 * study config, or undecided with the seeds that would decide it.
 */
import { ARMS, type ArmName } from './arms.js';
import { EQUIVALENCE_LEVEL, LEVEL, marginValue, seedsToDecide, verdictOf, withinMargin, type Margin, type Verdict } from './decision.js';
import type { RunOutcome } from './run-outcome.js';
import { bootstrapInterval, meanStd, spearman, type BootstrapSettings, type Interval, type MeanStd } from './statistics.js';

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
/** The margin of each metric that has one. */
export type Margins = { readonly [M in MetricName]: Margin | null };

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
  /** Mean of A − B over those seeds, with its 95 % bootstrap interval; null under two pairs. */
  readonly difference: Interval | null;
  /** The equivalence test against the metric's margin; null when the study sets none for the metric. */
  readonly equivalence: Equivalence | null;
  readonly verdict: Verdict;
  /** Seeds in all that would decide at the measured difference and spread (decision.ts); null when nothing can. */
  readonly seedsToDecide: number | null;
}

export interface Equivalence {
  readonly rule: Margin;
  /** ± this much of the metric counts as no difference: the rule's value, null while its arm has no value. */
  readonly margin: number | null;
  /** The 90 % bootstrap interval of the mean difference (the same resamples as the 95 % one); null under two pairs. */
  readonly interval: Interval | null;
  /** The interval lies inside ±margin: both one-sided tests reject a difference of the margin or more. */
  readonly within: boolean;
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

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;

/**
 * Arm A against arm B on one metric, paired by seed; `margin` is the metric's from the study config. A relative
 * margin is a fraction of its arm's mean over that arm's finished runs.
 */
export function compare(runs: readonly StudyRun[], arms: readonly [ArmName, ArmName], metric: MetricName, margin: Margin | null, bootstrap: BootstrapSettings): Comparison {
  const m: Metric = METRICS[metric];
  const valueOf = (arm: ArmName) => new Map(runs.filter((r) => r.arm === arm).flatMap((r) => {
    const v = m.of(r.outcome);
    return v === null ? [] : [[r.seed, v] as const];
  }));
  const a = valueOf(arms[0]);
  const b = valueOf(arms[1]);
  const diffs = [...a].flatMap(([seed, v]) => (b.has(seed) ? [v - b.get(seed)!] : []));
  const difference = bootstrapInterval(diffs, mean, bootstrap, LEVEL);
  const equivalence = margin === null ? null : (() => {
    const value = marginValue(margin, (arm) => meanStd([...valueOf(arm).values()]).mean);
    const interval = bootstrapInterval(diffs, mean, bootstrap, EQUIVALENCE_LEVEL);
    return { rule: margin, margin: value, interval, within: value !== null && interval !== null && withinMargin(interval, value) };
  })();
  return {
    metric, lowerIsBetter: m.lowerIsBetter, a: meanStd([...a.values()]), b: meanStd([...b.values()]), pairs: diffs.length, difference, equivalence,
    verdict: verdictOf(difference, equivalence?.within ?? false, diffs.length, m.lowerIsBetter), seedsToDecide: seedsToDecide(diffs, equivalence?.margin ?? null),
  };
}

/** The claims whose two arms the study ran. */
export function comparisonClaims(runs: readonly StudyRun[], arms: readonly ArmName[], margins: Margins, bootstrap: BootstrapSettings): ComparisonClaim[] {
  return CLAIMS.filter((c) => c.arms.every((a) => arms.includes(a))).map((c) => {
    const comparisons = c.metrics.map((m) => compare(runs, c.arms, m, margins[m], bootstrap));
    return {
      id: c.id, claim: c.claim, paper: c.paper, arms: c.arms, verdict: comparisons[0]!.verdict, comparisons,
      timings: { comparisons: c.timed.map((m) => compare(runs, c.arms, m, margins[m], bootstrap)) },
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

/** ρ's interval read as a difference's (decision.ts), with no margin: positive when it lies above zero. */
function correlationVerdict(rho: Interval | null, seeds: number): CorrelationVerdict {
  const v = verdictOf(rho, false, seeds, false);
  return v === 'better' ? 'positive' : v === 'worse' ? 'negative' : v === 'too few seeds' ? v : 'no correlation shown';
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
  const verdict = correlationVerdict(interval, units.length);
  return {
    id: 'proxy-ranks-like-scratch', claim: 'the proxy reward on shared weights ranks architectures as their training from scratch does',
    paper: "Spearman's ρ 0.779 between proxy and from-scratch IS (Figure 7, §4.3.2)", score: reward === 'is' ? 'is' : '1/fid', arms: shared,
    points: units.flat().length, spearman: interval, verdict,
  };
}
