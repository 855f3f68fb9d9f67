/**
 * A whole search run in its run directory: the search itself (conductor over the actors' ports), then
 * derivation (paper §4): the top candidates of the final policy are trained from scratch with the GAN core's
 * trainer and scored again with IS and FID; the best is named. Resumable at every step: search checkpoints,
 * each derived training's own checkpoints, and finished derivations' reports.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { fileError } from '../errors.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import { describeArch, formatArch } from '../nn/arch.js';
import { refreshReportQuietly } from '../report/refresh.js';
import { runTraining, type TrainReport } from '../train/train-run.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { initialConductorState, runSearch, topDistinct, type ConductorState, type SearchEvent, type SearchPorts } from './conductor.js';
import { SearchSampleGrids, searchGridName } from './sample-grids.js';
import { restoreSearch, saveSearchCheckpoint, type LoadedSearchCheckpoint } from './search-checkpoint.js';

export interface DerivedResult {
  readonly rank: number;
  readonly arch: string;
  readonly words: string[];
  readonly proxyReward: number;
  readonly is: { mean: number; std: number } | null;
  readonly fid: number | null;
  readonly steps: number;
  readonly dir: string;
}

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
  readonly restarts: number;
  readonly beams: ConductorState['beams'];
  readonly candidates: { arch: string; reward: number }[];
  readonly derived: DerivedResult[];
  readonly best: DerivedResult | null;
  readonly wallSeconds: { total: number; training: number; scoring: number; controller: number; idle: number; derivation: number };
  /** Busy seconds of the devices: shared training plus scoring plus derivation training. */
  readonly deviceSeconds: number;
  readonly interrupted: boolean;
}

/** What a search run reports besides the conductor's events: each iteration's sample grid, each derived architecture. */
export type SearchRunEvent =
  | SearchEvent
  | { type: 'search.samples'; iteration: number; stage: number; arch: number[]; file: string }
  | { type: 'search.derived'; result: DerivedResult };

export interface SearchRunOptions {
  readonly config: RunConfig;
  readonly runDir: string;
  /** A resumed run: the checked checkpoint it continues from (loadSearchCheckpoint), null when it stopped before its first. */
  readonly resume: { readonly from: LoadedSearchCheckpoint | null } | null;
  readonly ports: SearchPorts;
  readonly backend: string;
  readonly placement: unknown;
  /** Feature network and data statistics for the final scores of derived architectures. */
  readonly net: FeatureNetwork;
  readonly reference: GaussianStats | null;
  readonly emit: (e: SearchRunEvent) => void;
  readonly log: (line: string) => void;
  readonly progress: NodeJS.WritableStream & { isTTY?: boolean };
  readonly signal?: AbortSignal;
  /** Restarts of actors so far, for the report (the supervisor counts them). */
  readonly restarts?: () => number;
  /** Re-creates the shared GAN after a collapse (the supervisor's restart-on-collapse). */
  readonly resetSharedGan?: (resetIndex: number) => Promise<void>;
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
        refreshReportQuietly(runDir, log);
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
  const derived: DerivedResult[] = [];
  let derivationSeconds = 0;
  if (!interrupted) {
    const cands = state.finalCandidates!;
    const order = topDistinct(cands.map((c) => c.arch), cands.map((c) => c.reward), config.search.derive.topK);
    for (const [rank, i] of order.entries()) {
      if (opts.signal?.aborted) break;
      const cand = cands[i]!;
      const dir = join(runDir, 'derive', `top${rank + 1}`);
      const t1 = Date.now();
      const report = await deriveOne(opts, cand.arch, dir);
      derivationSeconds += (Date.now() - t1) / 1000;
      if (report.interrupted) break;
      const result: DerivedResult = {
        rank: rank + 1, arch: formatArch(cand.arch), words: describeArch(cand.arch), proxyReward: cand.reward,
        is: report.scores?.is ?? null, fid: report.scores?.fid ?? null, steps: report.steps, dir,
      };
      derived.push(result);
      opts.emit({ type: 'search.derived', result });
    }
  }
  const best = derived.length === 0 ? null : derived.reduce((a, b) => (better(b, a) ? b : a));
  const { training, scoring, controller } = state.phases;
  // Phases accumulate over resumed parts; this process's wall time covers at least its own share.
  const total = Math.max((Date.now() - t0) / 1000, training + scoring + controller + derivationSeconds);
  const report: SearchReport = {
    kind: 'search', config, seed: config.seed, backend: opts.backend, placement: opts.placement,
    overlap: config.search.overlap, strategy: config.search.strategy, levels: config.search.levels,
    iterations: state.history, resets: state.resets, restarts: opts.restarts?.() ?? 0, beams: state.beams,
    candidates: (state.finalCandidates ?? []).map((c) => ({ arch: formatArch(c.arch), reward: c.reward })),
    derived, best,
    wallSeconds: { total, training, scoring, controller, derivation: derivationSeconds, idle: Math.max(0, total - training - scoring - controller - derivationSeconds) },
    deviceSeconds: training + scoring + derivationSeconds,
    interrupted: interrupted || derived.length < Math.min(config.search.derive.topK, state.finalCandidates?.length ?? 0),
  };
  writeFileAtomic(join(runDir, 'report.json'), [Buffer.from(JSON.stringify(report, null, 2))]);
  refreshReportQuietly(runDir, log);
  return report;
}

/** Lower FID wins when both have one; else higher IS. */
function better(a: DerivedResult, b: DerivedResult): boolean {
  if (a.fid !== null && b.fid !== null) return a.fid < b.fid;
  return (a.is?.mean ?? -Infinity) > (b.is?.mean ?? -Infinity);
}

/** Trains one derived architecture from scratch (resuming a derivation left half done) and scores it. */
async function deriveOne(opts: SearchRunOptions, arch: number[], dir: string): Promise<TrainReport> {
  const done = join(dir, 'report.json');
  if (existsSync(done)) {
    try {
      const r = JSON.parse(readFileSync(done, 'utf8')) as TrainReport;
      if (!r.interrupted && r.scores) return r;
    } catch {
      throw fileError(done, 'damaged derivation report; delete it to retrain this architecture');
    }
  }
  const { config } = opts;
  const trainConfig: RunConfig = { ...config, train: { ...config.train, steps: config.search.derive.steps } };
  opts.log(`deriving ${formatArch(arch)}: training from scratch for ${trainConfig.train.steps} G steps in ${dir}`);
  return runTraining({
    config: trainConfig, arch, outDir: dir, resume: existsSync(join(dir, 'config.json')), backend: opts.backend, log: opts.log,
    progress: opts.progress, signal: opts.signal,
    scoring: { net: opts.net, reference: opts.reference, n: config.eval.samples, splits: config.eval.splits },
  });
}
