/**
 * The four actors' logic built in this thread: the search without the actor runtime (tests, and the
 * runtime's workers build the same objects one per thread). Each is built from its settings, the slice of the
 * run's config that it uses (src/protocol/<kind>.ts): an actor is given those at its start, and checks them.
 */
import { coreShare } from '../backend/blas/threads.js';
import type { RunConfig } from '../config/run-config.js';
import { DATASET_CHANNELS } from '../config/training-settings.js';
import { loadSplit, TRAINING_SPLIT } from '../data/load.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import type { GeneratorDims } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import type { ControllerSettings } from '../protocol/controller.js';
import type { EvaluatorSettings } from '../protocol/evaluator.js';
import type { ResetterSettings } from '../protocol/resetter.js';
import type { TrainerSettings } from '../protocol/shared-trainer.js';
import type { SearchPorts } from './conductor.js';
import { PolicyController } from './controller.js';
import { ChildEvaluator } from './evaluator.js';
import { RandomController } from './random-controller.js';
import { makeResetter } from './reset-detector.js';
import { SharedTrainer } from './shared-trainer.js';

/** The shared generator's dimensions at search width. */
export function searchGeneratorDims(cfg: RunConfig): GeneratorDims {
  return { latent: cfg.model.latent, gf: cfg.search.gf, bottom: cfg.model.bottom, channels: DATASET_CHANNELS[cfg.data.dataset] };
}

export function controllerSettingsOf(cfg: RunConfig): ControllerSettings {
  return { seed: cfg.seed, strategy: cfg.search.strategy, levels: cfg.search.levels, controller: cfg.search.controller };
}

export function makeController(s: ControllerSettings): PolicyController | RandomController {
  if (s.strategy === 'rl') return new PolicyController({ ...s.controller, levels: s.levels }, nameSeed(s.seed, 'actor.controller'));
  // Without weight sharing every draw is a whole architecture: there are no stages to hand prefixes over.
  return new RandomController(s.strategy === 'random-independent' ? 'single' : s.levels, nameSeed(s.seed, 'actor.controller'));
}

/**
 * The SharedTrainer's and the Evaluator's share of the cores for their native kernels: with overlap the Evaluator
 * scores while the SharedTrainer trains, so each takes half; else each has them all in turn.
 */
function searchActorThreads(cfg: RunConfig): number {
  return coreShare(cfg.search.overlap ? 2 : 1);
}

export function trainerSettingsOf(cfg: RunConfig): TrainerSettings {
  return { seed: cfg.seed, data: cfg.data, generator: searchGeneratorDims(cfg), df: cfg.search.df, train: cfg.train, threads: searchActorThreads(cfg) };
}

export async function makeSharedTrainer(s: TrainerSettings): Promise<SharedTrainer> {
  const data = await loadSplit(s.data.dataset, TRAINING_SPLIT[s.data.dataset], s.data.root ?? undefined);
  return new SharedTrainer({ generator: s.generator, df: s.df, train: s.train }, data, nameSeed(s.seed, 'actor.trainer'));
}

/** `referenceStats`: the file of the data set's feature statistics (for the FID reward), or null. */
export function evaluatorSettingsOf(cfg: RunConfig, referenceStats: string | null): EvaluatorSettings {
  return {
    seed: cfg.seed, generator: searchGeneratorDims(cfg), reward: cfg.search.reward, splits: cfg.eval.splits,
    features: cfg.eval.features, inceptionGraph: cfg.eval.inceptionGraph, referenceStats, threads: searchActorThreads(cfg),
  };
}

export function makeEvaluator(s: EvaluatorSettings, net: FeatureNetwork, reference: GaussianStats | null): ChildEvaluator {
  return new ChildEvaluator({ generator: s.generator, reward: s.reward, splits: s.splits }, net, reference, nameSeed(s.seed, 'actor.evaluator'));
}

export function resetterSettingsOf(cfg: RunConfig): ResetterSettings {
  return { window: cfg.search.reset.window, threshold: cfg.search.reset.threshold };
}

export async function localPorts(cfg: RunConfig, net: FeatureNetwork, reference: GaussianStats | null): Promise<SearchPorts & { dispose(): void }> {
  const controller = makeController(controllerSettingsOf(cfg));
  const trainer = await makeSharedTrainer(trainerSettingsOf(cfg));
  const evaluator = makeEvaluator(evaluatorSettingsOf(cfg, null), net, reference);
  const resetter = makeResetter(resetterSettingsOf(cfg));
  return {
    controller, trainer, evaluator, resetter,
    dispose: () => {
      if ('dispose' in controller) controller.dispose();
      trainer.dispose();
      evaluator.dispose();
    },
  };
}
