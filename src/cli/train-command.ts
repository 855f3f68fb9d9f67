import { join } from 'node:path';
import { train } from '../jobs/train.js';
import { intFlag, stringFlag, type Command } from './command.js';
import { classesText, scoresBesideReal } from './scores-text.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, interruptSignal, seedFlag, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan train --arch "A" --config FILE [--steps N] [--out DIR] [--seed N] [--backend B]
       autogan train --resume DIR

Trains one architecture from scratch (the paper's final step): a generator holding only that
architecture's path, the full discriminator, hinge loss, Adam, n_critic D steps per G step, and an
exponential moving average (EMA) of G's weights used for samples and evaluation.

Options:
  --arch "A"       the 14 tokens, e.g. "1 0 1 1  1 0 0 1 1  1 0 1 0 3" (commas also accepted)
  --config FILE    run configuration (configs/*.json); its train slice sets batch sizes, rates, schedule
  --steps N        generator steps (overrides train.steps)
  --out DIR        run directory, new or empty (default runs/train-<time>)
  --resume DIR     continue the run in DIR from its newest intact checkpoint
  --seed N         overrides the config's seed
${BACKEND_HELP}

Writes to the run directory:
  config.json                  the training's settings (the config less its search section), the architecture
  checkpoints/step-N.ckpt      full training state (atomic; the 3 newest are kept)
  samples/step-N.png, final.png  8x8 grids from the EMA generator
  report.json                  steps, speed, loss history, IS/FID (and class coverage), paths
  report.html, tb/             the report for people and TensorBoard's event file, rewritten at each checkpoint

With train.evalEvery > 0 in the config (configs/mnist-tiny.json sets it) the EMA generator is scored
(IS, FID on eval.samples images) that often and at the end. With the digit classifier (eval.features
digits) each evaluation also measures the share of each digit among the samples and, per digit, how
many held-out real digits D calls real; the end prints the held-out real digits' own IS and FID beside
the generator's (docs/scores.md).`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one architecture from scratch, with checkpoints and sample grids',
  help,
  options: {
    arch: { type: 'string' }, config: { type: 'string' }, steps: { type: 'string' }, out: { type: 'string' },
    resume: { type: 'string' }, seed: { type: 'string' }, ...BACKEND_OPTION,
  },
  async run(values) {
    const settings = {
      arch: stringFlag(values, 'arch'), config: stringFlag(values, 'config'), resume: stringFlag(values, 'resume'), out: stringFlag(values, 'out'),
      steps: intFlag(values, 'steps', 1), seed: seedFlag(values), backend: backendFlag(values),
    };
    const { signal, release } = interruptSignal(stderrLine);
    try {
      const report = await train({ ...settings, signal, log: stderrLine, progress: process.stderr });
      console.log(`${report.interrupted ? 'interrupted' : 'trained'} ${report.arch}: ${report.steps} steps in ${report.wallSeconds.toFixed(1)} s`);
      console.log(`D loss ${report.firstDLoss?.toFixed(3)} → ${report.lastDLoss?.toFixed(3)}; report: ${join(report.dir, 'report.json')}; checkpoint: ${report.checkpoint}`);
      const s = report.scores;
      if (s) {
        console.log(scoresBesideReal(s, ` on ${s.n} samples (${s.features} features)`));
        if (s.classes) console.log(classesText(s.classes.shares, s.heldOut));
        console.log(`report for people: ${join(report.dir, 'report.html')}`);
      }
      return report.interrupted ? 130 : 0;
    } finally {
      release();
    }
  },
};
