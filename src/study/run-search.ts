/**
 * One search of a study, new or resumed, in its own run directory, in this process: the actor system and its
 * supervisor run it as they run `autogan search`, so each run is an ordinary search run (tail-able, and
 * resumable on its own with `search --resume`).
 */
import { join } from 'node:path';
import { deriverActorConfig, realActorConfig } from '../actors/logic/actor-config.js';
import type { BackendInfo } from '../backend/select.js';
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, referenceStatsCachePath } from '../metrics/reference-stats.js';
import { loadSearchCheckpoint } from '../search/search-checkpoint.js';
import { runSearchJob, type SearchReport } from '../search/search-run.js';
import { startActorSystem } from '../supervisor/actor-system.js';
import { deriverCount } from '../supervisor/placement.js';
import { createRunDir, openRunDir } from '../supervisor/run-dir.js';

export interface StudySearch {
  /** The run directory: new (or empty) for a new run, else the run to continue. */
  readonly dir: string;
  /** A new run's config; null continues the run saved in `dir` from its newest intact checkpoint. */
  readonly config: RunConfig | null;
  readonly gpus: readonly number[] | null;
  /** The backend this process started. */
  readonly backend: BackendInfo;
  /** Stops the search after its current step; its report then says `interrupted`. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/** Runs (or continues) the search and its derivation; resolves to its report, also written to report.json. */
export async function runStudySearch(s: StudySearch): Promise<SearchReport> {
  const saved = s.config === null ? openRunDir(s.dir) : null;
  const config = saved ? resolveConfig(saved.config, saved.dir.config, true) : s.config!;
  const resume = saved ? { from: await loadSearchCheckpoint(saved.dir.root, saved.dir.checkpoints, config) } : null;
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  try {
    const runDir = saved?.dir ?? createRunDir(s.dir, config);
    const statsRequest = {
      dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: config.data.root, network,
      statsFile: null, cacheDir: join(runDir.root, 'stats'), log: s.log,
    };
    await referenceStats(statsRequest);
    const statsFile = referenceStatsCachePath(statsRequest);
    const system = await startActorSystem({
      runDir, actorConfig: realActorConfig(config, config.search.reward === 'fid' ? statsFile : null),
      seed: config.seed, gpus: s.gpus, backend: s.backend.requested, interrupts: null,
    });
    try {
      const job = runSearchJob({
        config, runDir: runDir.root, resume, ports: system.ports, backend: s.backend.name, placement: system.placements, log: s.log, signal: s.signal,
        resetSharedGan: (i: number) => system.resetSharedTrainer(i),
        derivers: (jobs) => system.startDerivers(deriverCount(s.gpus, config.search.derive.parallel, jobs), deriverActorConfig(config, statsFile, s.backend.name)),
        emit: (e) => system.events.emit('actor' in e ? e.actor : 'conductor', e.type, e),
      });
      return await Promise.race([job, system.failure.then((e) => Promise.reject(e))]);
    } finally {
      await system.shutdown(s.signal.aborted ? 'interrupted' : 'done');
    }
  } finally {
    network.net.dispose();
  }
}
