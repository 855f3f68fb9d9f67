/** The Evaluator actor's logic: its own feature network and the reference statistics, loaded in its thread or process. */
import { useCoreShare } from '../../backend/blas/threads.js';
import { loadGaussianStats } from '../../metrics/gaussian-stats-file.js';
import { openFeatureNetwork } from '../../metrics/open-feature-network.js';
import { evaluatorSettings } from '../../protocol/evaluator.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeEvaluator } from '../../search/local-ports.js';
import type { ActorLogic, LogicHost } from '../actor-logic.js';

export async function createLogic(init: ActorInit, host: LogicHost): Promise<ActorLogic<'evaluator'>> {
  const settings = evaluatorSettings.parse(init.config, 'config');
  useCoreShare(settings.threads);
  const { net } = await openFeatureNetwork(settings.features, settings.inceptionGraph);
  host.onDispose(() => net.dispose());
  return makeEvaluator(settings, net, settings.referenceStats === null ? null : loadGaussianStats(settings.referenceStats));
}
