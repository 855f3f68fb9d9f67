/**
 * The search job: AutoGAN's architecture search in a run directory, then derivation. It starts the backend,
 * checks the config and any checkpoint to resume, makes the run directory and the data set's statistics,
 * starts the actor system, runs the conductor (src/search/search-run.ts) on it and shuts it down. The CLI's
 * `autogan search` and the library's `search()` both run it.
 *
 * @example
 * const run = search({ config: 'configs/smoke.json', out: 'runs/smoke' });
 * run.events.pipe(filter((e) => e.type === 'search.rewards')).subscribe((e) => console.log(e.payload.rewards));
 * const report = await run.result;
 */
import { join } from 'node:path';
import { EMPTY, from, switchMap, type Observable } from 'rxjs';
import { deriverActorConfig, realActorConfig } from '../actors/logic/actor-config.js';
import { startBackend, type BackendName } from '../backend/select.js';
import { resolveConfig, type RunConfig } from '../config/run-config.js';
import { InputError, flagError, isInputError } from '../errors.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, referenceStatsCachePath, trainingStatsRequest } from '../metrics/reference-stats.js';
import { formatArch } from '../nn/arch.js';
import type { RunEvent } from '../protocol/events.js';
import { parseRedisUrl } from '../queue/connection.js';
import { deriveOnQueue } from '../queue/derive-on-queue.js';
import { runKey } from '../queue/names.js';
import { refreshReportQuietly } from '../report/refresh.js';
import { QueueClient } from '../queue/queue-client.js';
import { derivationDir } from '../search/derivation.js';
import { loadSearchCheckpoint } from '../search/search-checkpoint.js';
import { runSearchJob, type SearchReport } from '../search/search-run.js';
import { startActorSystem } from '../supervisor/actor-system.js';
import { completeLength, eventStream } from '../supervisor/event-stream.js';
import type { FaultSpec } from '../supervisor/faults.js';
import { deriverCount } from '../supervisor/placement.js';
import { assertNewRunDir, createRunDir, openRunDir, removeNewRunDir, runDirPaths, type RunDir } from '../supervisor/run-dir.js';
import { ProgressBar } from '../util/progress-bar.js';
import { noLog, type JobOutput } from '../util/output.js';
import { SEED_MAX, defaultRunDir, optionalInt, rejectBesideResume, resolveConfigSource, type ConfigSource } from './job-options.js';

export type { SearchReport };

/** A new search (`config`), or one continued from its newest intact checkpoint (`resume`): exactly one of the two. */
export interface SearchOptions extends JobOutput {
  readonly config?: ConfigSource;
  /** A run directory to continue, with the settings saved in it (then config, out, seed, overlap and reward are not given). */
  readonly resume?: string;
  /** Run directory of a new search, new or empty (default runs/search-<time>). */
  readonly out?: string;
  /** Override the config's seed, search.overlap and search.reward. */
  readonly seed?: number;
  readonly overlap?: boolean;
  readonly reward?: 'is' | 'fid';
  /** GPU indices: the SharedTrainer on the first, Evaluators on the rest, then a Deriver on each; default: threads only. */
  readonly gpus?: readonly number[] | null;
  /** Default auto. */
  readonly backend?: BackendName;
  /**
   * A Redis URL (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS): derivations become jobs for
   * `autogan worker`s on that queue instead of running here (src/queue).
   */
  readonly redis?: string;
  /**
   * A folder for the data set's reference statistics that runs share (a study's runs: computed once, not per run);
   * default the run's own stats/. A cached file is keyed by data set, split and feature network.
   */
  readonly statsCache?: string;
  /** Faults to inject (tests of the supervisor). */
  readonly faults?: readonly FaultSpec[];
  /** Aborting stops the search after its current step with a checkpoint; the report then says `interrupted`. */
  readonly signal?: AbortSignal;
}

/** A running search. */
export interface SearchHandle {
  /** The run directory. */
  readonly dir: string;
  /**
   * The events this run writes to its log, from its start (resumed runs: this part's): each subscriber gets
   * them all, however late it subscribes. Completes when the run ends, however it ends; `result` says how.
   */
  readonly events: Observable<RunEvent>;
  /** The report (also written to report.json); rejects with an InputError for bad input, else a runtime error. */
  readonly result: Promise<SearchReport>;
}

export function search(opts: SearchOptions): SearchHandle {
  const dir = runDirPaths(opts.resume ?? opts.out ?? defaultRunDir('search')).root;
  let logOpened: (at: { path: string; startAt: number } | null) => void = noLog;
  const opened = new Promise<{ path: string; startAt: number } | null>((resolve) => (logOpened = resolve));
  const result = runSearch(opts, dir, (path) => logOpened({ path, startAt: completeLength(path) })).finally(() => logOpened(null));
  const events = from(opened).pipe(
    switchMap((log) => (log ? (eventStream(log.path, { follow: true, startAt: log.startAt, until: result }) as Observable<RunEvent>) : EMPTY)),
  );
  return { dir, events, result };
}

/**
 * The run's config and where it came from: the given config with its overrides, or the saved config of the
 * run being resumed, which must be complete and valid.
 */
function searchConfig(opts: SearchOptions): { config: RunConfig; source: string; resumed: RunDir | null } {
  rejectBesideResume(opts, ['config', 'out', 'seed', 'overlap', 'reward'], 'the run keeps its saved settings');
  if (opts.resume !== undefined) {
    const { dir, config } = openRunDir(opts.resume);
    return { config: resolveConfig(config, dir.config, true), source: dir.config, resumed: dir };
  }
  if (!opts.config) throw flagError('config', 'is required (or --resume DIR)');
  const { config: base, name } = resolveConfigSource(opts.config);
  const config = {
    ...base, seed: optionalInt('seed', opts.seed, 0, SEED_MAX) ?? base.seed,
    search: { ...base.search, overlap: opts.overlap ?? base.search.overlap, reward: opts.reward ?? base.search.reward },
  };
  return { config, source: name, resumed: null };
}

async function runSearch(opts: SearchOptions, dir: string, onLogOpen: (path: string) => void): Promise<SearchReport> {
  const log = opts.log ?? noLog;
  const { config, source, resumed } = searchConfig(opts);
  const gpus = opts.gpus ?? null;
  if (config.eval.features === 'inception' && config.eval.inceptionGraph === null) {
    throw new InputError(`${source}: eval.inceptionGraph: the search scores with the inception network and needs the path of classify_image_graph_def.pb (or eval.features "digits" for MNIST)`);
  }
  if (!resumed) assertNewRunDir(dir);
  const target = opts.redis === undefined ? null : parseRedisUrl(opts.redis);
  // Input errors found while starting the backend and the feature network come before a new run
  // directory exists; the saved config then comes first, so that a run killed later can be resumed.
  const backend = await startBackend(opts.backend ?? 'auto', { wantGpu: gpus !== null, log });
  // Checked whole before the run directory changes (stats, events) or any actor starts.
  const resume = resumed ? { from: await loadSearchCheckpoint(resumed.root, resumed.checkpoints, config) } : null;
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  // Reached before the run directory changes, so a wrong address loses nothing.
  const queue = target && (await QueueClient.open(target, log).catch((e: unknown) => {
    network.net.dispose();
    throw e;
  }));
  try {
    opts.signal?.throwIfAborted();
    const runDir = resumed ?? createRunDir(dir, config);
    const statsRequest = trainingStatsRequest(config.data, network, opts.statsCache ?? join(runDir.root, 'stats'), log);
    // The data set is first read here. Bad data files found in a run made just now take that run away again, so
    // the same call can be repeated once the files are fixed (the config saved in the run names the data folder).
    await referenceStats(statsRequest).catch((e: unknown) => {
      if (!resumed && isInputError(e)) removeNewRunDir(runDir);
      throw e;
    });
    const statsFile = referenceStatsCachePath(statsRequest);
    // Stopped while starting up: the run directory holds the config (and statistics) and resumes from the start.
    opts.signal?.throwIfAborted();
    onLogOpen(runDir.events);
    const system = await startActorSystem({
      runDir, actorConfig: realActorConfig(config, config.search.reward === 'fid' ? statsFile : null),
      seed: config.seed, gpus, backend: backend.requested, faults: opts.faults ?? [],
    });
    const bar = opts.progress ? new ProgressBar(opts.progress, 'search', config.search.iterations.reduce((a, b) => a + b, 0), 'iter') : null;
    try {
      const job = runSearchJob({
        config, runDir: runDir.root, resume, ports: system.ports, backend: backend.name,
        placement: system.placements, log, progress: opts.progress, signal: opts.signal,
        restarts: () => system.restarts(),
        onCheckpoint: () => refreshReportQuietly(runDir.root, log),
        resetSharedGan: (i: number) => system.resetSharedTrainer(i),
        derivers: (jobs) => system.startDerivers(deriverCount(gpus, config.search.derive.parallel, jobs), deriverActorConfig(config, statsFile, backend.name)),
        remoteDerive: queue ? async (todo, finished) => {
          // The pool does the work: the search's actors would only hold memory while the coordinator waits.
          await system.releaseSearchActors();
          return deriveOnQueue({
            client: queue, runKey: runKey(runDir.root), config, log, signal: opts.signal,
            emit: (e) => system.events.emit('actor' in e ? e.actor : 'queue', e.type, e),
          })(todo, finished);
        } : undefined,
        emit: (e) => {
          system.events.emit('actor' in e ? e.actor : 'conductor', e.type, e);
          // A derivation here checkpointed or ended: its report, and the search's that shows it, are rewritten.
          if (e.type === 'derive.progress' || e.type === 'derive.finished') {
            refreshReportQuietly(derivationDir(runDir.root, e.rank), log);
            refreshReportQuietly(runDir.root, log);
          }
          if (e.type === 'search.rewards') bar?.update(e.iteration + 1, `stage ${e.stage}  best reward ${Math.max(...e.rewards).toFixed(3)}: ${formatArch(e.archs[e.rewards.indexOf(Math.max(...e.rewards))]!)}`);
          else if (e.type === 'search.reset') log(`dynamic reset #${e.resets} at iteration ${e.iteration}`);
          else if (e.type === 'search.collapse') log(`collapse #${e.collapses} seen at iteration ${e.iteration}, minibatch ${e.minibatch} (reset is off: training goes on)`);
          else if (e.type === 'search.beam') log(`stage ${e.stage} beam: kept ${e.kept.map((a) => formatArch(a)).join(' | ')}`);
        },
      });
      return await Promise.race([job, system.failure.then((e) => Promise.reject(e))]);
    } finally {
      await system.shutdown(opts.signal?.aborted ? 'interrupted' : 'done');
    }
  } finally {
    network.net.dispose();
    await queue?.close();
  }
}
