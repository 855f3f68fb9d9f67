/**
 * A derivation job on a worker: the candidate's folder is restored from Redis (a retried job resumes at its last
 * checkpoint), one supervised Deriver trains it with the placement and restarts of a local run, one checkpoint
 * interval per request, and after each interval the folder's changes go to Redis and the step to the job's
 * progress. The worker's own event log of the job stays in its work folder; the run's log is the coordinator's.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { deriverActorConfig } from '../actors/logic/actor-config.js';
import type { BackendInfo } from '../backend/select.js';
import type { RunConfig } from '../config/run-config.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, referenceStatsCachePath, trainingStatsRequest } from '../metrics/reference-stats.js';
import { QUEUE_PROTOCOL_VERSION, type DeriveJobData, type DeriveJobResult, type JobProgress } from '../protocol/queue-jobs.js';
import { startDeriverPool } from '../supervisor/actor-system.js';
import { runDirPaths } from '../supervisor/run-dir.js';
import { FolderSync } from './folder-snapshot.js';
import { folderKey } from './names.js';

/** What every job of a worker process shares. */
export interface WorkerContext {
  /** The worker's name in the queue and in the run's events (`host-pid`). */
  readonly name: string;
  /** The worker's own folder: each job's work, the data sets' cached statistics. */
  readonly workDir: string;
  readonly redis: Redis;
  readonly backend: BackendInfo;
  readonly gpus: readonly number[] | null;
  readonly log: (line: string) => void;
  /** The worker is stopping: the derivation ends after its current step, with its checkpoint sent. */
  readonly signal: AbortSignal;
}

/** The job as the processor sees it. */
export interface RunningJob {
  readonly id: string;
  updateProgress(p: JobProgress): Promise<void>;
}

export async function runDeriveJob(job: RunningJob, data: DeriveJobData, ctx: WorkerContext): Promise<DeriveJobResult | 'stopped'> {
  const t0 = Date.now();
  let transfer = 0;
  const timed = async <T>(f: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await f();
    } finally {
      transfer += (Date.now() - t) / 1000;
    }
  };
  const work = join(ctx.workDir, 'jobs', job.id);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const sync = new FolderSync(ctx.redis, folderKey(job.id), join(work, 'derivation'));
  await timed(() => sync.restore());
  const statsFile = await statsOf(data.config, ctx);
  const pool = await startDeriverPool({
    runDir: runDirPaths(work), seed: data.config.seed, gpus: ctx.gpus, backend: ctx.backend.requested, count: 1,
    config: deriverActorConfig(data.config, statsFile, ctx.backend.name),
  });
  try {
    const { port } = pool.derivers[0]!;
    const last = { dLoss: Number.NaN, gLoss: Number.NaN };
    let started = false;
    for (;;) {
      const chunk = await Promise.race([
        port.advance({ arch: data.arch, dir: sync.dir }, (s) => {
          if (!started) {
            started = true;
            // Progress only informs the coordinator: one lost while Redis restarts costs nothing.
            job.updateProgress({ v: QUEUE_PROTOCOL_VERSION, at: 'started', worker: ctx.name, from: s.step - 1 }).catch(() => undefined);
          }
          ({ dLoss: last.dLoss, gLoss: last.gLoss } = s);
          return ctx.signal.aborted ? 'stop' : 'continue';
        }),
        pool.failure.then((e) => Promise.reject(e)),
      ]);
      const bytes = await timed(() => sync.push());
      if (chunk.scores) {
        return {
          v: QUEUE_PROTOCOL_VERSION, worker: ctx.name, step: chunk.step, steps: chunk.steps, scores: chunk.scores,
          seconds: (Date.now() - t0) / 1000, overheadSeconds: transfer,
        };
      }
      await job.updateProgress({ v: QUEUE_PROTOCOL_VERSION, at: 'checkpoint', worker: ctx.name, step: chunk.step, steps: chunk.steps, ...last, bytes });
      if (chunk.interrupted || ctx.signal.aborted) return 'stopped';
    }
  } finally {
    await pool.shutdown('job ended');
    rmSync(work, { recursive: true, force: true });
  }
}

/** The data set's reference statistics for FID, computed once per worker and kept in its folder. */
async function statsOf(config: RunConfig, ctx: WorkerContext): Promise<string> {
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  try {
    const request = trainingStatsRequest(config, network, join(ctx.workDir, 'stats'), ctx.log);
    await referenceStats(request);
    return referenceStatsCachePath(request)!;
  } finally {
    network.net.dispose();
  }
}
