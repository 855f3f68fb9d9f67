/**
 * Training one discovered architecture from scratch (paper §4; reference "Final training"): a derived
 * generator and the full discriminator, hinge loss, n_critic D steps per G step, EMA of G for samples.
 * Writes checkpoints atomically, sample grids from the EMA generator, and a final JSON report. A resumed
 * run restores every piece of state (weights, optimizers, EMA, spectral-norm vectors, data cursor, noise
 * counter), so it ends exactly where an uninterrupted run would. It reads the training's own settings
 * (src/config/training-settings.ts), which its directory saves (src/train/saved-run.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatArch, type Arch } from '../nn/arch.js';
import { Discriminator, BLOCKS_BY_STAGE } from '../nn/discriminator.js';
import { Generator } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import { loadSplit, TRAINING_SPLIT } from '../data/load.js';
import { MinibatchStream } from '../data/batches.js';
import { DATASET_CHANNELS, trainingSettingsOf, type TrainingSettings } from '../config/training-settings.js';
import { FieldError, fileError, isInputError } from '../errors.js';
import type { ClassCoverage, EvalPoint } from '../protocol/evaluation.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeImageGrid } from '../util/png-grid.js';
import { ProgressBar } from '../util/progress-bar.js';
import { ClassProbe } from './class-probe.js';
import { GanTrainer } from './gan-trainer.js';
import { ganStateArrays, ganStateMeta, restoreGanState } from './gan-state.js';
import { loadNewestCheckpoint, requireCheckpointDir, saveCheckpoint } from './checkpoint-dir.js';
import { parseTrainCheckpointMeta, type LossPoint, type TrainCheckpointMeta } from './train-checkpoint-meta.js';
import { checkCheckpointOfRun, readSavedRun, SAVED_RUN_FORMAT, savedRunText } from './saved-run.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import type { HeldOutFigures } from '../metrics/held-out-figures.js';
import type { InceptionScore } from '../metrics/inception-score.js';
import { latentSampler, scoreImages } from '../metrics/score-generator.js';
import type { ProgressStream } from '../util/output.js';

export interface TrainReport {
  readonly kind: 'train';
  readonly arch: string;
  /** The training's own settings, as its config.json saves them. */
  readonly config: TrainingSettings;
  readonly backend: string;
  readonly steps: number;
  readonly resumedFromStep: number | null;
  readonly wallSeconds: number;
  readonly stepsPerSecond: number;
  readonly history: LossPoint[];
  /** Periodic IS and FID (train.evalEvery); the final scores are in `scores`. */
  readonly evals: EvalPoint[];
  readonly firstDLoss: number | null;
  readonly lastDLoss: number | null;
  readonly samples: string[];
  readonly checkpoint: string;
  readonly interrupted: boolean;
  /** IS and FID of the final EMA generator, when scoring was asked for. */
  readonly scores: FinalScores | null;
}

/** The final evaluation of the EMA generator: what an evaluation measures, and what it is read against. */
export interface FinalScores {
  readonly n: number;
  readonly is: InceptionScore | null;
  readonly fid: number | null;
  /** The feature network's name. */
  readonly features: string;
  /** With the digit classifier: the samples' class shares and D's per-class share of real digits called real; else null. */
  readonly classes: ClassCoverage | null;
  /** With the digit classifier: the held-out real digits' own IS, FID and class shares; else null. */
  readonly heldOut: HeldOutFigures | null;
}

/**
 * Scoring the EMA generator, at the end and every train.evalEvery steps: IS and FID of `n` images under a feature
 * network, and with the digit classifier their class coverage (src/train/class-probe.ts).
 */
export interface FinalScoring {
  readonly net: FeatureNetwork;
  /** The data set's statistics for FID; null: IS only. */
  readonly reference: GaussianStats | null;
  readonly n: number;
  readonly splits: number;
}

/** The seed of the latents a run's evaluations and final scores use: `autogan eval --seed` with it scores the same images. */
export const finalScoresSeed = (seed: number): number => nameSeed(seed, 'final-scores');

export interface TrainRunOptions {
  /** A new run's settings (a run config's trainingSettingsOf); a resumed run trains by its saved ones. */
  readonly config: TrainingSettings;
  readonly arch: Arch;
  readonly outDir: string;
  /** Continue the run in outDir from its newest intact checkpoint (or from its start, with its saved config). */
  readonly resume: boolean;
  readonly backend: string;
  readonly log: (line: string) => void;
  /** Where the progress bar goes (stderr); absent: none (a deriver actor reports its steps as messages instead). */
  readonly progress?: ProgressStream;
  /** Aborting stops after the current step with a checkpoint (SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  readonly scoring?: FinalScoring;
  /** After each checkpoint and after report.json: the job that owns the run directory rewrites its report then. */
  readonly onCheckpoint?: () => void;
}

/** The losses of one G step (D's averaged over its n_critic steps), and the evaluation made after it, if one was. */
export interface StepLosses {
  readonly step: number;
  readonly dLoss: number;
  readonly gLoss: number;
  readonly evaluated?: EvalPoint;
}

/**
 * An open training run, driven step range by step range: `runTraining` drives it to its end at once, a deriver
 * actor one checkpoint interval per request (src/search/deriver.ts). It holds tensors until `finish` or `dispose`.
 */
export interface TrainingSession {
  /** G steps done so far. */
  step(): number;
  /** G steps of the whole run (its config's train.steps). */
  readonly steps: number;
  readonly checkpointEvery: number;
  /**
   * Trains up to G step `until` (at most `steps`), writing sample grids and checkpoints on their schedule. `onStep`
   * sees each step's losses; 'stop' ends the range after that step. Resolves true when stopped so.
   */
  trainUntil(until: number, onStep?: (s: StepLosses) => 'continue' | 'stop'): Promise<boolean>;
  /**
   * Ends the run: the final sample grid (unless interrupted), a last checkpoint, the scores (when asked for and
   * not interrupted) and report.json. Frees the session's tensors.
   */
  finish(interrupted: boolean): Promise<TrainReport>;
  /** Frees the session's tensors without a report (an abandoned session); idempotent. */
  dispose(): void;
}

/** Trains the run to its end (or until `signal` aborts) and writes its report. */
export async function runTraining(opts: TrainRunOptions): Promise<TrainReport> {
  const run = await openTraining(opts);
  try {
    const stopped = await run.trainUntil(run.steps, () => (opts.signal?.aborted ? 'stop' : 'continue'));
    return await run.finish(stopped);
  } finally {
    run.dispose();
  }
}

/** Opens a training run in `opts.outDir`, new or resumed; nothing is trained yet. */
export async function openTraining(opts: Omit<TrainRunOptions, 'signal'>): Promise<TrainingSession> {
  const { outDir, log } = opts;
  const ckptDir = join(outDir, 'checkpoints');
  const sampleDir = join(outDir, 'samples');

  // Everything is read and checked before the first write, so a run rejected here is left as it was.
  // Exactly the training's keys: a whole run config, which the compiler lets through as a superset, saves no search settings.
  let config = trainingSettingsOf(opts.config);
  let arch: Arch = opts.arch;
  const saved = opts.resume ? readSavedRun(outDir) : null;
  if (opts.resume) requireCheckpointDir(outDir, ckptDir);
  const newest = opts.resume ? loadNewestCheckpoint<unknown>(ckptDir) : null;
  const loaded = newest && { ...newest, meta: parseTrainCheckpointMeta(newest.meta, newest.path) };
  if (saved) {
    if (loaded) checkCheckpointOfRun(saved, loaded.meta, loaded.path);
    ({ config, arch } = loaded ? { config: loaded.meta.config, arch: loaded.meta.arch } : saved);
    for (const why of loaded?.skipped ?? []) log(`skipped damaged checkpoint: ${why}`);
    log(loaded ? `resuming from ${loaded.path} (step ${loaded.meta.step})` : `no checkpoint in ${ckptDir}: starting the saved run from its beginning`);
  } else if (existsSync(join(outDir, 'config.json'))) {
    throw fileError(outDir, 'already holds a run; pass --resume to continue it or choose another --out');
  }

  const { seed, data, model, train } = config;
  const channels = DATASET_CHANNELS[data.dataset];
  // The data is read before anything is written, so bad data files leave no run behind (nor change one).
  const dataset = await loadSplit(data.dataset, TRAINING_SPLIT[data.dataset], data.root ?? undefined);
  const probe = opts.scoring ? await ClassProbe.open(config.eval.features) : null;
  const G = new Generator({ latent: model.latent, gf: model.gf, bottom: model.bottom, channels }, { kind: 'derived', arch }, nameSeed(seed, 'G'));
  const D = new Discriminator({ df: model.df, channels }, nameSeed(seed, 'D'));
  const trainer = new GanTrainer(G, D, train, seed);
  let stream: MinibatchStream;
  let step = 0;
  let history: LossPoint[] = [];
  let evals: EvalPoint[] = [];
  let priorSeconds = 0;
  let { dSum, gSum, n } = loaded?.meta.pending ?? { dSum: 0, gSum: 0, n: 0 };
  const freeModels = () => {
    trainer.dispose();
    G.dispose();
    D.dispose();
  };
  if (loaded) {
    try {
      restoreGanState(trainer, loaded.meta.gan, loaded.arrays);
      stream = new MinibatchStream(dataset, { batchSize: train.dBatch, resume: loaded.meta.cursor });
    } catch (e) {
      freeModels();
      if (e instanceof FieldError || isInputError(e)) throw fileError(loaded.path, e.message);
      throw e;
    }
    step = loaded.meta.step;
    history = [...loaded.meta.history];
    evals = [...loaded.meta.evals];
    priorSeconds = loaded.meta.wallSeconds;
  } else {
    stream = new MinibatchStream(dataset, { batchSize: train.dBatch, seed: nameSeed(seed, 'data') });
  }
  // The first writes: the data and any checkpoint being resumed were read and checked above.
  mkdirSync(ckptDir, { recursive: true });
  mkdirSync(sampleDir, { recursive: true });
  if (!opts.resume) writeFileAtomic(join(outDir, 'config.json'), [savedRunText({ config, arch: [...arch] })]);

  const blocks = BLOCKS_BY_STAGE[BLOCKS_BY_STAGE.length - 1]!;
  const sampleZ = tf.randomNormal([64, model.latent], 0, 1, 'float32', nameSeed(seed, 'sample-z')) as tf.Tensor2D;
  const samples: string[] = [];
  const writeSamples = (name: string) => {
    const imgs = trainer.withEmaSampler(arch, (sample) => sample(sampleZ));
    const path = join(sampleDir, name);
    writeImageGrid(path, imgs.dataSync() as Float32Array, imgs.shape);
    imgs.dispose();
    samples.push(path);
  };
  const t0 = Date.now();
  const wall = () => priorSeconds + (Date.now() - t0) / 1000;
  let lastCheckpoint = '';
  const checkpoint = () => {
    const meta: TrainCheckpointMeta = { kind: 'train', format: SAVED_RUN_FORMAT, config, arch: [...arch], step, gan: ganStateMeta(trainer), cursor: stream.cursor(), history, pending: { dSum, gSum, n }, wallSeconds: wall(), evals };
    lastCheckpoint = saveCheckpoint(ckptDir, step, meta, ganStateArrays(trainer));
  };
  // The same latents at every evaluation and at the end, so the curve compares like with like.
  const score = (s: FinalScoring) => {
    const { n, is, fid, shares } = trainer.withEmaSampler(arch, (generate) =>
      scoreImages(latentSampler(model.latent, finalScoresSeed(seed), generate), s.net, { n: s.n, isSplits: s.splits, reference: s.reference, classShares: probe !== null }),
    );
    const classes: ClassCoverage | null = probe && { shares: shares!, dReal: probe.dReal(D, blocks) };
    return { n, is, fid, classes };
  };

  const logEvery = Math.max(1, Math.floor(train.steps / 100));
  const startStep = step;
  const bar = opts.progress ? new ProgressBar(opts.progress, 'train', train.steps, 'step', 250, startStep) : null;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    void stream.return();
    sampleZ.dispose();
    freeModels();
  };

  return {
    step: () => step,
    steps: train.steps,
    checkpointEvery: train.checkpointEvery,
    async trainUntil(until, onStep) {
      while (step < Math.min(until, train.steps)) {
        // Once a step, timers and messages get their turn: an actor's heartbeats and a stop request.
        await new Promise<void>((resolve) => setImmediate(resolve));
        let gLoss = 0;
        let dLoss = 0;
        for (let c = 0; c < train.nCritic; c++) {
          const { value: batch } = await stream.next();
          const real = tf.tensor4d(batch!.images, batch!.shape);
          const losses = trainer.trainIteration(real, arch, blocks);
          real.dispose();
          dLoss += losses.dLoss / train.nCritic;
          if (losses.gLoss !== null) gLoss = losses.gLoss;
        }
        step += 1;
        dSum += dLoss;
        gSum += gLoss;
        n += 1;
        if (step % logEvery === 0 || step === train.steps) {
          history.push({ step, dLoss: dSum / n, gLoss: gSum / n });
          dSum = gSum = n = 0;
        }
        bar?.update(step, `D ${dLoss.toFixed(3)}  G ${gLoss.toFixed(3)}`);
        if (step % train.sampleEvery === 0 && step !== train.steps) writeSamples(`step-${String(step).padStart(9, '0')}.png`);
        let evaluated: EvalPoint | undefined;
        if (opts.scoring && train.evalEvery > 0 && step % train.evalEvery === 0 && step !== train.steps) {
          const { is, fid, classes } = score(opts.scoring);
          evaluated = { step, is, fid, classes };
          evals.push(evaluated);
        }
        if (step % train.checkpointEvery === 0 && step !== train.steps) {
          checkpoint();
          opts.onCheckpoint?.();
        }
        if (onStep?.({ step, dLoss, gLoss, ...(evaluated && { evaluated }) }) === 'stop') return true;
      }
      return false;
    },
    async finish(interrupted) {
      bar?.finish(step);
      if (!interrupted) writeSamples('final.png');
      checkpoint();
      let scores: FinalScores | null = null;
      if (opts.scoring && !interrupted) {
        const s = opts.scoring;
        scores = { ...score(s), features: s.net.name, heldOut: probe && probe.figures(s.net, s.reference, s.splits) };
      }
      dispose();
      const report: TrainReport = {
        kind: 'train',
        arch: formatArch(arch),
        config,
        backend: opts.backend,
        steps: step,
        resumedFromStep: loaded ? startStep : null,
        wallSeconds: wall(),
        stepsPerSecond: (step - startStep) / Math.max(1e-9, (Date.now() - t0) / 1000),
        history,
        evals,
        firstDLoss: history[0]?.dLoss ?? null,
        lastDLoss: history[history.length - 1]?.dLoss ?? null,
        samples,
        checkpoint: lastCheckpoint,
        interrupted,
        scores,
      };
      writeFileAtomic(join(outDir, 'report.json'), [Buffer.from(JSON.stringify(report, null, 2))]);
      opts.onCheckpoint?.();
      return report;
    },
    dispose,
  };
}
