/**
 * A study run as a job on a worker: an ordinary search with its derivation (the search job, src/jobs/search.ts,
 * which the worker is handed: the actors, placement and supervision of `autogan search`) in the job's folder, restored from Redis, so that a retried
 * run resumes from the newest checkpoint its last worker sent. The folder (the run directory) goes to Redis
 * after each checkpoint the search or a derivation writes, and whole at the end: the coordinator reads the
 * finished run from it as a local study reads its run directory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Subscribable } from 'rxjs';
import type { BackendName } from '../backend/select.js';
import type { RunConfig } from '../config/run-config.js';
import { QUEUE_PROTOCOL_VERSION, type StudyRunJobData, type StudyRunJobResult } from '../protocol/queue-jobs.js';
import { inJobFolder, type RunningJob, type WorkerContext } from './job-folder.js';

/**
 * Events that follow a checkpoint written to the folder: an iteration's training (its predecessor's checkpoint
 * is on disk by then), a derivation's checkpoint interval, a finished derivation.
 */
const AFTER_CHECKPOINT = new Set(['search.trained', 'derive.progress', 'search.derived']);

/** What a study run takes of the search job: a new search of `config` in `out`, or the one in `resume` continued. */
export type SearchJob = (opts: {
  readonly config?: RunConfig;
  readonly out?: string;
  readonly resume?: string;
  readonly gpus: readonly number[] | null;
  readonly backend: BackendName;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly statsCache: string;
}) => { readonly events: Subscribable<{ readonly type: string }>; readonly result: Promise<{ readonly interrupted: boolean }> };

export async function runStudyRunJob(job: RunningJob, data: StudyRunJobData, ctx: WorkerContext, search: SearchJob): Promise<StudyRunJobResult | 'stopped'> {
  const done = await inJobFolder(job, ctx, async (folder) => {
    const resumed = existsSync(join(folder.dir, 'config.json'));
    // Computed off the main thread (worker-stats.ts) into the cache the search reads them from.
    await ctx.referenceStats.fileFor(data.config);
    const run = search({
      ...(resumed ? { resume: folder.dir } : { config: data.config, out: folder.dir }),
      gpus: ctx.gpus, backend: ctx.backend.requested, signal: ctx.signal, log: ctx.log,
      // The worker's statistics, computed by its first job of the data set, as for derivations.
      statsCache: ctx.referenceStats.cacheDir,
    });
    const pushes = coalesced(folder.push, (e) => ctx.log(`job ${job.id}: sending its folder: ${ctx.redact(String((e as Error)?.message ?? e))}`));
    const subscription = run.events.subscribe({ next: (e) => AFTER_CHECKPOINT.has(e.type) && pushes.request() });
    let interrupted: boolean;
    try {
      interrupted = (await run.result).interrupted;
    } catch (e) {
      // Stopped while it started up: the folder resumes from its beginning.
      if (ctx.signal.aborted && e === ctx.signal.reason) interrupted = true;
      else throw e;
    } finally {
      subscription.unsubscribe();
      await pushes.settled();
    }
    await folder.push();
    return interrupted || ctx.signal.aborted ? ('stopped' as const) : {};
  });
  return done === 'stopped' ? done : { v: QUEUE_PROTOCOL_VERSION, worker: ctx.name, ...done };
}

/**
 * Runs `f` when asked, never twice at once: asked while it runs, it runs once more after. A failure is
 * reported and forgotten (the next request, or the final push, tries again).
 */
function coalesced(f: () => Promise<unknown>, onError: (e: unknown) => void): { request(): void; settled(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const request = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await f().catch(onError);
      } while (again);
    })().finally(() => (running = null));
  };
  return { request, settled: async () => void (await running) };
}
