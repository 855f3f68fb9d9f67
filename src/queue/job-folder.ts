/**
 * What every job does on a worker around its work: a fresh folder of its own, filled from Redis (a retried job
 * finds what its last worker sent), a report to the coordinator that it started and from which checkpoint,
 * transfers timed (the pool's overhead), and the folder removed when the job ends, whatever the end.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { BackendInfo } from '../backend/select.js';
import { QUEUE_PROTOCOL_VERSION, type JobProgress } from '../protocol/queue-jobs.js';
import { newestCheckpointStep } from '../train/checkpoint-dir.js';
import { FolderSync } from './folder-snapshot.js';
import { folderKey, jobLockKey } from './names.js';
import type { WorkerStats } from './worker-stats.js';

/** What every job of a worker process shares. */
export interface WorkerContext {
  /** The worker's name in the queue and in the run's events (`host-pid`). */
  readonly name: string;
  /** The worker's own folder: each job's work, the data sets' cached statistics. */
  readonly workDir: string;
  /** A run config's reference statistics (their cached file in `workDir`), computed off the main thread. */
  readonly referenceStats: WorkerStats;
  readonly redis: Redis;
  readonly backend: BackendInfo;
  readonly gpus: readonly number[] | null;
  readonly log: (line: string) => void;
  /** Hides the queue URL's credentials in a message. */
  readonly redact: (text: string) => string;
  /** The worker is stopping: a job ends after its current step, with its checkpoint sent. */
  readonly signal: AbortSignal;
  /** A job's exchange with Redis, given up once the worker has waited the stop's grace for it (stop-grace.ts). */
  readonly bounded: <T>(p: Promise<T>) => Promise<T>;
}

/** The job as the processor sees it. */
export interface RunningJob {
  readonly id: string;
  /** The token this worker holds the job's lock with: folder pushes go through only while it holds it. */
  readonly token: string;
  updateProgress(p: JobProgress): Promise<void>;
}

/** A job's folder on the worker, kept in step with its copy in Redis. */
export interface JobFolder {
  /** The job's own scratch folder (the folder that travels is `dir`, inside it). */
  readonly work: string;
  /** The folder that travels. */
  readonly dir: string;
  /** Sends what changed in `dir` since the last push; resolves with the bytes sent. */
  push(): Promise<number>;
}

/** Seconds of the whole job, and of it those spent moving its folder to and from Redis. */
export interface JobTimes {
  readonly seconds: number;
  readonly overheadSeconds: number;
}

export async function inJobFolder<R extends object>(job: RunningJob, ctx: WorkerContext, work: (f: JobFolder) => Promise<R | 'stopped'>): Promise<(R & JobTimes) | 'stopped'> {
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
  const scratch = join(ctx.workDir, 'jobs', job.id);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const sync = new FolderSync(ctx.redis, folderKey(job.id), join(scratch, 'folder'), { lockKey: jobLockKey(job.id), token: job.token });
    await timed(() => ctx.bounded(sync.restore()));
    // Progress only informs the coordinator: a report lost while Redis restarts costs nothing.
    job.updateProgress({ v: QUEUE_PROTOCOL_VERSION, at: 'started', worker: ctx.name, from: newestCheckpointStep(join(sync.dir, 'checkpoints')) }).catch(() => undefined);
    const out: R | 'stopped' = await work({ work: scratch, dir: sync.dir, push: () => timed(() => ctx.bounded(sync.push())) });
    return out === 'stopped' ? out : { ...out, seconds: (Date.now() - t0) / 1000, overheadSeconds: transfer };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
