/**
 * A study's runs on the worker pool (`study --redis`): each run (arm × seed) is a job under a deterministic id
 * (the study's key and the run's name), all of them enqueued at once; the coordinator waits for each, writes the
 * run directory the worker left in Redis into the study's runs/ (its report.json last: a run with a finished
 * report is one the study reads and never repeats), and drops the job. A run the study had started here is
 * sent to Redis first, so that a worker resumes it from its newest checkpoint.
 */
import { existsSync } from 'node:fs';
import type { RunConfig } from '../config/run-config.js';
import { QUEUE_PROTOCOL_VERSION, parseStudyRunResult } from '../protocol/queue-jobs.js';
import { FolderSync, writeFolder } from './folder-snapshot.js';
import { folderKey } from './names.js';
import type { QueueClient } from './queue-client.js';

export interface StudyRunTask {
  /** The run's folder name in the study (`<arm>-seed<N>`). */
  readonly name: string;
  /** Its run directory in the study. */
  readonly dir: string;
  readonly config: RunConfig;
}

export interface StudyQueueOptions {
  readonly client: QueueClient;
  /** The study's key (names.ts runKey of the study directory). */
  readonly studyKey: string;
  readonly log: (line: string) => void;
  /** Stops waiting; the runs go on in the pool and `study --resume` re-attaches to them. */
  readonly signal?: AbortSignal;
}

/**
 * Runs one study run on the pool: resolves once its directory is written into the study (false if `signal`
 * stopped the wait first); rejects naming the run and its job when the job failed for good.
 */
export function studyRunOnQueue(o: StudyQueueOptions): (task: StudyRunTask) => Promise<boolean> {
  return async (task) => {
    const id = `${o.studyKey}.${task.name}`;
    const known = await o.client.queue.getJob(id);
    if (!known && existsSync(task.dir)) await new FolderSync(o.client.redis, folderKey(id), task.dir).push();
    const { job, attached } = await o.client.submit(id, { v: QUEUE_PROTOCOL_VERSION, kind: 'study-run', run: o.studyKey, name: task.name, config: task.config });
    o.log(`study: ${attached ? 'attached to' : 'enqueued'} job ${id}: run ${task.name}`);
    const unfollow = o.client.onProgress(id, (p) => p.at === 'started' && o.log(`study: run ${task.name} on ${p.worker}${p.from > 0 ? `, resuming at iteration ${p.from}` : ''}`));
    try {
      const ended = await o.client.finished(job, o.signal);
      if (ended === null) return false;
      const result = parseStudyRunResult(ended.result);
      writeFolder(task.dir, await o.client.folder(id));
      o.log(`study: run ${task.name} recorded (worker ${result.worker}, ${result.seconds.toFixed(0)} s, ${result.overheadSeconds.toFixed(1)} s moving its folder)`);
      await o.client.forget(id);
      return true;
    } catch (e) {
      if (o.signal?.aborted) return false;
      const { attempts, error } = await o.client.failure(id);
      throw new Error(`study run ${task.name} (job ${id}) failed after ${attempts} attempts: ${error || o.client.target.redact((e as Error).message)}`);
    } finally {
      unfollow();
    }
  };
}
