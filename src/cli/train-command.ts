import { join } from 'node:path';
import { loadConfig, type RunConfig } from '../config/run-config.js';
import { TRAINING_SPLIT } from '../data/load.js';
import { flagError } from '../errors.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats } from '../metrics/reference-stats.js';
import { parseArch } from '../nn/arch.js';
import { assertNewRunDir } from '../supervisor/run-dir.js';
import { readSavedRun, runTraining, type FinalScoring } from '../train/train-run.js';
import { intFlag, stringFlag, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, interruptSignal, seedFlag, startBackendFromFlags } from './runtime-flags.js';

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
  config.json                  the effective config and the architecture
  checkpoints/step-N.ckpt      full training state (atomic; the 3 newest are kept)
  samples/step-N.png, final.png  8x8 grids from the EMA generator
  report.json                  steps, speed, loss history, IS/FID, paths
  report.html, tb/             the report for people and TensorBoard's event file, rewritten at each checkpoint

With train.evalEvery > 0 in the config (configs/mnist-tiny.json sets it) the EMA generator is scored
(IS, FID on eval.samples images) that often and at the end.`;

/** The feature network and data statistics for train.evalEvery, or null when the config asks for no scoring. */
async function periodicScoring(config: RunConfig, outDir: string, log: (line: string) => void): Promise<{ scoring: FinalScoring; dispose(): void } | null> {
  if (config.train.evalEvery === 0) return null;
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  const reference = await referenceStats({
    dataset: config.data.dataset, split: TRAINING_SPLIT[config.data.dataset], root: config.data.root, network,
    statsFile: null, cacheDir: join(outDir, 'stats'), log,
  });
  return { scoring: { net: network.net, reference, n: config.eval.samples, splits: config.eval.splits }, dispose: () => network.net.dispose() };
}

function withOverrides(cfg: RunConfig, steps: number | undefined, seed: number | undefined): RunConfig {
  return { ...cfg, seed: seed ?? cfg.seed, train: { ...cfg.train, steps: steps ?? cfg.train.steps } };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one architecture from scratch, with checkpoints and sample grids',
  help,
  options: {
    arch: { type: 'string' }, config: { type: 'string' }, steps: { type: 'string' }, out: { type: 'string' },
    resume: { type: 'string' }, seed: { type: 'string' }, ...BACKEND_OPTION,
  },
  async run(values) {
    const resumeDir = stringFlag(values, 'resume');
    const steps = intFlag(values, 'steps', 1);
    const seed = seedFlag(values);
    let config: RunConfig | null = null;
    let arch: number[] = [];
    if (resumeDir) {
      for (const f of ['arch', 'config', 'out', 'seed', 'steps']) if (values[f] !== undefined) throw flagError(f, 'cannot be combined with --resume (the run keeps its saved settings)');
    } else {
      const archText = stringFlag(values, 'arch');
      const configPath = stringFlag(values, 'config');
      if (!archText) throw flagError('arch', 'is required (or --resume DIR)');
      if (!configPath) throw flagError('config', 'is required (or --resume DIR)');
      arch = [...parseArch(archText, '--arch')];
      if (arch.length !== 14) throw flagError('arch', `training needs all 14 tokens, got ${arch.length}`);
      config = withOverrides(loadConfig(configPath), steps, seed);
    }
    const outDir = resumeDir ?? stringFlag(values, 'out') ?? join('runs', `train-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    if (!resumeDir) assertNewRunDir(outDir);
    const backend = await startBackendFromFlags(values);
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const scoring = await periodicScoring(config ?? readSavedRun(outDir).config, outDir, log);
    const { signal, release } = interruptSignal(log);
    try {
      const report = await runTraining({
        config: config!, arch, outDir, resume: resumeDir !== undefined, backend: backend.name, log, progress: process.stderr, signal,
        ...(scoring ? { scoring: scoring.scoring } : {}),
      });
      console.log(`${report.interrupted ? 'interrupted' : 'trained'} ${report.arch}: ${report.steps} steps in ${report.wallSeconds.toFixed(1)} s`);
      console.log(`D loss ${report.firstDLoss?.toFixed(3)} → ${report.lastDLoss?.toFixed(3)}; report: ${join(outDir, 'report.json')}; checkpoint: ${report.checkpoint}`);
      if (report.scores) console.log(`IS ${report.scores.is?.mean.toFixed(3) ?? 'n/a'}, FID ${report.scores.fid?.toFixed(3) ?? 'n/a'} (${report.scores.features}); report for people: ${join(outDir, 'report.html')}`);
      return report.interrupted ? 130 : 0;
    } finally {
      release();
      scoring?.dispose();
    }
  },
};
