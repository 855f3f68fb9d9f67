/**
 * `autogan worker`: takes jobs from the queue (derivations, study runs) and runs them, `concurrency` at a time, until stopped. Each job's
 * payload is checked first: one that does not validate fails at once (no retry can fix it), naming the field.
 * A worker that dies (SIGKILL, a lost machine) stops renewing its jobs' locks; after `stallSeconds` another
 * worker takes them and resumes each from the checkpoint it left in Redis. Stopped with SIGINT/SIGTERM, it ends
 * each derivation after its current step, sends the checkpoint and puts the job back for another worker; with
 * Redis away it waits for that at most the stall period (stop-grace.ts), then leaves the job to lapse to another
 * worker, and a worker with no job in hand leaves at once.
 * A worker that lives but loses a job's lock (silent past `stallSeconds`, Redis's lock gone) stops that job at
 * once and sends nothing more of it: its folder pushes are fenced by the lock's token, so the job's new holder
 * is never overwritten by the old one.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { BackendInfo } from '../backend/select.js';
import { parseJobProgress, parseQueueJob, type DeriveJobResult, type JobProgress, type StudyRunJobResult } from '../protocol/queue-jobs.js';
import { FieldError } from '../errors.js';
import { checkReachable, type RedisTarget } from './connection.js';
import { runDeriveJob } from './derive-job.js';
import { LockLostError } from './folder-snapshot.js';
import { runStudyRunJob, type SearchJob } from './study-run-job.js';
import { KEY_PREFIX, QUEUE_NAME } from './names.js';
import { queueConnection } from './reconnecting.js';
import { QueueSilentError, stopGrace } from './stop-grace.js';
import { workerStats } from './worker-stats.js';

export interface WorkerOptions {
  readonly target: RedisTarget;
  readonly backend: BackendInfo;
  readonly gpus: readonly number[] | null;
  /** Jobs at once. */
  readonly concurrency: number;
  readonly workDir: string;
  /** How long a job's lock lasts without renewal: how soon a dead worker's job goes to another. */
  readonly stallSeconds: number;
  readonly log: (line: string) => void;
  /** Ends the worker: jobs in hand stop after their current step and go back to the queue. */
  readonly signal: AbortSignal;
  /** The search job (src/jobs/search.ts), which runs a study run as `autogan search` runs a search. */
  readonly search: SearchJob;
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  mkdirSync(o.workDir, { recursive: true });
  await checkReachable(o.target);
  const name = `${hostname()}-${process.pid}`;
  const connection = queueConnection(o.target, o.log);
  const { redis } = connection;
  const gpuShare = gpuSharing(o.gpus);
  const bounded = stopGrace(o.signal, o.stallSeconds * 1000);
  const referenceStats = workerStats(o.workDir, o.backend.requested, o.log);
  const ctx = { name, workDir: o.workDir, referenceStats, redis, backend: o.backend, gpus: o.gpus, log: o.log, redact: o.target.redact, signal: o.signal, bounded };
  /** Attempts in hand by job id: a job this worker lost and took again waits for its old attempt to end. */
  const inHand = new Map<string, Promise<unknown>>();
  const processor = async (job: Job, token?: string, lockSignal?: AbortSignal): Promise<DeriveJobResult | StudyRunJobResult> => {
    let data;
    try {
      data = parseQueueJob(job.name, job.data);
    } catch (e) {
      if (e instanceof FieldError) throw new UnrecoverableError(`job ${job.id}: bad payload: ${e.message}`);
      throw e;
    }
    await inHand.get(job.id!);
    o.log(`job ${job.id}: ${data.kind === 'derive' ? `derivation top${data.rank}` : `study run ${data.name}`} of ${data.run} (attempt ${job.attemptsMade + 1})`);
    const gpus = gpuShare.take();
    const running = { id: job.id!, token: token!, updateProgress: (p: JobProgress) => bounded(job.updateProgress(parseJobProgress(p))) };
    const jobCtx = { ...ctx, gpus, signal: lockSignal ? AbortSignal.any([o.signal, lockSignal]) : o.signal };
    // A job taken as the worker stopped (its fetch already under way) goes straight back to the queue.
    const attempt = o.signal.aborted ? Promise.resolve('stopped' as const) : data.kind === 'derive' ? runDeriveJob(running, data, jobCtx) : runStudyRunJob(running, data, jobCtx, o.search);
    const settled = attempt.catch(() => undefined);
    inHand.set(job.id!, settled);
    try {
      const result = await attempt;
      if (lockSignal?.aborted) throw new LockLostError('lost its lock');
      if (result !== 'stopped') return result;
      await bounded(job.moveToWait(token));
      throw new WaitingError();
    } catch (e) {
      if (e instanceof WaitingError) throw e;
      if (e instanceof QueueSilentError) {
        o.log(`job ${job.id}: stopped, but Redis did not answer for ${o.stallSeconds} s (--stall-seconds): its checkpoint and the job were not handed back; another worker takes it once its lock lapses and resumes it from the last checkpoint that reached Redis`);
        throw new WaitingError();
      }
      if (e instanceof LockLostError || lockSignal?.aborted) {
        // The job is another worker's now (or soon will be): leave it alone, neither finished nor failed.
        o.log(`job ${job.id}: lost its lock (this worker was silent too long, or Redis forgot the lock); stopped without sending its folder`);
        throw new WaitingError();
      }
      const message = o.target.redact((e as Error)?.message ?? String(e));
      o.log(`job ${job.id}: failed: ${message}`);
      throw new Error(message);
    } finally {
      gpuShare.release(gpus);
      if (inHand.get(job.id!) === settled) inHand.delete(job.id!);
    }
  };
  /** Jobs being processed: a stopping worker waits for them itself, since a forced close would not. */
  const processing = new Set<Promise<unknown>>();
  const tracked = (job: Job, token?: string, lockSignal?: AbortSignal) => {
    const p = processor(job, token, lockSignal);
    const settled = p.catch(() => undefined);
    processing.add(settled);
    void settled.then(() => processing.delete(settled));
    return p;
  };
  const worker = new Worker(QUEUE_NAME, tracked, {
    connection: connection.options, prefix: KEY_PREFIX, name, concurrency: o.concurrency,
    lockDuration: o.stallSeconds * 1000, stalledInterval: o.stallSeconds * 1000,
    // A job whose worker was lost twice is still worth a third try: the checkpoints make retries cheap.
    maxStalledCount: 2,
  });
  // A lock that could not be renewed is gone: stop the job at once rather than run it beside its new holder.
  worker.on('lockRenewalFailed', (ids) => ids.forEach((id) => worker.cancelJob(id, 'lost its lock')));
  connection.watch(worker);
  const stopped = new Promise<void>((resolve) => (o.signal.aborted ? resolve() : o.signal.addEventListener('abort', () => resolve(), { once: true })));
  let reachable = false;
  try {
    await Promise.race([worker.waitUntilReady().then(() => o.log(`worker ${name}: taking jobs from ${o.target.shown} (${o.concurrency} at once, backend ${o.backend.name})`)), stopped]);
    await stopped;
  } finally {
    // No more jobs; those in hand end after their current step, their exchanges with Redis bounded.
    await worker.pause(true);
    while (processing.size > 0) await Promise.all(processing);
    reachable = redis.status === 'ready';
    // Without Redis a polite close would wait for it (QUIT and the blocking read wait in the offline queue).
    await worker.close(!reachable);
    redis.disconnect();
  }
  o.log(reachable ? `worker ${name}: stopped` : `worker ${name}: stopped without reaching the queue at ${o.target.shown}`);
}

/**
 * With --gpus, each job in hand gets one GPU for its actors, the one with the fewest jobs on it (jobs share
 * GPUs only when --concurrency exceeds them); without, jobs run on threads.
 */
function gpuSharing(gpus: readonly number[] | null): { take(): number[] | null; release(taken: number[] | null): void } {
  const jobs = new Map((gpus ?? []).map((g) => [g, 0]));
  return {
    take() {
      if (gpus === null || gpus.length === 0) return null;
      const [gpu] = [...jobs].reduce((a, b) => (b[1] < a[1] ? b : a));
      jobs.set(gpu, jobs.get(gpu)! + 1);
      return [gpu];
    },
    release(taken) {
      for (const g of taken ?? []) jobs.set(g, jobs.get(g)! - 1);
    },
  };
}
