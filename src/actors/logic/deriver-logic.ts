/** The Deriver actor's logic: derivation training and scoring, with its own feature network, in its thread or process. */
import { useCoreShare } from '../../backend/blas/threads.js';
import { loadGaussianStats } from '../../metrics/gaussian-stats-file.js';
import { openFeatureNetwork } from '../../metrics/open-feature-network.js';
import { deriverSettings } from '../../protocol/deriver.js';
import type { ActorInit } from '../../protocol/lifecycle.js';
import { Deriver } from '../../search/deriver.js';
import type { ActorLogic, LogicHost } from '../actor-logic.js';

export async function createLogic(init: ActorInit, host: LogicHost): Promise<ActorLogic<'deriver'>> {
  const { training, referenceStats, blasThreads, backend } = deriverSettings.parse(init.config, 'config');
  // Without --gpus every deriver is a thread of one process: each takes its share of the cores, as if all topK
  // derivations ran at once (deriverActorConfig).
  useCoreShare(blasThreads);
  const { net } = await openFeatureNetwork(training.eval.features, training.eval.inceptionGraph);
  host.onDispose(() => net.dispose());
  return new Deriver(training, net, referenceStats === null ? null : loadGaussianStats(referenceStats), backend, host.log);
}
