/** The Evaluator actor's logic: its own feature network and the reference statistics, loaded in its thread or process. */
import { coreShare, useCoreShare } from '../../backend/blas/threads.js';
import { loadGaussianStats } from '../../metrics/gaussian-stats-file.js';
import { openFeatureNetwork } from '../../metrics/open-feature-network.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { makeEvaluator } from '../../search/local-ports.js';
import type { ActorLogic, LogicHost } from '../actor-logic.js';
import { actorConfigOf } from './actor-config.js';

export async function createLogic(init: ActorInit, host: LogicHost): Promise<ActorLogic<'evaluator'>> {
  const { run, referenceStats } = actorConfigOf(init.config);
  useCoreShare(coreShare(run.search.overlap ? 2 : 1)); // as the SharedTrainer (shared-trainer-logic.ts)
  const { net } = await openFeatureNetwork(run.eval.features, run.eval.inceptionGraph);
  host.onDispose(() => net.dispose());
  return makeEvaluator(run, net, referenceStats === null ? null : loadGaussianStats(referenceStats));
}
