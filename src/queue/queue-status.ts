/** What `autogan queue status` shows: the queue's jobs by state, the failed ones' errors, and the live workers. */
import type { Queue } from 'bullmq';

export interface QueueStatus {
  readonly counts: Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;
  /** Active jobs with the worker's last report; failed ones with their error. */
  readonly active: { id: string; progress: unknown }[];
  readonly failed: { id: string; attempts: number; error: string }[];
  /** Connected workers by name (host-pid). */
  readonly workers: string[];
}

export async function queueStatus(queue: Queue, redact: (text: string) => string, limit = 20): Promise<QueueStatus> {
  const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  const active = await queue.getJobs(['active'], 0, limit - 1);
  const failed = await queue.getJobs(['failed'], 0, limit - 1);
  const workers = await queue.getWorkers();
  return {
    counts: { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 },
    active: active.map((j) => ({ id: j.id!, progress: j.progress })),
    failed: failed.map((j) => ({ id: j.id!, attempts: j.attemptsMade, error: redact(j.failedReason ?? '') })),
    // A worker's connection is named `<prefix>:<queue, base64>:w:<worker name>`.
    workers: workers.map((w) => String(w.rawname ?? '').split(':w:')[1] ?? '').filter((n) => n !== '').sort(),
  };
}

/** The status for people. */
export function formatQueueStatus(s: QueueStatus, shown: string): string {
  const lines = [
    `queue at ${shown}`,
    `jobs: ${s.counts.waiting} waiting, ${s.counts.active} active, ${s.counts.delayed} delayed (retry back-off), ${s.counts.completed} completed (not yet recorded), ${s.counts.failed} failed`,
    `workers alive: ${s.workers.length}${s.workers.length > 0 ? ` (${s.workers.join(', ')})` : ''}`,
  ];
  for (const a of s.active) lines.push(`  active  ${a.id}  ${JSON.stringify(a.progress)}`);
  for (const f of s.failed) lines.push(`  failed  ${f.id}  after ${f.attempts} attempts: ${f.error}`);
  return lines.join('\n');
}
