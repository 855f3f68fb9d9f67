import { join } from 'node:path';
import { startBackend } from '../backend/select.js';
import { flagError } from '../errors.js';
import { defaultRunDir } from '../jobs/job-options.js';
import { parseGpuList } from '../supervisor/placement.js';
import { loadStudy } from '../study/study-config.js';
import { assertNewStudyDir, createStudyDir, openStudyDir, runStudy } from '../study/study-run.js';
import { parseRedisUrl } from '../queue/connection.js';
import { runKey } from '../queue/names.js';
import { QueueClient } from '../queue/queue-client.js';
import { studyRunOnQueue } from '../queue/study-on-queue.js';
import { stringFlag, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, interruptSignal, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan study --config FILE [--out DIR] [--gpus LIST] [--backend B] [--redis URL]
       autogan study --resume DIR [--gpus LIST] [--backend B] [--redis URL]

Runs the paper's ablations as an experiment: every arm of the study config (full, random-shared,
random-independent, no-reset, single-level) searches once per seed with the same budget (shared-GAN
minibatches, children scored, and the same derivation), each as an ordinary search run in DIR/runs/ (follow one
with \`autogan tail DIR/runs/ARM-seedN --follow\`). DIR/study.json and study.md hold the table, rewritten as runs
finish: per arm the derived architectures' IS and FID (mean ± std over seeds), search time, resets and budget
spent (counted from the event logs); the rank correlation of proxy reward and from-scratch score; and one line
per claim (better, no difference, worse) with a bootstrap confidence interval over seeds.

Options:
  --config FILE   study config (configs/mnist-study.json: the paper's four comparisons on MNIST)
  --out DIR       study directory, new or empty (default runs/study-<time>)
  --resume DIR    continue the study in DIR: finished runs are kept, a started one resumes from its checkpoint
  --gpus LIST     e.g. 0,1: placement of every run's actors, as for search
  --redis URL     run on a worker pool: every run a job on the queue at URL (redis://[user:password@]host[:port][/db],
                  rediss:// for TLS) for \`autogan worker\`s, all at once; with --resume, runs still in the queue
                  are waited for, not enqueued again
${BACKEND_HELP}

Exit codes: 0 done, 2 bad input, 130 interrupted (resume with --resume), 1 a run failed (resume with --resume).`;

export const studyCommand: Command = {
  name: 'study',
  summary: 'run the paper\'s ablations across seeds at equal budget and write the table of results',
  help,
  options: { config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, gpus: { type: 'string' }, redis: { type: 'string' }, ...BACKEND_OPTION },
  async run(values) {
    const resumeDir = stringFlag(values, 'resume');
    const configPath = stringFlag(values, 'config');
    if (resumeDir !== undefined) {
      for (const f of ['config', 'out']) if (values[f] !== undefined) throw flagError(f, 'cannot be combined with --resume (the study keeps its saved settings)');
    } else if (configPath === undefined) throw flagError('config', 'is required (or --resume DIR)');
    const gpusText = stringFlag(values, 'gpus');
    const gpus = gpusText === undefined ? null : parseGpuList(gpusText);
    const redisUrl = stringFlag(values, 'redis');
    const target = redisUrl === undefined ? null : parseRedisUrl(redisUrl);
    const dir = resumeDir ?? stringFlag(values, 'out') ?? defaultRunDir('study');
    const study = resumeDir !== undefined ? openStudyDir(resumeDir) : loadStudy(configPath!);
    if (resumeDir === undefined) assertNewStudyDir(dir);
    // Started here, so that a backend that cannot start is an error before the study directory is made.
    const backend = (await startBackend(backendFlag(values), { wantGpu: gpus !== null, log: stderrLine })).requested;
    // Reached before the study directory is made, so that a wrong address loses nothing.
    const queue = target && (await QueueClient.open(target, stderrLine));
    const { signal, release } = interruptSignal(stderrLine);
    try {
      if (resumeDir === undefined) createStudyDir(dir, study);
      const remote = queue ? studyRunOnQueue({ client: queue, studyKey: runKey(dir), log: stderrLine, signal }) : undefined;
      const result = await runStudy({ dir, study, gpus, backend, signal, log: stderrLine, progress: process.stderr, remote });
      console.log(`study ${result.complete ? 'finished' : 'interrupted'}: ${join(dir, 'study.md')}`);
      for (const c of result.claims) console.log(`  ${c.verdict}: ${c.claim}`);
      console.log(`  ${result.proxyCorrelation.verdict}: ${result.proxyCorrelation.claim}`);
      return signal.aborted ? 130 : 0;
    } finally {
      release();
      await queue?.close();
    }
  },
};
