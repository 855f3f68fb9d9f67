import { join } from 'node:path';
import { search } from '../jobs/search.js';
import type { SearchReport } from '../search/search-run.js';
import { parseFaultSpec } from '../supervisor/faults.js';
import { parseGpuList } from '../supervisor/placement.js';
import { choiceFlag, stringFlag, type Command } from './command.js';
import { classesText, scoresBesideReal } from './scores-text.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, interruptSignal, seedFlag, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan search --config FILE [--out DIR] [--seed N] [--overlap on|off] [--reward is|fid]
                      [--gpus LIST] [--backend B] [--redis URL] [--fault SPEC]...
       autogan search --resume DIR [--gpus LIST] [--backend B] [--redis URL] [--fault SPEC]...

Runs AutoGAN's architecture search (multi-level, RL controller, shared GAN with dynamic reset) on the
config's data set, then derives the result: the best architectures of the final policy are trained from
scratch and scored with IS and FID. The Controller, SharedTrainer, Evaluator and Resetter run as supervised
actors: worker threads, or with --gpus one process per GPU for the trainer and the evaluators. Derivation runs
on Deriver actors: search.derive.parallel threads at once, or with --gpus one process per GPU.

Options:
  --config FILE      run configuration (configs/mnist-tiny.json is the default job, configs/smoke.json the smallest)
  --out DIR          run directory, new or empty (default runs/search-<time>)
  --resume DIR       continue the run in DIR from its newest intact checkpoint
  --seed N           overrides the config's seed
  --overlap on|off   score snapshot v while the shared GAN trains v+1 (overrides search.overlap)
  --reward is|fid    child reward: Inception Score or 1/FID (overrides search.reward)
  --gpus LIST        e.g. 0,1: SharedTrainer on the first GPU, Evaluators on the rest, then a Deriver on each
                     (one process each)
  --redis URL        derive on a worker pool: each derivation becomes a job on the queue at URL
                     (redis://[user:password@]host[:port][/db], rediss:// for TLS) for \`autogan worker\`s;
                     with --resume, jobs still in the queue are waited for, not enqueued again
  --fault SPEC       inject a fault, KIND:ACTOR@N (KIND crash|hang|nan|malformed; repeatable; for tests)
${BACKEND_HELP}

The last lines name the best derived architecture with its IS and FID; with the digit classifier (MNIST)
beside the held-out real digits' own IS and FID, and with the share of each digit it draws (docs/scores.md).

Writes to the run directory: config.json (the effective config), events.jsonl (follow it with
\`autogan tail DIR --follow\`), checkpoints/, stats/, derive/topK/ (each derived architecture's training:
checkpoints, samples/*.png, report.json), and report.json.`;

function printResult(r: SearchReport): void {
  console.log(`\nsearch ${r.interrupted ? 'interrupted' : 'finished'}: ${r.iterations.length} iterations, ${r.resets} resets, ${r.restarts} actor restarts, overlap ${r.overlap ? 'on' : 'off'}`);
  for (const d of r.derived) {
    console.log(`top ${d.rank}: ${d.arch}   proxy reward ${d.proxyReward.toFixed(3)}`);
    for (const w of d.words) console.log(`    ${w}`);
    console.log(`    trained ${d.steps} G steps: ${scoresBesideReal(d)}`);
    if (d.classes) console.log(`    ${classesText(d.classes.shares, d.heldOut)}`);
  }
  // The run's last lines: what it found, its scores beside the held-out real digits', and the digits it draws.
  const best = r.best;
  if (best) console.log(`best: ${best.arch}  (${scoresBesideReal(best)})`);
  if (best?.classes) console.log(`      ${classesText(best.classes.shares, best.heldOut)}`);
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'run the architecture search, then train and score the discovered architectures',
  help,
  options: {
    config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'string' }, seed: { type: 'string' },
    overlap: { type: 'string' }, reward: { type: 'string' }, gpus: { type: 'string' }, redis: { type: 'string' }, fault: { type: 'string', multiple: true },
    ...BACKEND_OPTION,
  },
  async run(values) {
    const overlap = choiceFlag(values, 'overlap', ['on', 'off'] as const);
    const gpusText = stringFlag(values, 'gpus');
    const settings = {
      config: stringFlag(values, 'config'), resume: stringFlag(values, 'resume'), out: stringFlag(values, 'out'), seed: seedFlag(values),
      overlap: overlap === undefined ? undefined : overlap === 'on', reward: choiceFlag(values, 'reward', ['is', 'fid'] as const),
      gpus: gpusText === undefined ? null : parseGpuList(gpusText),
      faults: ((values.fault as string[] | undefined) ?? []).map(parseFaultSpec),
      backend: backendFlag(values), redis: stringFlag(values, 'redis'),
    };
    const { signal, release } = interruptSignal(stderrLine);
    try {
      const run = search({ ...settings, signal, log: stderrLine, progress: process.stderr });
      const report = await run.result.catch((e: unknown) => {
        // Stopped before the search started: nothing to report.
        if (signal.aborted && e === signal.reason) return null;
        throw e;
      });
      if (report === null) return 130;
      printResult(report);
      console.log(`report: ${join(run.dir, 'report.json')}; events: ${join(run.dir, 'events.jsonl')}`);
      if (signal.aborted) return 130;
      if (report.interrupted) throw new Error('search ended without deriving an architecture');
      return 0;
    } finally {
      release();
    }
  },
};
