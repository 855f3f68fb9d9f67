/**
 * The derivation worker's logic (paper §4): trains a discovered architecture from scratch with the full-width
 * GAN of `train`, in its folder of the run directory, and scores the final EMA generator with IS and FID. It works
 * one checkpoint interval per `advance` and holds the open training between calls; a call for another folder, or
 * the first call after its actor was restarted, opens the folder afresh from its newest checkpoint (resumes are
 * bit-exact), so a lost worker costs at most one interval.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { trainingSettingsOf, type TrainingSettings } from '../config/training-settings.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import { openTraining, type TrainingSession } from '../train/train-run.js';
import type { DeriveChunk, DeriveJob, DeriverPort, DeriveStep, StreamVerdict } from './ports.js';

/**
 * A derivation's settings: the run's training settings, training for `search.derive.steps` G steps with a checkpoint
 * every `search.derive.checkpointEvery`, which is also how far each request to a deriver trains.
 */
export function derivationSettingsOf(run: RunConfig): TrainingSettings {
  const { steps, checkpointEvery } = run.search.derive;
  const training = trainingSettingsOf(run);
  return { ...training, train: { ...training.train, steps, checkpointEvery } };
}

export class Deriver implements DeriverPort {
  private held: { readonly dir: string; readonly run: TrainingSession } | null = null;

  constructor(
    /** The derivations' settings (derivationSettingsOf): what a new derivation saves in its folder and trains by. */
    private readonly config: TrainingSettings,
    private readonly net: FeatureNetwork,
    /** The data set's statistics for FID; null: IS only. */
    private readonly reference: GaussianStats | null,
    /** The backend's name, for the derivations' reports. */
    private readonly backend: string,
    private readonly log: (line: string) => void,
  ) {}

  async advance(job: DeriveJob, onStep: (step: DeriveStep) => StreamVerdict): Promise<DeriveChunk> {
    try {
      const run = await this.open(job);
      const next = Math.min(run.steps, (Math.floor(run.step() / run.checkpointEvery) + 1) * run.checkpointEvery);
      const stopped = await run.trainUntil(next, (s) => onStep({ ...s, steps: run.steps, evaluated: s.evaluated }));
      if (!stopped && run.step() < run.steps) return { step: run.step(), steps: run.steps, interrupted: false, scores: null };
      const report = await run.finish(stopped);
      this.held = null;
      const scores = report.scores && { is: report.scores.is, fid: report.scores.fid };
      return { step: report.steps, steps: run.steps, interrupted: stopped, scores };
    } catch (e) {
      // A failed interval leaves its training in an unknown state: the next call reopens it from its checkpoint.
      this.dispose();
      throw e;
    }
  }

  private async open(job: DeriveJob): Promise<TrainingSession> {
    if (this.held?.dir === job.dir) return this.held.run;
    this.dispose();
    const { config } = this;
    const run = await openTraining({
      config, arch: job.arch, outDir: job.dir, resume: existsSync(join(job.dir, 'config.json')),
      backend: this.backend, log: this.log,
      scoring: { net: this.net, reference: this.reference, n: config.eval.samples, splits: config.eval.splits },
    });
    this.held = { dir: job.dir, run };
    return run;
  }

  /** Frees the training it holds (its checkpoints stay on disk). */
  dispose(): void {
    this.held?.run.dispose();
    this.held = null;
  }
}
