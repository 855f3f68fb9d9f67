/**
 * The coordinator's side of the queue: submitting jobs under their deterministic ids (or finding them again),
 * following their progress, waiting for their end, and reading the folders they leave in Redis.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJobProgress, type JobProgress, type QueueJobData } from '../protocol/queue-jobs.js';
import { checkReachable, type RedisTarget } from './connection.js';
import { readFolder } from './folder-snapshot.js';
import { KEY_PREFIX, QUEUE_NAME, folderKey } from './names.js';
import { queueConnection } from './reconnecting.js';

/** Tries of a job before it ends failed (a worker's crash counts when its job stalls; see worker.ts). */
export const JOB_ATTEMPTS = 3;

export class QueueClient {
  private constructor(
    readonly target: RedisTarget,
    readonly queue: Queue,
    private readonly events: QueueEvents,
    readonly redis: Redis,
  ) {}

  /** `log` gets connection trouble after the start (Redis restarting: a line per reconnect attempt), redacted. */
  static async open(target: RedisTarget, log: (line: string) => void): Promise<QueueClient> {
    await checkReachable(target);
    const connection = queueConnection(target, log);
    const queue = new Queue(QUEUE_NAME, { connection: connection.options, prefix: KEY_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection: connection.options, prefix: KEY_PREFIX });
    for (const c of [queue, events]) connection.watch(c);
    const client = new QueueClient(target, queue, events, connection.redis);
    try {
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    } catch (e) {
      await client.close();
      throw new Error(`queue at ${target.shown}: ${target.redact((e as Error).message)}`);
    }
    return client;
  }

  /**
   * The job with this id: the one already in the queue (a restarted coordinator re-attaches to it) or a new one.
   * Jobs are kept when they end, so that their result is read, and recorded, by whoever waits for them.
   */
  async submit(id: string, data: QueueJobData): Promise<{ job: Job; attached: boolean }> {
    const found = await this.queue.getJob(id);
    if (found) return { job: found as Job, attached: true };
    const job = await this.queue.add(data.kind, data, {
      jobId: id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false,
    });
    return { job: job as Job, attached: false };
  }

  /** Each progress report of job `id`, checked; an unreadable one is skipped (it only informs). */
  onProgress(id: string, f: (p: JobProgress) => void): () => void {
    const listener = ({ jobId, data }: { jobId: string; data: unknown }) => {
      if (jobId !== id) return;
      try {
        f(parseJobProgress(data));
      } catch {
        // A report from a worker of another version: the result is checked where it matters.
      }
    };
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  /**
   * The job's return value once it completes, or null if `signal` stops the wait first (the job goes on);
   * rejects with its last error once it has failed for good.
   */
  async finished(job: Job, signal?: AbortSignal): Promise<{ result: unknown } | null> {
    const stopped = new Promise<null>((resolve) => {
      if (signal?.aborted) resolve(null);
      else signal?.addEventListener('abort', () => resolve(null), { once: true });
    });
    return Promise.race([job.waitUntilFinished(this.events).then((result: unknown) => ({ result })), stopped]);
  }

  /** Attempts made and the last error of a failed job. */
  async failure(id: string): Promise<{ attempts: number; error: string }> {
    const job = await this.queue.getJob(id);
    return { attempts: job?.attemptsMade ?? 0, error: this.target.redact(job?.failedReason ?? 'the job is gone from the queue') };
  }

  /** The folder a job left in Redis. */
  folder(id: string): Promise<Map<string, Buffer>> {
    return readFolder(this.redis, folderKey(id));
  }

  /** Drops a recorded job and its folder from Redis. */
  async forget(id: string): Promise<void> {
    await this.redis.del(folderKey(id));
    await this.queue.remove(id);
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await Promise.allSettled([this.events.close(), this.queue.close()]);
    else {
      // Without Redis a polite close would wait for it (QUIT, and the end of a read in the offline queue): drop the
      // connections, leaving those waits unanswered.
      for (const c of [this.events, this.queue]) c.disconnect().catch(() => undefined);
    }
    this.redis.disconnect();
  }
}

