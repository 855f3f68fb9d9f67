/**
 * The train job: one architecture trained from scratch in a run directory (src/train/train-run.ts), with
 * periodic scoring when the config asks for it. The CLI's `autogan train` and the library's `train()` run it.
 */
import { join } from 'node:path';
import { startBackend, type BackendName } from '../backend/select.js';
import { trainingSettingsOf, type TrainingSettings } from '../config/training-settings.js';
import { flagError } from '../errors.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, trainingStatsRequest } from '../metrics/reference-stats.js';
import { parseArch, validateArch } from '../nn/arch.js';
import { refreshReportQuietly } from '../report/refresh.js';
import { assertNewRunDir } from '../supervisor/run-dir.js';
import { readSavedRun } from '../train/saved-run.js';
import { runTraining, type FinalScoring, type TrainReport } from '../train/train-run.js';
import { noLog, type JobOutput } from '../util/output.js';
import { SEED_MAX, defaultRunDir, optionalInt, rejectBesideResume, resolveConfigSource, type ConfigSource } from './job-options.js';

export type { TrainReport };

/** A new training (`arch` and `config`), or one continued from its newest intact checkpoint (`resume`). */
export interface TrainOptions extends JobOutput {
  /** All 14 tokens, as text ("1 0 1 1  1 0 0 1 1  1 0 1 0 3", commas allowed) or numbers. */
  readonly arch?: string | readonly number[];
  readonly config?: ConfigSource;
  /** A run directory to continue, with the settings saved in it (then arch, config, steps, out and seed are not given). */
  readonly resume?: string;
  /** Overrides train.steps (generator steps) and the seed. */
  readonly steps?: number;
  readonly seed?: number;
  /** Run directory of a new training, new or empty (default runs/train-<time>). */
  readonly out?: string;
  /** Default auto. */
  readonly backend?: BackendName;
  /** Aborting stops after the current step with a checkpoint; the report then says `interrupted`. */
  readonly signal?: AbortSignal;
}

/** The training's report (also in report.json) and its run directory. */
export type TrainResult = TrainReport & { readonly dir: string };

/** The feature network and data statistics for train.evalEvery, or null when the config asks for no scoring. */
async function periodicScoring(config: TrainingSettings, outDir: string, log: (line: string) => void): Promise<{ scoring: FinalScoring; dispose(): void } | null> {
  if (config.train.evalEvery === 0) return null;
  const network = await openFeatureNetwork(config.eval.features, config.eval.inceptionGraph);
  const reference = await referenceStats(trainingStatsRequest(config.data, network, join(outDir, 'stats'), log));
  return { scoring: { net: network.net, reference, n: config.eval.samples, splits: config.eval.splits }, dispose: () => network.net.dispose() };
}

/** A new training's settings (its config's, less the search's) and architecture, checked. */
function newTraining(opts: TrainOptions): { config: TrainingSettings; arch: number[] } {
  if (!opts.arch) throw flagError('arch', 'is required (or --resume DIR)');
  if (!opts.config) throw flagError('config', 'is required (or --resume DIR)');
  const arch = [...(typeof opts.arch === 'string' ? parseArch(opts.arch, '--arch') : validateArch(opts.arch, '--arch'))];
  if (arch.length !== 14) throw flagError('arch', `training needs all 14 tokens, got ${arch.length}`);
  const base = trainingSettingsOf(resolveConfigSource(opts.config).config);
  const config = {
    ...base, seed: optionalInt('seed', opts.seed, 0, SEED_MAX) ?? base.seed,
    train: { ...base.train, steps: optionalInt('steps', opts.steps, 1) ?? base.train.steps },
  };
  return { config, arch };
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const log = opts.log ?? noLog;
  rejectBesideResume(opts, ['arch', 'config', 'out', 'seed', 'steps'], 'the run keeps its saved settings');
  const fresh = opts.resume === undefined ? newTraining(opts) : null;
  const outDir = opts.resume ?? opts.out ?? defaultRunDir('train');
  if (fresh) assertNewRunDir(outDir);
  const backend = await startBackend(opts.backend ?? 'auto', { log });
  // A resumed run's saved settings; runTraining reads them again itself, with its newest checkpoint's.
  const { config, arch } = fresh ?? readSavedRun(outDir);
  const scoring = await periodicScoring(config, outDir, log);
  try {
    const report = await runTraining({
      config, arch, outDir, resume: opts.resume !== undefined, backend: backend.name, log, progress: opts.progress, signal: opts.signal,
      onCheckpoint: () => refreshReportQuietly(outDir, log),
      ...(scoring ? { scoring: scoring.scoring } : {}),
    });
    return { ...report, dir: outDir };
  } finally {
    scoring?.dispose();
  }
}
