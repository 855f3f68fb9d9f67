/**
 * What one finished search of a study contributes to its table, read from the run directory alone: the
 * derived architectures with their proxy rewards and from-scratch scores, the resets (with reset off, the
 * collapses seen), the budget it spent (counted from its event log, so that the table shows what ran rather
 * than what was asked for), and its timings. Iterations, scorings and derivations that a resumed run repeated
 * count once (the log's last record).
 */
import { betterDerived } from '../search/search-run.js';
import { Problems } from '../report/read-files.js';
import { readSearchRun } from '../report/search-data.js';

/** A budget as spent, or as planned for comparison. */
export interface BudgetCount {
  /** Shared-GAN minibatches trained (D steps). */
  readonly minibatches: number;
  /** Children scored on the search's weights: each iteration's, the beam candidates', the final candidates'. */
  readonly childEvaluations: number;
  /** Architectures trained from scratch and scored. */
  readonly derived: number;
  /** Their G steps, summed. */
  readonly deriveSteps: number;
}

export interface SpentBudget extends BudgetCount {
  /** Search iterations trained. */
  readonly iterations: number;
  /** Iterations whose shared training dynamic reset stopped early (their unspent minibatches are its saving). */
  readonly cutByReset: number;
}

export interface DerivedOutcome {
  readonly rank: number;
  readonly arch: string;
  readonly proxyReward: number;
  readonly is: number | null;
  readonly fid: number | null;
}

export interface RunOutcome {
  readonly derived: DerivedOutcome[];
  /** The run's result: its best derived architecture (lowest FID, else highest IS), as the search names it. */
  readonly best: DerivedOutcome | null;
  readonly resets: number;
  /** With reset off, the collapses the detector saw and nothing acted on; null with reset on, or from a run made before they were counted. */
  readonly collapses: number | null;
  readonly budget: SpentBudget;
  /** Seconds, summed over the run's resumed parts: searching (training, scoring, controller), deriving, device-busy. */
  readonly timings: { readonly searchSeconds: number; readonly derivationSeconds: number; readonly deviceSeconds: number };
}

/** NaN (a collapsed generator's score) is written as null by JSON and read back as NaN: neither is a score. */
const score = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

/**
 * Reads a finished run (its report.json says so): null for one that has not finished. A damaged event log or
 * report is an error naming the file and the line, since the table counts from them.
 */
export function readRunOutcome(dir: string): RunOutcome | null {
  const problems = new Problems();
  const run = readSearchRun(dir, problems);
  const final = run.final;
  if (final === null || final.interrupted) return null;
  // What the table counts from; a missing sample grid or a derived run's damaged checkpoint changes no number of it.
  const counted = problems.list.filter((p) => /^(events\.jsonl|report\.json)/.test(p.where));
  if (counted.length > 0) throw new Error(`${dir}: ${counted.map((p) => `${p.where}: ${p.what}`).join('; ')}`);
  const derivedRows = run.derived.flatMap((d) => (d.result ? [d.result] : []));
  const derived = derivedRows.map((r) => ({ rank: r.rank, arch: r.arch, proxyReward: r.proxyReward, is: score(r.is?.mean), fid: score(r.fid) }));
  const best = derivedRows.length === 0 ? null : derived[derivedRows.indexOf(derivedRows.reduce((a, b) => (betterDerived(b, a) ? b : a)))]!;
  const trained = run.iterations.flatMap((i) => (i.trained ? [i.trained] : []));
  const budget: SpentBudget = {
    iterations: trained.length,
    minibatches: trained.reduce((a, t) => a + t.minibatches, 0),
    cutByReset: trained.filter((t) => t.stoppedEarly).length,
    childEvaluations: run.iterations.reduce((a, i) => a + (i.rewards?.archs.length ?? 0), 0)
      + run.beams.reduce((a, b) => a + b.candidates.length, 0) + (run.finalCandidates?.archs.length ?? 0),
    derived: derivedRows.length,
    deriveSteps: derivedRows.reduce((a, r) => a + r.steps, 0),
  };
  const w = final.wallSeconds;
  return {
    derived, best, resets: final.resets, collapses: final.collapses ?? null, budget,
    timings: { searchSeconds: (w.training ?? 0) + (w.scoring ?? 0) + (w.controller ?? 0), derivationSeconds: w.derivation ?? 0, deviceSeconds: final.deviceSeconds },
  };
}
