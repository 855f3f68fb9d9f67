import { join } from 'node:path';
import { study } from '../jobs/study.js';
import { parseGpuList } from '../supervisor/placement.js';
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
per claim with a bootstrap confidence interval over seeds: better, worse, equivalent within the config's margin
(its 90 % interval inside ±margin: two one-sided tests), or undecided with the seeds that would decide it.

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
    const gpusText = stringFlag(values, 'gpus');
    const { signal, release } = interruptSignal(stderrLine);
    try {
      const result = await study({
        config: stringFlag(values, 'config'), out: stringFlag(values, 'out'), resume: stringFlag(values, 'resume'),
        gpus: gpusText === undefined ? undefined : parseGpuList(gpusText), redis: stringFlag(values, 'redis'), backend: backendFlag(values),
        signal, log: stderrLine, progress: process.stderr,
      });
      console.log(`study ${result.complete ? 'finished' : 'interrupted'}: ${join(result.dir, 'study.md')}`);
      for (const c of result.claims) console.log(`  ${c.verdict}: ${c.claim}`);
      console.log(`  ${result.proxyCorrelation.verdict}: ${result.proxyCorrelation.claim}`);
      return signal.aborted ? 130 : 0;
    } finally {
      release();
    }
  },
};
