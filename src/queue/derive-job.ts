/**
 * A derivation job on a worker: one supervised Deriver, with the placement and restarts of a local run, trains
 * the candidate in the job's folder (restored from Redis: a retried job resumes at its last checkpoint), one
 * checkpoint interval per request; after each interval the folder's changes go to Redis and the step to the
 * job's progress. The worker's own event log of the job stays in its scratch folder; the run's log is the
 * coordinator's.
 */
import { deriverActorConfig } from '../actors/logic/actor-config.js';
import { QUEUE_PROTOCOL_VERSION, type DeriveJobData, type DeriveJobResult } from '../protocol/queue-jobs.js';
import { refreshReportQuietly } from '../report/refresh.js';
import { startDeriverPool } from '../supervisor/actor-system.js';
import { runDirPaths } from '../supervisor/run-dir.js';
import { inJobFolder, type RunningJob, type WorkerContext } from './job-folder.js';

export async function runDeriveJob(job: RunningJob, data: DeriveJobData, ctx: WorkerContext): Promise<DeriveJobResult | 'stopped'> {
  const done = await inJobFolder(job, ctx, async (folder) => {
    const statsFile = await ctx.referenceStats.fileFor(data.config);
    const pool = await startDeriverPool({
      runDir: runDirPaths(folder.work), seed: data.config.seed, gpus: ctx.gpus, backend: ctx.backend.requested, count: 1,
      config: deriverActorConfig(data.config, statsFile, ctx.backend.name),
    });
    try {
      const { port } = pool.derivers[0]!;
      const last = { dLoss: Number.NaN, gLoss: Number.NaN };
      for (;;) {
        const chunk = await Promise.race([
          port.advance({ arch: data.arch, dir: folder.dir }, (s) => {
            ({ dLoss: last.dLoss, gLoss: last.gLoss } = s);
            return ctx.signal.aborted ? 'stop' : 'continue';
          }),
          pool.failure.then((e) => Promise.reject(e)),
        ]);
        // The worker owns the folder while the job runs: its report goes with its checkpoint.
        refreshReportQuietly(folder.dir, ctx.log);
        const bytes = await folder.push();
        if (chunk.scores) return { step: chunk.step, steps: chunk.steps, scores: chunk.scores };
        await job.updateProgress({ v: QUEUE_PROTOCOL_VERSION, at: 'checkpoint', worker: ctx.name, step: chunk.step, steps: chunk.steps, ...last, bytes });
        if (chunk.interrupted || ctx.signal.aborted) return 'stopped' as const;
      }
    } finally {
      await pool.shutdown('job ended');
    }
  });
  return done === 'stopped' ? done : { v: QUEUE_PROTOCOL_VERSION, worker: ctx.name, ...done };
}
