/**
 * Names in Redis. Job ids are deterministic (the run's key and what the job is), so a coordinator that restarts
 * finds its jobs again instead of enqueueing them twice, and a result is recorded once, by job id.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { checkedFromFile, obj, str } from '../util/schema.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/** The one BullMQ queue: each job's name is its kind (derive). */
export const QUEUE_NAME = 'autogan';
/** BullMQ's key prefix, and ours for the folders that travel beside the jobs. */
export const KEY_PREFIX = 'bull';

export function deriveJobId(runKey: string, rank: number): string {
  return `${runKey}.derive.top${rank}`;
}

/** The Redis hash holding a job's folder, one field per file (src/queue/folder-snapshot.ts). */
export function folderKey(jobId: string): string {
  return `${KEY_PREFIX}:${QUEUE_NAME}:folder:${jobId}`;
}

/** BullMQ's lock on a job: its value is the token of the worker that holds the job. */
export function jobLockKey(jobId: string): string {
  return `${KEY_PREFIX}:${QUEUE_NAME}:${jobId}:lock`;
}

const queueFile = obj({ runKey: str });

/**
 * The run's key in the queue, made once and kept in the run directory (queue.json), so that a resumed
 * coordinator's job ids are the ones it enqueued before and two runs never share one.
 */
export function runKey(runDir: string): string {
  const path = join(runDir, 'queue.json');
  if (existsSync(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw fileError(path, 'damaged: not JSON');
    }
    return checkedFromFile(path, () => queueFile.parse(parsed, '')).runKey;
  }
  const key = `run-${randomUUID()}`;
  writeFileAtomic(path, [Buffer.from(JSON.stringify({ runKey: key }, null, 2))]);
  return key;
}
