/**
 * Derivation on the worker pool (`search --redis`): each candidate becomes a job under a deterministic id; the
 * coordinator follows its progress into the run's event log, and when it completes writes the folder the worker
 * left in Redis into derive/topK/ and records the result, once per job id: a folder holding its report is
 * finished (derivation.ts does not derive it again), and the job is dropped from Redis only after that.
 */
import type { RunConfig } from '../config/run-config.js';
import { QUEUE_PROTOCOL_VERSION, parseDeriveResult } from '../protocol/queue-jobs.js';
import type { DeriveEvent, QueueEvent } from '../protocol/events.js';
import type { DeriveTask, RemoteDerivation } from '../search/derivation.js';
import { writeFolder } from './folder-snapshot.js';
import { deriveJobId } from './names.js';
import type { QueueClient } from './queue-client.js';

export interface QueueDerivationOptions {
  readonly client: QueueClient;
  /** The run's key (names.ts runKey). */
  readonly runKey: string;
  readonly config: RunConfig;
  readonly emit: (e: DeriveEvent | QueueEvent) => void;
  readonly log: (line: string) => void;
  /** Stops waiting (the jobs go on in the pool; `--resume` re-attaches to them). */
  readonly signal?: AbortSignal;
}

export function deriveOnQueue(o: QueueDerivationOptions): RemoteDerivation {
  return async (todo, finished) => {
    let busySeconds = 0;
    const failed: string[] = [];
    const one = async (task: DeriveTask) => {
      const id = deriveJobId(o.runKey, task.rank);
      const { job, attached } = await o.client.submit(id, { v: QUEUE_PROTOCOL_VERSION, kind: 'derive', run: o.runKey, rank: task.rank, arch: task.arch, config: o.config });
      o.emit({ type: 'queue.submitted', job: id, rank: task.rank, attached });
      o.log(`${attached ? 'attached to' : 'enqueued'} job ${id}: derivation top${task.rank}`);
      const unfollow = o.client.onProgress(id, (p) => {
        if (p.at === 'started') {
          o.emit({ type: 'queue.started', job: id, worker: p.worker, from: p.from });
          o.emit({ type: 'derive.started', actor: p.worker, rank: task.rank, arch: task.arch, dir: task.dir });
        } else o.emit({ type: 'derive.progress', actor: p.worker, rank: task.rank, step: p.step, steps: p.steps, dLoss: p.dLoss, gLoss: p.gLoss });
      });
      try {
        const ended = await o.client.finished(job, o.signal);
        if (ended === null) return;
        const result = parseDeriveResult(ended.result);
        const files = await o.client.folder(id);
        writeFolder(task.dir, files);
        o.emit({ type: 'derive.finished', actor: result.worker, rank: task.rank, steps: result.step, seconds: result.seconds, ...result.scores });
        finished(task);
        const bytes = [...files.values()].reduce((a, b) => a + b.length, 0);
        o.emit({ type: 'queue.recorded', job: id, worker: result.worker, files: files.size, bytes, overheadSeconds: result.overheadSeconds });
        busySeconds += result.seconds;
        await o.client.forget(id);
      } catch (e) {
        if (o.signal?.aborted) return;
        const { attempts, error } = await o.client.failure(id);
        o.emit({ type: 'queue.failed', job: id, rank: task.rank, attempts, error });
        failed.push(`top${task.rank} (job ${id}) failed after ${attempts} attempts: ${error || o.client.target.redact((e as Error).message)}`);
      } finally {
        unfollow();
      }
    };
    await Promise.all(todo.map(one));
    if (failed.length > 0) throw new Error(`derivation on the queue: ${failed.join('; ')}`);
    return busySeconds;
  };
}
