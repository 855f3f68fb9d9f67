/**
 * study.json: a study's table, from its config and the outcomes of the runs finished so far. Everything in it
 * is determined by the runs' seeds and configs except what sits under a `timings` key (wall time depends on the
 * machine and its load), so a study killed and resumed ends with the same file, timings aside.
 */
import type { RunConfig } from '../config/run-config.js';
import { ARMS, armSearchConfig, type ArmName } from './arms.js';
import { comparisonClaims, proxyCorrelation, type ComparisonClaim, type CorrelationClaim, type StudyRun } from './claims.js';
import type { BudgetCount, DerivedOutcome, SpentBudget } from './run-outcome.js';
import { meanStd, type MeanStd } from './statistics.js';
import type { StudyConfig } from './study-config.js';

export interface RunSummary {
  readonly arm: ArmName;
  readonly seed: number;
  /** The run directory, relative to the study's. */
  readonly dir: string;
  readonly finished: boolean;
  readonly best: DerivedOutcome | null;
  readonly derived: DerivedOutcome[];
  readonly resets: number | null;
  /** With reset off, the collapses the detector saw; null with reset on. */
  readonly collapses: number | null;
  readonly budget: SpentBudget | null;
  readonly timings: { readonly searchSeconds: number; readonly derivationSeconds: number; readonly deviceSeconds: number } | null;
}

export interface ArmSummary {
  readonly arm: ArmName;
  readonly label: string;
  /** How the arm spends the budget: its search settings. */
  readonly search: {
    readonly strategy: string; readonly levels: string; readonly reset: boolean; readonly iterations: number;
    readonly minibatchesPerIteration: number; readonly childrenPerIteration: number;
  };
  readonly runs: number;
  readonly is: MeanStd;
  readonly fid: MeanStd;
  readonly resets: MeanStd;
  /** Over the runs with reset off: the collapses they trained through. */
  readonly collapses: MeanStd;
  readonly minibatches: MeanStd;
  readonly childEvaluations: MeanStd;
  readonly timings: { readonly searchSeconds: MeanStd; readonly deviceSeconds: MeanStd };
}

export interface StudyResult {
  readonly kind: 'study';
  readonly version: 1;
  readonly study: StudyConfig;
  /** Every run of every arm and seed has finished. */
  readonly complete: boolean;
  readonly budget: {
    /** What every arm was given. */
    readonly planned: BudgetCount;
    /** Every finished run spent it exactly, but for the minibatches dynamic reset saved. */
    readonly equal: boolean;
    readonly differences: string[];
  };
  readonly arms: ArmSummary[];
  readonly claims: ComparisonClaim[];
  readonly proxyCorrelation: CorrelationClaim;
  readonly runs: RunSummary[];
}

/** A run of the study: where it is and, once finished, what it gave. */
export interface StudyRunState {
  readonly arm: ArmName;
  readonly seed: number;
  readonly dir: string;
  readonly outcome: StudyRun['outcome'] | null;
}

function plannedBudget(study: StudyConfig): BudgetCount {
  const { budget } = study;
  return { minibatches: budget.minibatches, childEvaluations: budget.childEvaluations, derived: budget.derive.topK, deriveSteps: budget.derive.topK * budget.derive.steps };
}

/** How a run's spending differs from the plan; none when it matches (dynamic reset may leave minibatches unspent). */
export function budgetDifferences(spent: SpentBudget, planned: BudgetCount): string[] {
  const out: string[] = [];
  const minibatchesOk = spent.cutByReset > 0 ? spent.minibatches < planned.minibatches : spent.minibatches === planned.minibatches;
  if (!minibatchesOk) out.push(`${spent.minibatches} minibatches (planned ${planned.minibatches}${spent.cutByReset > 0 ? `, less what ${spent.cutByReset} resets saved` : ''})`);
  for (const key of ['childEvaluations', 'derived', 'deriveSteps'] as const) {
    if (spent[key] !== planned[key]) out.push(`${spent[key]} ${key} (planned ${planned[key]})`);
  }
  return out;
}

export function studyResult(study: StudyConfig, base: RunConfig, states: readonly StudyRunState[]): StudyResult {
  const finished: StudyRun[] = states.flatMap((s) => (s.outcome ? [{ arm: s.arm, seed: s.seed, outcome: s.outcome }] : []));
  const planned = plannedBudget(study);
  const differences = finished.flatMap((r) => budgetDifferences(r.outcome.budget, planned).map((d) => `${r.arm} seed ${r.seed}: ${d}`));
  const arms: ArmSummary[] = study.arms.map((arm) => {
    const s = armSearchConfig(base.search, arm, study.budget, 'study');
    const runs = finished.filter((r) => r.arm === arm).map((r) => r.outcome);
    const of = (f: (o: StudyRun['outcome']) => number | null | undefined) => meanStd(runs.flatMap((o) => {
      const v = f(o);
      return v === null || v === undefined ? [] : [v];
    }));
    return {
      arm, label: ARMS[arm].label,
      search: {
        strategy: s.strategy, levels: s.levels, reset: s.reset.enabled, iterations: s.iterations.reduce((a, b) => a + b, 0),
        minibatchesPerIteration: s.minibatches, childrenPerIteration: s.controllerSteps,
      },
      runs: runs.length, is: of((o) => o.best?.is), fid: of((o) => o.best?.fid), resets: of((o) => o.resets),
      collapses: of((o) => o.collapses),
      minibatches: of((o) => o.budget.minibatches), childEvaluations: of((o) => o.budget.childEvaluations),
      timings: { searchSeconds: of((o) => o.timings.searchSeconds), deviceSeconds: of((o) => o.timings.deviceSeconds) },
    };
  });
  return {
    kind: 'study', version: 1, study, complete: states.every((s) => s.outcome !== null),
    budget: { planned, equal: differences.length === 0, differences },
    arms,
    claims: comparisonClaims(finished, study.arms, study.margins, study.bootstrap),
    proxyCorrelation: proxyCorrelation(finished, study.arms, base.search.reward, study.bootstrap),
    runs: states.map((s) => ({
      arm: s.arm, seed: s.seed, dir: s.dir, finished: s.outcome !== null, best: s.outcome?.best ?? null, derived: s.outcome?.derived ?? [],
      resets: s.outcome?.resets ?? null, collapses: s.outcome?.collapses ?? null, budget: s.outcome?.budget ?? null, timings: s.outcome?.timings ?? null,
    })),
  };
}
