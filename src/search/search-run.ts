/**
 * A whole search run in its run directory: the search itself (conductor over the actors' ports), then
 * derivation (paper §4, src/search/derivation.ts): the top candidates of the final policy are trained from
 * scratch on the derivers and scored again with IS and FID; the best is named. Resumable at every step: search
 * checkpoints, each derived training's own checkpoints, and finished derivations' reports.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { formatArch } from '../nn/arch.js';
import type { DerivedResult, SearchRunEvent } from '../protocol/events.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { watchesCollapses } from './collapse-watch.js';
import { initialConductorState, runSearch, topDistinct, type ConductorState, type SearchPorts } from './conductor.js';
import { runDerivation, type RemoteDerivation } from './derivation.js';
import type { DeriveWorker } from './ports.js';
import { SearchSampleGrids, searchGridName } from './sample-grids.js';
import { restoreSearch, saveSearchCheckpoint, type LoadedSearchCheckpoint } from './search-checkpoint.js';
import type { ProgressStream } from '../util/output.js';

export type { DerivedResult };

export interface SearchReport {
  readonly kind: 'search';
  readonly config: RunConfig;
  readonly seed: number;
  readonly backend: string;
  readonly placement: unknown;
  readonly overlap: boolean;
  readonly strategy: string;
  readonly levels: string;
  readonly iterations: ConductorState['history'];
  readonly resets: number;
  /** With reset off, the collapses the detector saw (nothing acted on them); null when reset was on. */
  readonly collapses: number | null;
  readonly restarts: number;
  readonly beams: ConductorState['beams'];
  readonly candidates: { arch: string; reward: number }[];
  readonly derived: DerivedResult[];
  readonly best: DerivedResult | null;
  /** `derivation`: the derivation phase's wall time (its candidates may train at once). */
  readonly wallSeconds: { total: number; training: number; scoring: number; controller: number; idle: number; derivation: number };
  /** Busy seconds of the devices: shared training plus scoring plus each derivation's training and scoring. */
  readonly deviceSeconds: number;
  readonly interrupted: boolean;
}

export interface SearchRunOptions {
  readonly config: RunConfig;
  readonly runDir: string;
  /** A resumed run: the checked checkpoint it continues from (loadSearchCheckpoint), null when it stopped before its first. */
  readonly resume: { readonly from: LoadedSearchCheckpoint | null } | null;
  readonly ports: SearchPorts;
  readonly backend: string;
  readonly placement: unknown;
  /** Starts the derivers once the search is done, for `jobs` candidates left to train (the actor system's Derivers). */
  readonly derivers: (jobs: number) => Promise<readonly DeriveWorker[]>;
  /** Derivation on a worker pool instead of the derivers (`search --redis`). */
  readonly remoteDerive?: RemoteDerivation;
  readonly emit: (e: SearchRunEvent) => void;
  readonly log: (line: string) => void;
  readonly progress?: ProgressStream;
  readonly signal?: AbortSignal;
  /** Restarts of actors so far, for the report (the supervisor counts them). */
  readonly restarts?: () => number;
  /** Re-creates the shared GAN after a collapse (the supervisor's restart-on-collapse). */
  readonly resetSharedGan?: (resetIndex: number) => Promise<void>;
  /** After each checkpoint and after report.json: the job that owns the run directory rewrites its report then. */
  readonly onCheckpoint?: () => void;
}

export async function runSearchJob(opts: SearchRunOptions): Promise<SearchReport> {
  const { config, runDir, ports, log } = opts;
  const ckptDir = join(runDir, 'checkpoints');
  mkdirSync(ckptDir, { recursive: true });
  const t0 = Date.now();
  let state: ConductorState = initialConductorState();
  if (opts.resume) {
    const loaded = opts.resume.from;
    for (const why of loaded?.skipped ?? []) log(`skipped damaged checkpoint: ${why}`);
    if (loaded) {
      state = await restoreSearch(loaded, ports);
      log(`resuming from ${loaded.path} (iteration ${state.iteration})`);
    } else log(`no checkpoint in ${ckptDir}: starting the saved run from its beginning`);
  }
  const grids = new SearchSampleGrids(config, join(runDir, 'samples'));
  try {
    state = await runSearch(ports, config.search, state, {
      emit: opts.emit,
      checkpoint: async (s) => {
        await saveSearchCheckpoint(ckptDir, config, s, ports);
        opts.onCheckpoint?.();
      },
      signal: opts.signal,
      resetSharedGan: opts.resetSharedGan,
      scored: async (r, snapshot) => {
        grids.write(r.iteration, r.bestArch, snapshot);
        opts.emit({ type: 'search.samples', iteration: r.iteration, stage: r.stage, arch: r.bestArch, file: `samples/${searchGridName(r.iteration)}` });
      },
    });
  } finally {
    grids.dispose();
  }
  const interrupted = state.finalCandidates === null;
  const cands = state.finalCandidates ?? [];
  const order = topDistinct(cands.map((c) => c.arch), cands.map((c) => c.reward), config.search.derive.topK);
  const t1 = Date.now();
  const { derived, busySeconds } = await runDerivation({
    candidates: order.map((i) => cands[i]!), runDir, steps: config.search.derive.steps, derivers: opts.derivers, remote: opts.remoteDerive,
    emit: opts.emit, log, progress: opts.progress, signal: opts.signal,
  });
  const derivationSeconds = (Date.now() - t1) / 1000;
  const best = derived.length === 0 ? null : derived.reduce((a, b) => (betterDerived(b, a) ? b : a));
  const { training, scoring, controller } = state.phases;
  // Phases accumulate over resumed parts; this process's wall time covers at least its own share.
  const total = Math.max((Date.now() - t0) / 1000, training + scoring + controller + derivationSeconds);
  const report: SearchReport = {
    kind: 'search', config, seed: config.seed, backend: opts.backend, placement: opts.placement,
    overlap: config.search.overlap, strategy: config.search.strategy, levels: config.search.levels,
    iterations: state.history, resets: state.resets, collapses: watchesCollapses(config.search) ? state.collapses.seen : null, restarts: opts.restarts?.() ?? 0, beams: state.beams,
    candidates: (state.finalCandidates ?? []).map((c) => ({ arch: formatArch(c.arch), reward: c.reward })),
    derived, best,
    wallSeconds: { total, training, scoring, controller, derivation: derivationSeconds, idle: Math.max(0, total - training - scoring - controller - derivationSeconds) },
    deviceSeconds: training + scoring + busySeconds,
    interrupted: interrupted || derived.length < order.length,
  };
  writeFileAtomic(join(runDir, 'report.json'), [Buffer.from(JSON.stringify(report, null, 2))]);
  opts.onCheckpoint?.();
  return report;
}

/** Lower FID wins when both have one; else higher IS. The best of a run's derived architectures is its result. */
export function betterDerived(a: Pick<DerivedResult, 'is' | 'fid'>, b: Pick<DerivedResult, 'is' | 'fid'>): boolean {
  if (a.fid !== null && b.fid !== null) return a.fid < b.fid;
  return (a.is?.mean ?? -Infinity) > (b.is?.mean ?? -Infinity);
}
