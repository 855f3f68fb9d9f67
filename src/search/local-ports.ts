/**
 * The four actors' logic built in this thread: the search without the actor runtime (tests, and the
 * runtime's workers build the same objects one per thread).
 */
import { DATASET_CHANNELS, type RunConfig } from '../config/run-config.js';
import { loadSplit, TRAINING_SPLIT } from '../data/load.js';
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import type { GeneratorDims } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import type { SearchPorts } from './conductor.js';
import { PolicyController } from './controller.js';
import { ChildEvaluator } from './evaluator.js';
import { RandomController } from './random-controller.js';
import { ResetDetector } from './reset-detector.js';
import { SharedTrainer } from './shared-trainer.js';

/** The shared generator's dimensions at search width. */
export function searchGeneratorDims(cfg: RunConfig): GeneratorDims {
  return { latent: cfg.model.latent, gf: cfg.search.gf, bottom: cfg.model.bottom, channels: DATASET_CHANNELS[cfg.data.dataset] };
}

export function makeController(cfg: RunConfig): PolicyController | RandomController {
  const s = cfg.search;
  if (s.strategy === 'rl') return new PolicyController({ ...s.controller, levels: s.levels }, nameSeed(cfg.seed, 'actor.controller'));
  // Without weight sharing every draw is a whole architecture: there are no stages to hand prefixes over.
  return new RandomController(s.strategy === 'random-independent' ? 'single' : s.levels, nameSeed(cfg.seed, 'actor.controller'));
}

export async function makeSharedTrainer(cfg: RunConfig): Promise<SharedTrainer> {
  const data = await loadSplit(cfg.data.dataset, TRAINING_SPLIT[cfg.data.dataset], cfg.data.root ?? undefined);
  return new SharedTrainer({ generator: searchGeneratorDims(cfg), df: cfg.search.df, train: cfg.train }, data, nameSeed(cfg.seed, 'actor.trainer'));
}

export function makeEvaluator(cfg: RunConfig, net: FeatureNetwork, reference: GaussianStats | null): ChildEvaluator {
  return new ChildEvaluator({ generator: searchGeneratorDims(cfg), reward: cfg.search.reward, splits: cfg.eval.splits }, net, reference, nameSeed(cfg.seed, 'actor.evaluator'));
}

export function makeResetter(cfg: RunConfig): ResetDetector {
  return new ResetDetector({ window: cfg.search.reset.window, threshold: cfg.search.reset.threshold });
}

export async function localPorts(cfg: RunConfig, net: FeatureNetwork, reference: GaussianStats | null): Promise<SearchPorts & { dispose(): void }> {
  const controller = makeController(cfg);
  const trainer = await makeSharedTrainer(cfg);
  const evaluator = makeEvaluator(cfg, net, reference);
  const resetter = makeResetter(cfg);
  return {
    controller, trainer, evaluator, resetter,
    dispose: () => {
      if ('dispose' in controller) controller.dispose();
      trainer.dispose();
      evaluator.dispose();
    },
  };
}
